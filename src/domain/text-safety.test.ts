import { test } from "node:test";
import assert from "node:assert/strict";
import { hasUnsafeCharacters } from "./text-safety.js";
import { checkEmail, checkUserName } from "../lifecycle/administration.js";
import { DomainError } from "./errors.js";

// issue 13: user names accepted U+202E (RIGHT-TO-LEFT OVERRIDE) and other bidirectional controls
test("bidirectional, zero-width and control characters are refused; Japanese names and ordinary punctuation are not", () => {
  for (const bad of ["山田\u202E太郎", "a\u202Ab", "a\u2066b\u2069", "\u200Fx", "x\u200By", "\uFEFFname", "a\u2028b", "tab\there", "nul\u0000", "del\u007F", "c1\u0085"]) {
    assert.equal(hasUnsafeCharacters(bad), true, JSON.stringify(bad));
  }
  for (const good of ["山田 太郎", "ヤマダ・タロウ", "株式会社テスト（本社）", "O'Brien-Smith", "Zoë", "髙橋"]) assert.equal(hasUnsafeCharacters(good), false, good);
});

test("a user name or an e-mail address with U+202E answers user_name_invalid / email_invalid", () => {
  assert.throws(() => checkUserName("山田\u202E太郎"), (e) => e instanceof DomainError && e.code === "user_name_invalid");
  assert.throws(() => checkEmail("a\u202Eb@example.jp"), (e) => e instanceof DomainError && e.code === "email_invalid");
  assert.doesNotThrow(() => checkUserName("山田 太郎"));
});
