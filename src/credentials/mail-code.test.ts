import { test } from "node:test";
import assert from "node:assert/strict";
import { mailCodeMatches, newMailCode } from "./mail-code.js";

test("メール通知パスワード: six digits, stored only as a hash keyed by the row's id; another code or id does not match", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const c = newMailCode();
    assert.match(c.code, /^\d{6}$/);
    assert.ok(!c.hash.includes(c.code), "the hash does not hold the code");
    assert.equal(mailCodeMatches(c.id, c.hash, c.code), true);
    assert.equal(mailCodeMatches(c.id, c.hash, ` ${c.code} `), true, "spaces around a pasted code are ignored");
    assert.equal(mailCodeMatches(c.id, c.hash, String((Number(c.code) + 1) % 1_000_000).padStart(6, "0")), false);
    assert.equal(mailCodeMatches(newMailCode().id, c.hash, c.code), false, "keyed by its own row");
    seen.add(c.code);
  }
  assert.ok(seen.size > 190, "codes are random");
});
