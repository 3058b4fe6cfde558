// One server per data directory. Two processes serving the same stores would each cache, sweep and
// replicate on their own and answer different values (issue 12), so a start takes
// `<data-dir>/serve.lock` (created exclusively, holding the process id and host) and refuses while
// a live process holds it. A lock left by a process that is gone (kill -9, power loss) is taken
// over; so is one naming this very process that this process does not hold (a pid reused after a
// reboot). A lock written on another host cannot be checked from here and is refused with the way out.

import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/** The lock file: a process's, not data (a data directory holding only it is still unused). */
export const DATA_DIR_LOCK_FILE = "serve.lock";

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Data directories this process holds, by real path: a second server in-process is refused too. */
const heldHere = new Set<string>();

class DataDirInUse extends Error {}

export interface DataDirLock {
  /** Give the directory up (on close, or when the start fails after taking it). */
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dir = realpathSync(dataDir);
  const file = join(dir, DATA_DIR_LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const text = JSON.stringify(me) + "\n";
  if (heldHere.has(dir)) throw inUse(dataDir, file, me);
  // Twice at most: once, and once more after taking over a lock whose holder is gone.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(file);
      if (holder && isAlive(holder)) throw inUse(dataDir, file, holder);
      removeIfUnchanged(file, holder);
      continue;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    heldHere.add(dir);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        heldHere.delete(dir);
        const holder = readHolder(file);
        if (holder?.pid === me.pid && holder.startedAt === me.startedAt) unlinkSync(file);
      },
    };
  }
  throw new DataDirInUse(`data directory ${dataDir}: another start took ${file} at the same moment; try again`);
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string" && typeof parsed.startedAt === "string") {
      return { pid: parsed.pid, host: parsed.host, startedAt: parsed.startedAt };
    }
  } catch {
    // gone since, or half written by a start that died: nobody holds it
  }
  return undefined;
}

/** Whether the holder may still be serving. Another host's process cannot be checked: assume so. */
function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return false; // not held here (checked above): a reused pid
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by another user
  }
}

/** Remove a dead holder's lock, unless another start replaced it meanwhile. */
function removeIfUnchanged(file: string, holder: Holder | undefined): void {
  const now = readHolder(file);
  if (now?.pid !== holder?.pid || now?.startedAt !== holder?.startedAt) return;
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

function inUse(dataDir: string, file: string, holder: Holder): DataDirInUse {
  const where = holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on host ${holder.host}`;
  return new DataDirInUse(
    `data directory ${dataDir} is in use by ${where} (started ${holder.startedAt}); ` +
      `stop that server first, or remove ${file} if it is no longer running`,
  );
}
