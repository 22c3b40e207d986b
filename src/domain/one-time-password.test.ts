import { test } from "node:test";
import assert from "node:assert/strict";
import { dueStep, holdsToken, oneTimePasswordDemand, tokenRequired } from "./one-time-password.js";

const policy = (acquisition: boolean, renewal: boolean) => ({ otp: { acquisition, renewal } });

test("acquisition without a token: login ID and password only, whatever the policy", () => {
  assert.equal(oneTimePasswordDemand(policy(true, true), "acquisition", false), "skip");
  assert.equal(oneTimePasswordDemand(policy(false, true), "acquisition", false), "skip");
});

test("acquisition with a token asks for the code as the policy says", () => {
  assert.equal(oneTimePasswordDemand(policy(true, true), "acquisition", true), "ask");
  assert.equal(oneTimePasswordDemand(policy(false, true), "acquisition", true), "skip");
});

test("renewal with a token asks as the policy says; without one it is refused while the policy asks", () => {
  assert.equal(oneTimePasswordDemand(policy(true, true), "renewal", true), "ask");
  assert.equal(oneTimePasswordDemand(policy(true, false), "renewal", true), "skip");
  assert.equal(oneTimePasswordDemand(policy(true, true), "renewal", false), "enrol_first");
  assert.equal(oneTimePasswordDemand(policy(true, false), "renewal", false), "skip");
});

test("before the user is known (a form), the code is asked of token holders where the policy asks", () => {
  assert.equal(oneTimePasswordDemand(policy(true, true), "acquisition", undefined), "if_enrolled");
  assert.equal(oneTimePasswordDemand(policy(false, true), "acquisition", undefined), "skip");
  assert.equal(oneTimePasswordDemand(policy(true, true), "renewal", undefined), "if_enrolled");
});

test("a token is required when the policy asks anywhere", () => {
  assert.equal(tokenRequired(policy(true, false)), true);
  assert.equal(tokenRequired(policy(false, true)), true);
  assert.equal(tokenRequired(policy(false, false)), false);
});

test("the first login: the password change first, then the token's enrolment, then nothing", () => {
  const p = policy(true, true);
  assert.equal(dueStep(p, { mustChangePassword: true, hasToken: false, certificates: true }), "change_password");
  assert.equal(dueStep(p, { mustChangePassword: true, hasToken: true, certificates: true }), "change_password");
  assert.equal(dueStep(p, { mustChangePassword: false, hasToken: false, certificates: true }), "enrol_otp");
  assert.equal(dueStep(p, { mustChangePassword: false, hasToken: true, certificates: true }), null);
  assert.equal(dueStep(policy(false, false), { mustChangePassword: false, hasToken: false, certificates: true }), null);
  // an ID/password contract acquires and renews nothing: no token is needed there
  assert.equal(dueStep(p, { mustChangePassword: false, hasToken: false, certificates: false }), null);
  assert.equal(dueStep(p, { mustChangePassword: true, hasToken: false, certificates: false }), "change_password");
});

test("a token is a confirmed secret; no secret is no token", () => {
  assert.equal(holdsToken({ totpSecret: "JBSWY3DPEHPK3PXP" }), true);
  assert.equal(holdsToken({ totpSecret: null }), false);
});
