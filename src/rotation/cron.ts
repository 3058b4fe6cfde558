// AWS's six-field cron (minutes hours day-of-month month day-of-week year), in UTC, as Secrets
// Manager rotation schedules use it: numbers, `*`, `?`, ranges, lists, steps, month and weekday
// names (weekdays 1-7 are SUN-SAT). One of day-of-month and day-of-week must be `?`. A rotation
// runs at most once every four hours, so the minutes field is a single minute.

export interface Cron {
  minute: number;
  hours: Set<number>;
  /** undefined when `?` or `*` (any day) */
  daysOfMonth?: Set<number>;
  months: Set<number>; // 1-12
  /** 0 (Sunday) - 6, undefined when `?` or `*` */
  daysOfWeek?: Set<number>;
  /** undefined when any year */
  years?: Set<number>;
  /** the hours field is not one fixed hour: the schedule is in hours (its window closes after an hour) */
  hourly: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The values a field names between `min` and `max`, or undefined when it is malformed. */
function field(text: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> | undefined {
  const out = new Set<number>();
  const value = (s: string): number | undefined => {
    const named = names.indexOf(s.toUpperCase());
    if (named >= 0) return named + nameBase;
    if (!/^\d+$/.test(s)) return undefined;
    const n = Number(s);
    return n >= min && n <= max ? n : undefined;
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let lo: number | undefined;
    let hi: number | undefined;
    if (range === "*") [lo, hi] = [min, max];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(value);
    else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    if (lo === undefined || hi === undefined || lo > hi) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out.size > 0 ? out : undefined;
}

/** The fields of `cron(...)`'s body, or undefined when they are not a valid expression. */
export function parseCron(body: string): Cron | undefined {
  const f = body.trim().split(/\s+/);
  if (f.length !== 6) return undefined;
  const [min, hr, dom, mon, dow, yr] = f;
  if ((dom === "?") === (dow === "?")) return undefined; // exactly one of the day fields is ?
  const minutes = field(min, 0, 59);
  const hours = field(hr, 0, 23);
  const months = field(mon, 1, 12, MONTHS, 1);
  const daysOfMonth = dom === "?" || dom === "*" ? undefined : field(dom, 1, 31);
  const weekdays = dow === "?" || dow === "*" ? undefined : field(dow, 1, 7, WEEKDAYS, 1);
  const years = yr === "*" ? undefined : field(yr, 1970, 2199);
  if (!minutes || minutes.size !== 1 || !hours || !months) return undefined;
  if ((dom !== "?" && dom !== "*" && !daysOfMonth) || (dow !== "?" && dow !== "*" && !weekdays) || (yr !== "*" && !years)) return undefined;
  return {
    minute: [...minutes][0],
    hours,
    daysOfMonth,
    months,
    daysOfWeek: weekdays && new Set([...weekdays].map((d) => d - 1)),
    years,
    hourly: hours.size > 1,
  };
}

export const cronInHours = (cron: Cron) => cron.hourly;

const DAY = 86_400_000;

/** The first time after `from` (epoch ms, exclusive) that `cron` matches; NaN when none in 200 years. */
export function nextCronMatch(cron: Cron, from: number): number {
  const hours = [...cron.hours].sort((a, b) => a - b);
  for (let day = Math.floor(from / DAY) * DAY; day < from + 200 * 365 * DAY; day += DAY) {
    const d = new Date(day);
    if (cron.years && !cron.years.has(d.getUTCFullYear())) continue;
    if (!cron.months.has(d.getUTCMonth() + 1)) continue;
    if (cron.daysOfMonth && !cron.daysOfMonth.has(d.getUTCDate())) continue;
    if (cron.daysOfWeek && !cron.daysOfWeek.has(d.getUTCDay())) continue;
    for (const h of hours) {
      const t = day + h * 3_600_000 + cron.minute * 60_000;
      if (t > from) return t;
    }
  }
  return Number.NaN;
}
