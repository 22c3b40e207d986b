/**
 * ISO-8601 durations (P1Y, P30D, PT10M). Policy speaks in these so that a test bank can run on
 * minutes while a real bank runs on days.
 */
export interface Duration {
  years: number;
  months: number;
  days: number;
  /** hours, minutes and seconds folded into milliseconds */
  timeMs: number;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string): Duration {
  const m = PATTERN.exec(text);
  if (!m || text === "P" || text.endsWith("T")) throw new Error(`not an ISO-8601 duration: ${text}`);
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return {
    years: n(1),
    months: n(2),
    days: n(3) * 7 + n(4),
    timeMs: (n(5) * 3600 + n(6) * 60 + n(7)) * 1000,
  };
}

export function isValidDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** True when the duration is counted in calendar units only (years, months, days). */
export function isCalendarDuration(d: Duration): boolean {
  return d.timeMs === 0;
}

/**
 * Adds a duration to an instant. Calendar parts are added to the date as seen in UTC+offset so
 * that "one year" means the same calendar date next year in the bank's zone; a day that does not
 * exist (29 February) falls back to the month's last day.
 */
export function addDuration(at: Date, d: Duration, offsetMinutes = 0): Date {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  const y = local.getUTCFullYear() + d.years;
  const mo = local.getUTCMonth() + d.months;
  const targetYear = y + Math.floor(mo / 12);
  const targetMonth = ((mo % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    targetYear,
    targetMonth,
    day,
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  );
  return new Date(shifted + d.days * 86_400_000 + d.timeMs - offsetMinutes * 60_000);
}

export function subtractDuration(at: Date, d: Duration, offsetMinutes = 0): Date {
  return addDuration(at, { years: -d.years, months: -d.months, days: -d.days, timeMs: -d.timeMs }, offsetMinutes);
}
