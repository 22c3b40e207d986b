import { test } from "node:test";
import assert from "node:assert/strict";
import { pageHeaderSet } from "./page-headers.js";

test("every page's headers: its CSP, never framed, sniffed or cached, Referer to ourselves only; HSTS over HTTPS only", () => {
  const common = { "content-security-policy": "default-src 'none'", "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin", "cache-control": "no-store" };
  assert.deepEqual(pageHeaderSet("default-src 'none'", "https"), { ...common, "strict-transport-security": "max-age=31536000" });
  assert.deepEqual(pageHeaderSet("default-src 'none'", "loopback"), common);
});
