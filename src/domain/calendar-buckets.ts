/**
 * Calendar buckets of the staff dashboard, in the bank's zone: ISO weeks (Monday to Sunday) and
 * days. Databases differ in their date functions and the times are stored as epoch milliseconds,
 * so the store reads a range and these pure functions count.
 */

const DAY = 86_400_000;

export interface Bucket {
  /** the instant the bucket begins (local midnight), as UTC */
  start: Date;
  /** the instant the next one begins */
  end: Date;
  /** 2026-W47 for weeks, 2026-11-21 for days */
  label: string;
  /** the local date the bucket begins, YYYY-MM-DD */
  firstDay: string;
}

const p2 = (n: number) => String(n).padStart(2, "0");

/** The local calendar date of an instant: a Date at UTC midnight of that date. */
function localDate(at: Date, offsetMinutes: number): Date {
  const l = new Date(at.getTime() + offsetMinutes * 60_000);
  return new Date(Date.UTC(l.getUTCFullYear(), l.getUTCMonth(), l.getUTCDate()));
}

const ymd = (d: Date) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;

/** ISO 8601 week-numbering year and week of a calendar date (given as UTC midnight). */
export function isoWeek(date: Date): { year: number; week: number } {
  const dow = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - dow) * DAY);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  return { year, week: 1 + Math.floor((thursday.getTime() - jan1) / DAY / 7) };
}

/** `count` ISO weeks in the zone, the first being the week that contains `now`. */
export function weekBuckets(now: Date, offsetMinutes: number, count: number): Bucket[] {
  const today = localDate(now, offsetMinutes);
  const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY);
  const out: Bucket[] = [];
  for (let i = 0; i < count; i++) {
    const d = new Date(monday.getTime() + i * 7 * DAY);
    const w = isoWeek(d);
    out.push({ start: new Date(d.getTime() - offsetMinutes * 60_000), end: new Date(d.getTime() + 7 * DAY - offsetMinutes * 60_000), label: `${w.year}-W${p2(w.week)}`, firstDay: ymd(d) });
  }
  return out;
}

/** The last `count` days in the zone, today last. */
export function dayBuckets(now: Date, offsetMinutes: number, count: number): Bucket[] {
  const today = localDate(now, offsetMinutes);
  const out: Bucket[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(today.getTime() - i * DAY);
    out.push({ start: new Date(d.getTime() - offsetMinutes * 60_000), end: new Date(d.getTime() + DAY - offsetMinutes * 60_000), label: ymd(d), firstDay: ymd(d) });
  }
  return out;
}

/** How many of the instants fall into each bucket (buckets are in order and do not overlap). */
export function countInto(buckets: Bucket[], instants: number[]): number[] {
  const counts = buckets.map(() => 0);
  for (const t of instants) {
    // 13 or 30 buckets: a linear look is cheaper than anything cleverer
    const i = buckets.findIndex((b) => t >= b.start.getTime() && t < b.end.getTime());
    if (i >= 0) counts[i]!++;
  }
  return counts;
}
