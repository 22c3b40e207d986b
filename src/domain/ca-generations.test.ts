import { test } from "node:test";
import assert from "node:assert/strict";
import { firstGeneration, generationName, issuerHorizon, parseGeneration, rootName } from "./ca-generations.js";

const JST = 540;
const at = (s: string) => new Date(s);

test("generation names follow the configured one: G1 → G2, a bank at G4 goes on with G5; the root has none", () => {
  assert.equal(generationName("Kita TEST CA - G1", 1), "Kita TEST CA - G1");
  assert.equal(generationName("Kita TEST CA - G1", 2), "Kita TEST CA - G2");
  assert.equal(generationName("Kita TEST CA - G1", 12), "Kita TEST CA - G12");
  assert.equal(firstGeneration("Hokkoku TEST CA - G4"), 4);
  assert.equal(generationName("Hokkoku TEST CA - G4", 5), "Hokkoku TEST CA - G5");
  assert.equal(firstGeneration("Plain CA"), 1);
  assert.equal(generationName("Plain CA", 2), "Plain CA - G2");
  assert.equal(rootName("Kita TEST CA - G1"), "Kita TEST CA Root");
  assert.equal(parseGeneration("G2"), 2);
  assert.equal(parseGeneration("g10"), 10);
  assert.equal(parseGeneration("3"), 3);
  assert.equal(parseGeneration("G0"), undefined);
  assert.equal(parseGeneration("two"), undefined);
});

test("issuance is refused once the issuer has less than one validity + the renewal window + 30 days, and warned a year before", () => {
  const issuerNotAfter = at("2036-04-01T00:00:00Z");
  const p = { issuerNotAfter, validity: "P1Y", renewalWindow: "P30D", offsetMinutes: JST };
  // ten years ahead: fine
  assert.equal(issuerHorizon({ ...p, now: at("2026-04-01T00:00:00Z") }).state, "ok");
  const h = issuerHorizon({ ...p, now: at("2026-04-01T00:00:00Z") });
  // a certificate issued at lastIssuance ends (23:59:59 UTC, a year on), +30 days window +30 days margin, at the issuer's end or before
  assert.ok(h.lastIssuance.getTime() < at("2035-02-01T00:00:00Z").getTime() && h.lastIssuance.getTime() > at("2035-01-25T00:00:00Z").getTime(), h.lastIssuance.toISOString());
  // the clock moved: within the year before the last issuance → warn; past it → refuse
  assert.equal(issuerHorizon({ ...p, now: at("2034-01-10T00:00:00Z") }).state, "ok");
  assert.equal(issuerHorizon({ ...p, now: at("2034-03-01T00:00:00Z") }).state, "warn");
  assert.equal(issuerHorizon({ ...p, now: at("2035-01-20T00:00:00Z") }).state, "warn");
  assert.equal(issuerHorizon({ ...p, now: at("2035-02-05T00:00:00Z") }).state, "refuse");
  // what a certificate issued on the last allowed day gets: it and its renewal window end before the issuer, with the margin
  const last = issuerHorizon({ ...p, now: at("2035-01-20T00:00:00Z") }).lastIssuance;
  const again = issuerHorizon({ ...p, now: last });
  assert.notEqual(again.state, "refuse");
  assert.equal(issuerHorizon({ ...p, now: new Date(last.getTime() + 86_400_000) }).state, "refuse");
});

test("a short-lived test bank (PT10M validity) is refused only minutes before its issuer ends… plus the 30-day margin", () => {
  const issuerNotAfter = at("2030-01-01T00:00:00Z");
  const p = { issuerNotAfter, validity: "PT10M", renewalWindow: "PT5M", offsetMinutes: JST };
  assert.equal(issuerHorizon({ ...p, now: at("2029-11-01T00:00:00Z") }).state, "warn");
  assert.equal(issuerHorizon({ ...p, now: at("2029-12-02T00:00:00Z") }).state, "refuse");
});
