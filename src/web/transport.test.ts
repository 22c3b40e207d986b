import { test } from "node:test";
import assert from "node:assert/strict";
import { constants } from "node:crypto";
import { getCiphers } from "node:tls";
import { configSchema } from "../config/schema.js";
import { httpTimeoutOptions, tlsListenerOptions, TLS_CIPHERS } from "./transport.js";

const defaults = configSchema.parse({ dataDir: "/" }).timeouts;

test("with the default configuration a connection trickling its headers or body is closed within 30 s", () => {
  const o = httpTimeoutOptions(defaults);
  // node finds an overdue request at its next check, so the bound is the timeout plus one interval
  assert.ok(o.requestTimeout + o.connectionsCheckingInterval <= 30_000, JSON.stringify(o));
  assert.ok(o.headersTimeout + o.connectionsCheckingInterval <= 30_000, JSON.stringify(o));
  assert.ok(o.headersTimeout <= o.requestTimeout);
  // node keeps a kept-alive socket one second past keepAliveTimeout
  assert.ok(o.keepAliveTimeout + 1000 <= 30_000);
  assert.ok(defaults.handshakeMs <= 30_000 && defaults.idleMs <= 30_000);
  // a headers timeout longer than the request's is cut to it (node would refuse it)
  assert.equal(httpTimeoutOptions({ ...defaults, headersMs: 5000, requestMs: 1000 }).headersTimeout, 1000);
});

test("the TLS profile: 1.2 at least, ECDHE with AEAD only in 1.2, renegotiation refused", () => {
  const o = tlsListenerOptions(defaults);
  assert.equal(o.minVersion, "TLSv1.2");
  assert.ok((o.secureOptions & constants.SSL_OP_NO_RENEGOTIATION) !== 0);
  for (const c of TLS_CIPHERS.split(":")) {
    assert.match(c, /^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$|^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/, c);
    // every name is one this OpenSSL knows (a typo would silently drop the suite)
    assert.ok(getCiphers().includes(c.toLowerCase()), c);
  }
});
