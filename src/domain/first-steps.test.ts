import { test } from "node:test";
import assert from "node:assert/strict";
import { firstSteps } from "./first-steps.js";

const otp = (acquisition: boolean, renewal: boolean) => ({ otp: { acquisition, renewal } });

test("first steps: acquire (certificate) or log in (ID/password), change the password, then the token where the login asks one", () => {
  assert.deepEqual(firstSteps("certificate", otp(true, true)), ["acquire_certificate", "change_password", "enrol_otp"]);
  assert.deepEqual(firstSteps("certificate", otp(false, true)), ["acquire_certificate", "change_password", "enrol_otp"]);
  assert.deepEqual(firstSteps("certificate", otp(false, false)), ["acquire_certificate", "change_password"]);
  // an ID/password contract acquires and renews nothing: no token is asked
  assert.deepEqual(firstSteps("password", otp(true, true)), ["log_in", "change_password"]);
});

test("first steps after a パスワード再発行: a user with a valid certificate logs in with it; a token held is not enrolled again", () => {
  assert.deepEqual(firstSteps("certificate", otp(true, true), { certificate: true, token: true }), ["log_in_certificate", "change_password"]);
  assert.deepEqual(firstSteps("certificate", otp(true, true), { certificate: true, token: false }), ["log_in_certificate", "change_password", "enrol_otp"]);
  assert.deepEqual(firstSteps("certificate", otp(true, true), { certificate: false, token: true }), ["acquire_certificate", "change_password"]);
  assert.deepEqual(firstSteps("password", otp(true, true), { certificate: true, token: false }), ["log_in", "change_password"]);
});
