import { test } from "node:test";
import assert from "node:assert/strict";
import { totpCode, totpStep, newTotpSecret, totpUri } from "./totp.js";

test("TOTP: RFC 6238 test vector, ±1 step, and garbage", () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" at T=59 s -> 94287082 (8 digits); 6 digits: 287082
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  const at = new Date(59_000);
  assert.equal(totpCode(secret, at), "287082");
  assert.equal(totpStep(secret, "287082", at), 1);
  assert.equal(totpStep(secret, "287082", new Date(59_000 + 30_000)), 1, "one step late is accepted");
  assert.equal(totpStep(secret, "287082", new Date(59_000 + 61_000)), undefined, "two steps late is not");
  assert.equal(totpStep(secret, "28708", at), undefined);
  assert.equal(totpStep(secret, "abcdef", at), undefined);
  const s = newTotpSecret();
  assert.match(s, /^[A-Z2-7]{32}$/);
  assert.match(totpUri(s, "Aoba Bank", "aouser01"), /^otpauth:\/\/totp\/Aoba%20Bank:aouser01\?issuer=Aoba%20Bank&secret=[A-Z2-7]{32}&algorithm=SHA1&digits=6&period=30$/);
});
