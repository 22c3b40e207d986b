import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "./clock.js";
import { renewalOpensAt, renewalWindow } from "./renewal-window.js";

const notAfter = new Date("2027-06-01T23:59:59.000Z");

test("the window opens the policy's duration before the end", () => {
  assert.equal(renewalOpensAt(notAfter, "P30D").toISOString(), "2027-05-02T23:59:59.000Z");
  assert.equal(renewalOpensAt(notAfter, "PT10M").toISOString(), "2027-06-01T23:49:59.000Z");
  assert.equal(renewalOpensAt(notAfter, "P1M").toISOString(), "2027-05-01T23:59:59.000Z");
});

test("moving the clock across the window: not open, open from its first instant, open at the last instant, then expired", () => {
  const clock = new FakeClock("2027-01-01T00:00:00.000Z");
  const at = () => renewalWindow(notAfter, "P30D", clock.now());
  assert.equal(at().state, "not_open");
  clock.set("2027-05-02T23:59:58.999Z");
  assert.equal(at().state, "not_open");
  clock.advance(1);
  assert.equal(at().state, "open");
  clock.set(notAfter);
  assert.equal(at().state, "open");
  clock.advance(1);
  assert.equal(at().state, "expired");
  clock.set("2028-01-01T00:00:00.000Z");
  assert.equal(at().state, "expired");
});

test("the answer names when the window opens and when the certificate ends", () => {
  const w = renewalWindow(notAfter, "P30D", new Date("2027-03-01T00:00:00Z"));
  assert.deepEqual(w, { state: "not_open", opensAt: new Date("2027-05-02T23:59:59.000Z"), notAfter });
});

test("a window of minutes (test banks) is the same rule", () => {
  const clock = new FakeClock("2027-06-01T23:49:58.000Z");
  assert.equal(renewalWindow(notAfter, "PT10M", clock.now()).state, "not_open");
  clock.advance(1000);
  assert.equal(renewalWindow(notAfter, "PT10M", clock.now()).state, "open");
});
