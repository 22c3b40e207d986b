// Dates the tests pick and read in the banks' zone (JST, UTC+9, no daylight saving).

export const DAY = 86_400_000;

/** JST calendar date of an instant, YYYY-MM-DD. */
export const jstDay = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);

/** 10:00 JST on the first Monday at least two days after the real now (staff certificates start at the real now). */
export function nextMonday(): number {
  const now = new Date();
  let d = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2, 1, 0, 0);
  while (new Date(d).getUTCDay() !== 1) d += DAY;
  return d;
}
