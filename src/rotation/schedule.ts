// Rotation schedules as AWS Secrets Manager reads them (RotationRulesType): AutomaticallyAfterDays,
// or a ScheduleExpression — rate(N hours|days) or a six-field cron() in UTC — with an optional
// Duration window. Pure functions on epoch milliseconds: validation, the next window, its end.

import { invalidParameter } from "../contract/service-error.js";
import { parseCron, nextCronMatch, cronInHours, type Cron } from "./cron.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface RotationRules {
  AutomaticallyAfterDays?: number;
  ScheduleExpression?: string;
  Duration?: string;
}

/** A schedule read from its rules: when windows open, and how long each stays open. */
export type Schedule =
  | { kind: "days"; days: number; durationMs?: number }
  | { kind: "rate-hours"; hours: number; durationMs?: number }
  | { kind: "cron"; cron: Cron; durationMs?: number };

/** AWS rotates a secret at most once every four hours. */
const MIN_INTERVAL_HOURS = 4;

/** The rules checked as AWS checks them; InvalidParameterException says what is wrong. */
export function parseSchedule(rules: RotationRules): Schedule {
  const { AutomaticallyAfterDays: afterDays, ScheduleExpression: expression, Duration: duration } = rules;
  if (afterDays !== undefined && expression !== undefined) {
    throw invalidParameter("You cannot specify both rotation frequency and schedule expression together.");
  }
  const durationMs = duration === undefined ? undefined : parseDuration(duration);
  let schedule: Schedule;
  if (afterDays !== undefined) {
    if (!Number.isInteger(afterDays) || afterDays < 1 || afterDays > 1000) {
      throw invalidParameter("AutomaticallyAfterDays must be between 1 and 1000 days.");
    }
    schedule = { kind: "days", days: afterDays, durationMs };
  } else if (expression !== undefined) {
    schedule = parseExpression(expression.trim(), durationMs);
  } else {
    throw invalidParameter("You must specify either AutomaticallyAfterDays or ScheduleExpression in RotationRules.");
  }
  checkWindow(schedule);
  return schedule;
}

function parseDuration(duration: string): number {
  const hours = /^(\d+)h$/.exec(duration);
  if (!hours || Number(hours[1]) < 1 || Number(hours[1]) > 24) {
    throw invalidParameter("The rotation window Duration must be between 1h and 24h.");
  }
  return Number(hours[1]) * HOUR;
}

function parseExpression(expression: string, durationMs: number | undefined): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    if (rate[2].startsWith("hour")) {
      if (n < MIN_INTERVAL_HOURS || n > 1000 * 24) throw invalidParameter(`The schedule expression ${expression} must rotate at most every four hours.`);
      // a rate in whole days is a days schedule (its window closes at the end of the day)
      return n % 24 === 0 ? { kind: "days", days: n / 24, durationMs } : { kind: "rate-hours", hours: n, durationMs };
    }
    if (n < 1 || n > 1000) throw invalidParameter(`The schedule expression ${expression} must be between 1 and 1000 days.`);
    return { kind: "days", days: n, durationMs };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) throw invalidParameter(`Invalid ScheduleExpression: ${expression}. Use rate() or cron().`);
  const parsed = parseCron(cron[1]);
  if (!parsed) throw invalidParameter(`Invalid cron expression: ${expression}.`);
  const hours = [...parsed.hours].sort((a, b) => a - b);
  for (let i = 0; i < hours.length; i++) {
    const gap = i + 1 < hours.length ? hours[i + 1] - hours[i] : hours[0] + 24 - hours[i];
    if (hours.length > 1 && gap < MIN_INTERVAL_HOURS) throw invalidParameter(`The schedule expression ${expression} must rotate at most every four hours.`);
  }
  return { kind: "cron", cron: parsed, durationMs };
}

/** The window must close before the next one opens and before the UTC day ends. */
function checkWindow(schedule: Schedule): void {
  const d = schedule.durationMs;
  if (d === undefined) return;
  if (schedule.kind === "rate-hours" && d > schedule.hours * HOUR) {
    throw invalidParameter("The rotation window overlaps with the next scheduled rotation window. Specify a shorter Duration.");
  }
  if (schedule.kind === "cron") {
    const hours = [...schedule.cron.hours].sort((a, b) => a - b);
    const gaps = hours.slice(1).map((h, i) => (h - hours[i]) * HOUR);
    if (gaps.some((g) => d > g)) throw invalidParameter("The rotation window overlaps with the next scheduled rotation window. Specify a shorter Duration.");
    const last = hours[hours.length - 1] * HOUR + schedule.cron.minute * 60_000;
    if (last + d > DAY) throw invalidParameter("The rotation window can't extend into the next UTC day. Specify a shorter Duration.");
  }
}

const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * When the next rotation window opens after a rotation (or a manual change) at `from`. Days
 * schedules count whole UTC days from the day of `from`, their window opening at midnight;
 * rate(N hours) windows open every N hours from midnight; cron() at its next match.
 */
export function nextWindowStart(schedule: Schedule, from: number): number {
  switch (schedule.kind) {
    case "days":
      return startOfDay(from) + schedule.days * DAY;
    case "rate-hours": {
      const day = startOfDay(from);
      const step = schedule.hours * HOUR;
      return day + (Math.floor((from - day) / step) + 1) * step;
    }
    case "cron":
      return nextCronMatch(schedule.cron, from);
  }
}

/** When the window opening at `start` closes: Duration, else an hour (hourly schedules) or the day's end. */
export function windowEnd(schedule: Schedule, start: number): number {
  if (schedule.durationMs !== undefined) return Math.min(start + schedule.durationMs, startOfDay(start) + DAY);
  const hourly = schedule.kind === "rate-hours" || (schedule.kind === "cron" && cronInHours(schedule.cron));
  return hourly ? start + HOUR : startOfDay(start) + DAY;
}

/** A moment inside the window opening at `start`, `fraction` (0 ≤ f < 1) of the way through it. */
function timeInWindow(schedule: Schedule, start: number, fraction: number): number {
  return start + Math.floor((windowEnd(schedule, start) - start) * fraction);
}

/** The stored rules of a secret (undefined when it has none) as RotationRules. */
export function rulesOf(r: { automaticallyAfterDays?: number; scheduleExpression?: string; duration?: string } | undefined): RotationRules | undefined {
  if (!r || (r.automaticallyAfterDays === undefined && r.scheduleExpression === undefined)) return undefined;
  return { AutomaticallyAfterDays: r.automaticallyAfterDays, ScheduleExpression: r.scheduleExpression, Duration: r.duration };
}

/**
 * The next window after `from` and the moment in it a rotation starts (`fraction` of the way in):
 * what a secret records after RotateSecret, a rotation, a failed one (retried next window) or a
 * manual change. Empty for a secret without rules.
 */
export function planNext(rules: RotationRules | undefined, from: number, fraction: number): { nextRotationDate?: number; rotateAt?: number } {
  if (!rules) return {};
  const schedule = parseSchedule(rules);
  const start = nextWindowStart(schedule, from);
  return { nextRotationDate: start, rotateAt: timeInWindow(schedule, start, fraction) };
}
