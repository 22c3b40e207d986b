import { test } from "node:test";
import assert from "node:assert/strict";
import { CrlSchedule, type Timers } from "./crl-schedule.js";

/** Time that moves only when the test says so: the CA's clock, the monotonic one and the timers. */
class Time implements Timers {
  ca = Date.parse("2027-04-01T00:00:00.200Z");
  mono = 0;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  set(fn: () => void, ms: number) {
    const id = ++this.ids;
    this.queue.push({ at: this.mono + ms, fn, id });
    return id;
  }
  clear(h: unknown) {
    this.queue = this.queue.filter((t) => t.id !== h);
  }
  get pending() {
    return this.queue.length;
  }
  /** Moves both clocks on (the CA's too, unless it stands still) and fires what fell due. */
  async advance(ms: number, caMoves = true) {
    this.mono += ms;
    if (caMoves) this.ca += ms;
    const due = this.queue.filter((t) => t.at <= this.mono);
    this.queue = this.queue.filter((t) => t.at > this.mono);
    for (const t of due) t.fn();
    await flush();
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function schedule(time: Time) {
  const starts: number[] = [];
  let number = 0;
  const s = new CrlSchedule({
    build: async () => {
      starts.push(time.ca);
      await flush();
      return ++number;
    },
    now: () => time.ca,
    monotonic: () => time.mono,
    timers: time,
  });
  return { s, starts };
}

test("a lone request builds at once", async () => {
  const time = new Time();
  const { s, starts } = schedule(time);
  assert.equal(await s.request(), 1);
  assert.deepEqual(starts, [time.ca]);
  assert.equal(time.pending, 0);
});

test("a burst in one second: one build at once, then one more for everything after it, a second later", async () => {
  const time = new Time();
  const { s, starts } = schedule(time);
  const first = s.request();
  await flush();
  const rest = Array.from({ length: 40 }, () => s.request());
  assert.equal(await first, 1);
  await flush();
  assert.equal(starts.length, 1, "the burst waits for the next second");
  assert.equal(time.pending, 1);
  await time.advance(799); // 00:00:00.999
  assert.equal(starts.length, 1);
  await time.advance(1); // 00:00:01.000: a new second of the CA's clock
  const numbers = await Promise.all(rest);
  assert.deepEqual(new Set(numbers), new Set([2]), "the 40 share one build");
  assert.deepEqual(
    starts.map((t) => new Date(t).toISOString()),
    ["2027-04-01T00:00:00.200Z", "2027-04-01T00:00:01.000Z"],
  );
});

test("a clock that stands still still gets its CRL within a real second", async () => {
  const time = new Time();
  const { s, starts } = schedule(time);
  await s.request();
  const second = s.request();
  await time.advance(999, false);
  assert.equal(starts.length, 1);
  await time.advance(1, false);
  assert.equal(await second, 2);
  assert.equal(starts.length, 2);
  assert.ok(starts.every((t) => t <= time.ca), "no build is dated after the CA's now");
});

test("a CA clock moved on (as the tests move theirs) builds at once, without a real wait", async () => {
  const time = new Time();
  const { s, starts } = schedule(time);
  await s.request();
  time.ca += 86_400_000;
  assert.equal(await s.request(), 2);
  assert.equal(starts.length, 2);
  assert.equal(time.pending, 0);
});

test("a request during a build is answered by a later build, not by the one already under way", async () => {
  const time = new Time();
  const { s } = schedule(time);
  const first = s.request();
  const during = s.request(); // before the first build has finished: joins no running build
  assert.equal(await first, 1);
  await time.advance(1000);
  assert.equal(await during, 2);
});

test("a CRL found stored from this second lets the next build go at once; one built here makes it wait", async () => {
  const time = new Time();
  const stored = schedule(time);
  stored.s.built(new Date(time.ca), false);
  assert.equal(await stored.s.request(), 1);
  const here = schedule(time);
  here.s.built(new Date(time.ca), true);
  const p = here.s.request();
  await flush();
  assert.equal(here.starts.length, 0);
  await time.advance(1000);
  assert.equal(await p, 1);
});

test("stop refuses what waits, lets a running build finish, and settles", async () => {
  const time = new Time();
  const { s } = schedule(time);
  await s.request();
  const waiting = s.request();
  await s.stop();
  await assert.rejects(waiting, /stopped/);
  assert.equal(time.pending, 0, "its timer is gone");
  await assert.rejects(s.request(), /stopped/);
  await s.settled();
});
