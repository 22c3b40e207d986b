import { test } from "node:test";
import assert from "node:assert/strict";
import { nextMailCodeAt, secondsUntil } from "./mail-code-limit.js";

const policy = { mailCodeInterval: "PT1M", mailCodesPerHour: 10 };
const T0 = Date.UTC(2027, 3, 1, 1, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);

test("mail codes: the first at once, the next a minute after the last", () => {
  assert.equal(nextMailCodeAt([], at(0), policy), undefined);
  assert.deepEqual(nextMailCodeAt([at(0)], at(1), policy), at(60));
  assert.deepEqual(nextMailCodeAt([at(0)], at(59), policy), at(60));
  assert.equal(nextMailCodeAt([at(0)], at(60), policy), undefined, "exactly the interval later");
  // whichever operation or target: the newest one counts, in any order
  assert.deepEqual(nextMailCodeAt([at(30), at(0)], at(40), policy), at(90));
});

test("mail codes: ten in an hour, then free an hour after the oldest of those ten", () => {
  const ten = Array.from({ length: 10 }, (_, i) => at(i * 60));
  assert.deepEqual(nextMailCodeAt(ten, at(600), policy), at(3600), "the eleventh waits for the first to age out");
  assert.deepEqual(nextMailCodeAt(ten, at(3599), policy), at(3600));
  assert.equal(nextMailCodeAt(ten, at(3600), policy), undefined);
  // nine in the hour (the oldest out of it): only the interval
  assert.equal(nextMailCodeAt(ten, at(3601), policy), undefined);
  const eleven = [...ten, at(3600)];
  assert.deepEqual(nextMailCodeAt(eleven, at(3610), policy), at(3660), "the interval after the newest");
  // a policy of one an hour, with a five-minute interval: the hour decides
  assert.deepEqual(nextMailCodeAt([at(0)], at(400), { mailCodeInterval: "PT5M", mailCodesPerHour: 1 }), at(3600));
});

test("mail codes: seconds to wait are whole and at least one", () => {
  assert.equal(secondsUntil(at(60), at(0)), 60);
  assert.equal(secondsUntil(new Date(T0 + 59_001), at(0)), 60);
  assert.equal(secondsUntil(at(0), at(0)), 1);
});
