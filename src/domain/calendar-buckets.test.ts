import { test } from "node:test";
import assert from "node:assert/strict";
import { countInto, dayBuckets, isoWeek, weekBuckets } from "./calendar-buckets.js";

const JST = 9 * 60;

test("ISO weeks: year boundaries as ISO 8601 counts them", () => {
  const w = (s: string) => {
    const r = isoWeek(new Date(`${s}T00:00:00Z`));
    return `${r.year}-W${String(r.week).padStart(2, "0")}`;
  };
  assert.equal(w("2026-01-01"), "2026-W01"); // a Thursday
  assert.equal(w("2027-01-01"), "2026-W53"); // a Friday: the last week of 2026
  assert.equal(w("2024-12-30"), "2025-W01"); // a Monday in 2024, week 1 of 2025
  assert.equal(w("2026-11-21"), "2026-W47");
  assert.equal(w("2026-11-23"), "2026-W48");
});

test("weeks in JST begin on Monday 00:00 JST (Sunday 15:00 UTC); the first contains now", () => {
  // Sunday 2026-11-22 20:00 UTC is Monday 2026-11-23 05:00 JST
  const b = weekBuckets(new Date("2026-11-22T20:00:00Z"), JST, 13);
  assert.equal(b.length, 13);
  assert.equal(b[0]!.label, "2026-W48");
  assert.equal(b[0]!.firstDay, "2026-11-23");
  assert.equal(b[0]!.start.toISOString(), "2026-11-22T15:00:00.000Z");
  assert.equal(b[12]!.end.toISOString(), "2027-02-21T15:00:00.000Z");
  const counts = countInto(b, [Date.parse("2026-11-22T15:00:00Z"), Date.parse("2026-11-29T14:59:59Z"), Date.parse("2026-11-29T15:00:00Z"), Date.parse("2027-02-21T15:00:00Z")]);
  assert.deepEqual(counts.slice(0, 3), [2, 1, 0]);
  assert.equal(counts.reduce((a, c) => a + c, 0), 3, "one past the last week is not counted");
});

test("days in JST: the last 30, today last", () => {
  const d = dayBuckets(new Date("2026-11-21T16:00:00Z"), JST, 30); // 01:00 JST on 11-22
  assert.equal(d.length, 30);
  assert.equal(d[29]!.label, "2026-11-22");
  assert.equal(d[0]!.label, "2026-10-24");
  assert.deepEqual(countInto(d, [Date.parse("2026-11-21T14:59:59Z"), Date.parse("2026-11-21T15:00:00Z")]).slice(28), [1, 1]);
});
