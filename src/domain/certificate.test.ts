import { test } from "node:test";
import assert from "node:assert/strict";
import { certificateValidity } from "./validity.js";
import { displayStatus, issuanceStamp, commonName, renewalOpensAt } from "./certificate.js";
import { parseDuration, addDuration } from "./duration.js";
import { formatJaDateTime } from "./time-zone.js";

const JST = 540;

test("validity: issued 2021/06/01 JST ends 2022/06/02 08:59:59 JST (the seeds' rule)", () => {
  const issued = new Date("2021-06-01T09:29:22+09:00");
  const { notBefore, notAfter } = certificateValidity(issued, "P1Y", JST);
  assert.equal(notBefore.toISOString(), "2021-06-01T00:29:22.000Z");
  assert.equal(notAfter.toISOString(), "2022-06-01T23:59:59.000Z");
  assert.equal(formatJaDateTime(notAfter, JST), "2022年06月02日 08時59分59秒");
});

test("validity: the anniversary is the JST date even when UTC is still the day before", () => {
  // 2021-11-04 22:15 UTC is already 2021-11-05 in Japan
  const { notAfter } = certificateValidity(new Date("2021-11-04T22:15:13.970Z"), "P1Y", JST);
  assert.equal(notAfter.toISOString(), "2022-11-05T23:59:59.000Z");
});

test("validity: 29 February falls back to 28 February", () => {
  const { notAfter } = certificateValidity(new Date("2024-02-29T03:00:00Z"), "P1Y", JST);
  assert.equal(notAfter.toISOString(), "2025-02-28T23:59:59.000Z");
});

test("validity: a time duration (test banks) ends exactly that long after issuance", () => {
  const { notAfter } = certificateValidity(new Date("2026-01-01T00:00:00.500Z"), "PT10M", JST);
  assert.equal(notAfter.toISOString(), "2026-01-01T00:10:00.000Z");
});

test("durations parse and refuse garbage", () => {
  assert.deepEqual(parseDuration("P1Y2M3DT4H5M6S"), { years: 1, months: 2, days: 3, timeMs: 14706000 });
  assert.deepEqual(parseDuration("P2W"), { years: 0, months: 0, days: 14, timeMs: 0 });
  for (const bad of ["", "P", "PT", "30D", "P-1D", "P1.5D"]) assert.throws(() => parseDuration(bad), bad);
  assert.equal(addDuration(new Date("2026-03-31T00:00:00Z"), parseDuration("P1M")).toISOString(), "2026-04-30T00:00:00.000Z");
});

test("CN carries login ID, user number and the JST issuance stamp with six fraction digits", () => {
  const stamp = issuanceStamp(new Date("2021-11-04T13:15:13.970Z"), JST, 170);
  assert.equal(stamp, "20211104221513970170");
  assert.equal(commonName("R2user101", "A001", stamp), "R2user101 A001 20211104221513970170");
});

test("display status follows the window, expiry, revocation and reset", () => {
  const notAfter = new Date("2022-06-01T23:59:59Z");
  const createdAt = new Date("2021-06-01T00:00:00Z");
  const rec = (state: "active" | "pending" | "revoked" | "superseded") => [{ state, notAfter, createdAt }];
  assert.equal(displayStatus([], createdAt, "P30D"), "not_issued");
  assert.equal(displayStatus(rec("pending"), createdAt, "P30D"), "issued");
  assert.equal(renewalOpensAt(notAfter, "P30D").toISOString(), "2022-05-02T23:59:59.000Z");
  assert.equal(displayStatus(rec("active"), new Date("2022-05-02T23:59:58Z"), "P30D"), "issued");
  assert.equal(displayStatus(rec("active"), new Date("2022-05-02T23:59:59Z"), "P30D"), "renewable");
  assert.equal(displayStatus(rec("active"), new Date("2022-04-22T23:59:59Z"), "P40D"), "renewable");
  assert.equal(displayStatus(rec("active"), new Date("2022-06-02T00:00:00Z"), "P30D"), "expired");
  assert.equal(displayStatus(rec("revoked"), createdAt, "P30D"), "revoked");
});
