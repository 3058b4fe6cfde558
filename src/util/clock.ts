// Injectable time, so deletion windows and day-resolution access dates are testable without sleeping.

export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

const DAY_MS = 86_400_000;

/** Midnight UTC of the day containing `ms`: LastAccessedDate has day resolution on AWS. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export const days = (n: number) => n * DAY_MS;
