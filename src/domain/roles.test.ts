import { test } from "node:test";
import assert from "node:assert/strict";
import { passwordProblems, userNumber, LOGIN_ID_PATTERN } from "./roles.js";

test("password rules: 6-12 letters and digits mixed, differing from the login ID and each other", () => {
  assert.deepEqual(passwordProblems("abc123", "user01"), []);
  assert.deepEqual(passwordProblems("abcdef", "user01"), ["letters_and_digits"]);
  assert.deepEqual(passwordProblems("ab12", "user01"), ["length_or_charset"]);
  assert.deepEqual(passwordProblems("パスワード12", "user01"), ["length_or_charset"]);
  assert.deepEqual(passwordProblems("user01", "user01"), ["same_as_login_id"]);
  assert.deepEqual(passwordProblems("abc123", "user01", "abc123"), ["same_as_other_password"]);
});

test("user numbers and login IDs", () => {
  assert.equal(userNumber(1), "A001");
  assert.equal(userNumber(100), "A100");
  assert.throws(() => userNumber(0));
  assert.ok(LOGIN_ID_PATTERN.test("R2user101"));
  assert.ok(!LOGIN_ID_PATTERN.test("abc"));
  assert.ok(!LOGIN_ID_PATTERN.test("user_0001"));
});
