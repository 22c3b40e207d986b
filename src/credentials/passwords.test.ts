import { test } from "node:test";
import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "./passwords.js";

test("scrypt hashes verify the right password only and never store it", async () => {
  const h = await hashPassword("abc123XYZ");
  assert.match(h, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!h.includes("abc123XYZ"));
  assert.equal(await verifyPassword("abc123XYZ", h), true);
  assert.equal(await verifyPassword("abc123xyz", h), false, "case-sensitive");
  assert.equal(await verifyPassword("abc123XYZ", "plain:abc123XYZ"), false);
  assert.notEqual(await hashPassword("abc123XYZ"), h, "salted");
});
