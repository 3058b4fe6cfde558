// Waiting for work that runs elsewhere (another process, a worker thread, a timer of the code
// under test): poll the condition a test can see, bounded, rather than sleep for a guessed time.
// Logic that reads an injected Clock needs neither: move the clock.

/**
 * Resolves with `condition`'s first truthy value, polling every `intervalMs`; rejects naming
 * `what` once `timeoutMs` has passed without one.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 10, what = "the condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Poll until `check` passes (resolves without throwing). Bounded: fails with check's own error after `ms`. */
export async function eventually<T>(check: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
