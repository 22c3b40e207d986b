import { test } from "node:test";
import assert from "node:assert/strict";
import { loginMethodOf } from "./login-method.js";

test("a login ID typed asks for an ID/password login", () => {
  assert.equal(loginMethodOf({ loginId: "user0001" }), "password");
});

test("no login ID (absent or empty) asks for a certificate login", () => {
  assert.equal(loginMethodOf({}), "certificate");
  assert.equal(loginMethodOf({ loginId: undefined }), "certificate");
  assert.equal(loginMethodOf({ loginId: "" }), "certificate");
});
