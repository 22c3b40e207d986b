import { test } from "node:test";
import assert from "node:assert/strict";
import { isLocked } from "./lockout.js";

const T = 6;

test("a count locks at the threshold, not before", () => {
  assert.equal(isLocked({ failedLogins: 5, failedConfirms: 0 }, T, "login"), false);
  assert.equal(isLocked({ failedLogins: 6, failedConfirms: 0 }, T, "login"), true);
  assert.equal(isLocked({ failedLogins: 7, failedConfirms: 0 }, T, "login"), true);
  assert.equal(isLocked({ failedLogins: 0, failedConfirms: 5 }, T, "confirm"), false);
  assert.equal(isLocked({ failedLogins: 0, failedConfirms: 6 }, T, "confirm"), true);
});

test("each kind counts only its own failures", () => {
  assert.equal(isLocked({ failedLogins: 6, failedConfirms: 0 }, T, "confirm"), false);
  assert.equal(isLocked({ failedLogins: 0, failedConfirms: 6 }, T, "login"), false);
});

test("a user is shown locked when either count has reached the threshold", () => {
  assert.equal(isLocked({ failedLogins: 0, failedConfirms: 0 }, T), false);
  assert.equal(isLocked({ failedLogins: 5, failedConfirms: 5 }, T), false);
  assert.equal(isLocked({ failedLogins: 6, failedConfirms: 0 }, T), true);
  assert.equal(isLocked({ failedLogins: 0, failedConfirms: 6 }, T), true);
});

test("another bank's threshold decides for its users", () => {
  assert.equal(isLocked({ failedLogins: 3, failedConfirms: 0 }, 3), true);
  assert.equal(isLocked({ failedLogins: 3, failedConfirms: 0 }, 10), false);
});
