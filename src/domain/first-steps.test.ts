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
