// Rotation schedules as AWS reads them: validation, the next window, its end, on fixed dates.

import { test } from "node:test";
import assert from "node:assert/strict";
import { ServiceError } from "../contract/service-error.js";
import { nextWindowStart, parseSchedule, planNext, windowEnd, type RotationRules } from "./schedule.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const next = (rules: RotationRules, from: string) => iso(nextWindowStart(parseSchedule(rules), at(from)));

function refused(rules: RotationRules, pattern: RegExp) {
  assert.throws(() => parseSchedule(rules), (e: unknown) => e instanceof ServiceError && e.code === "InvalidParameterException" && pattern.test(e.message));
}

test("AutomaticallyAfterDays and rate(N days): the window opens at midnight N days after the day of the rotation", () => {
  assert.equal(next({ AutomaticallyAfterDays: 30 }, "2024-03-10T15:20:00Z"), "2024-04-09T00:00:00.000Z");
  assert.equal(next({ ScheduleExpression: "rate(10 days)" }, "2024-03-10T15:20:00Z"), "2024-03-20T00:00:00.000Z");
  assert.equal(next({ ScheduleExpression: "rate(48 hours)" }, "2024-03-10T15:20:00Z"), "2024-03-12T00:00:00.000Z");
});

test("rate(N hours): windows open every N hours from midnight, each an hour long unless Duration says", () => {
  const s = parseSchedule({ ScheduleExpression: "rate(6 hours)" });
  const start = nextWindowStart(s, at("2024-03-10T07:00:00Z"));
  assert.equal(iso(start), "2024-03-10T12:00:00.000Z");
  assert.equal(iso(windowEnd(s, start)), "2024-03-10T13:00:00.000Z");
  assert.equal(iso(windowEnd(parseSchedule({ ScheduleExpression: "rate(6 hours)", Duration: "3h" }), start)), "2024-03-10T15:00:00.000Z");
  assert.equal(next({ ScheduleExpression: "rate(6 hours)" }, "2024-03-10T19:00:00Z"), "2024-03-11T00:00:00.000Z");
});

test("a days schedule's window closes at the end of the UTC day, or after Duration", () => {
  const s = parseSchedule({ AutomaticallyAfterDays: 1 });
  assert.equal(iso(windowEnd(s, at("2024-03-11T00:00:00Z"))), "2024-03-12T00:00:00.000Z");
  assert.equal(iso(windowEnd(parseSchedule({ AutomaticallyAfterDays: 1, Duration: "2h" }), at("2024-03-11T00:00:00Z"))), "2024-03-11T02:00:00.000Z");
});

test("cron(): six fields in UTC, the next match after the rotation", () => {
  // 2024-03-10 is a Sunday
  assert.equal(next({ ScheduleExpression: "cron(0 16 ? * SAT,SUN *)" }, "2024-03-10T15:20:00Z"), "2024-03-10T16:00:00.000Z");
  assert.equal(next({ ScheduleExpression: "cron(0 16 ? * SAT,SUN *)" }, "2024-03-10T16:00:00Z"), "2024-03-16T16:00:00.000Z");
  assert.equal(next({ ScheduleExpression: "cron(30 8 1 * ? *)" }, "2024-03-10T00:00:00Z"), "2024-04-01T08:30:00.000Z");
  assert.equal(next({ ScheduleExpression: "cron(0 */8 * * ? *)" }, "2024-03-10T09:00:00Z"), "2024-03-10T16:00:00.000Z");
  assert.equal(next({ ScheduleExpression: "cron(0 10 ? * 2 *)" }, "2024-03-10T00:00:00Z"), "2024-03-11T10:00:00.000Z"); // 2 is MON
  const hourly = parseSchedule({ ScheduleExpression: "cron(0 */8 * * ? *)" });
  assert.equal(iso(windowEnd(hourly, at("2024-03-10T16:00:00Z"))), "2024-03-10T17:00:00.000Z");
  const daily = parseSchedule({ ScheduleExpression: "cron(0 16 ? * SAT,SUN *)" });
  assert.equal(iso(windowEnd(daily, at("2024-03-10T16:00:00Z"))), "2024-03-11T00:00:00.000Z");
});

test("AWS's limits: at most every four hours, one rule kind, windows inside the day and before the next window", () => {
  refused({ AutomaticallyAfterDays: 1, ScheduleExpression: "rate(1 days)" }, /both/);
  refused({ ScheduleExpression: "rate(3 hours)" }, /four hours/);
  refused({ ScheduleExpression: "cron(0 */2 * * ? *)" }, /four hours/);
  refused({ ScheduleExpression: "cron(0 23,1 * * ? *)" }, /four hours/);
  refused({ ScheduleExpression: "cron(0,30 4 * * ? *)" }, /cron/);
  refused({ ScheduleExpression: "cron(0 4 * * * *)" }, /cron/); // one of the day fields must be ?
  refused({ ScheduleExpression: "every day" }, /ScheduleExpression/);
  refused({ AutomaticallyAfterDays: 1001 }, /1000/);
  refused({ AutomaticallyAfterDays: 0 }, /1000/);
  refused({ ScheduleExpression: "rate(4 hours)", Duration: "5h" }, /next scheduled rotation window/);
  refused({ ScheduleExpression: "cron(0 */6 * * ? *)", Duration: "7h" }, /next scheduled rotation window/);
  refused({ ScheduleExpression: "cron(0 22 * * ? *)", Duration: "3h" }, /next UTC day/);
  refused({ AutomaticallyAfterDays: 1, Duration: "25h" }, /Duration/);
  refused({ Duration: "2h" }, /either/);
  assert.doesNotThrow(() => parseSchedule({ ScheduleExpression: "rate(4 hours)", Duration: "4h" }));
  assert.doesNotThrow(() => parseSchedule({ ScheduleExpression: "cron(0 20 * * ? *)", Duration: "4h" }));
});

test("planNext: the window's start is NextRotationDate, the rotation starts inside it", () => {
  const plan = planNext({ ScheduleExpression: "rate(6 hours)", Duration: "2h" }, at("2024-03-10T07:00:00Z"), 0.5);
  assert.equal(iso(plan.nextRotationDate!), "2024-03-10T12:00:00.000Z");
  assert.equal(iso(plan.rotateAt!), "2024-03-10T13:00:00.000Z");
  assert.deepEqual(planNext(undefined, 0, 0.5), {});
});
