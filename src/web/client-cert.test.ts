import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeCertificateHeader, proxyTrust } from "./client-cert.js";
import { loadConfig, ConfigError } from "../config/load.js";

function aCertificate(): { pem: string; der: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "inkan-cc-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k"), "-out", join(dir, "c"), "-subj", "/CN=x", "-days", "1"], { stdio: "ignore" });
    const pem = readFileSync(join(dir, "c"), "utf8");
    return { pem, der: new X509Certificate(pem).raw };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the certificate header: nginx's URL-encoded PEM, plain PEM (newlines as spaces or tabs), base64 DER; anything else is none", () => {
  const { pem, der } = aCertificate();
  const same = (v: string) => assert.deepEqual(Buffer.from(decodeCertificateHeader(v)!), der, v.slice(0, 40));
  same(encodeURIComponent(pem)); // $ssl_client_escaped_cert
  same(pem);
  same(pem.replace(/\n/g, " "));
  same(pem.replace(/\n(?!-----END)/g, "\n\t").replace(/\n/g, " "));
  same(der.toString("base64")); // HAProxy's %[ssl_c_der,base64]
  for (const bad of ["", "   ", "%E0%A4%A", "not a certificate", "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----", Buffer.from("hello world, not DER").toString("base64")]) {
    assert.equal(decodeCertificateHeader(bad), undefined, JSON.stringify(bad));
  }
});

test("trusted proxies: addresses and CIDR blocks, IPv4 and IPv6, IPv4-mapped peers as IPv4; nothing when the list is empty", () => {
  const t = proxyTrust(["127.0.0.2", "10.1.0.0/16", "fd00::/8", "2001:db8::5"]);
  for (const a of ["127.0.0.2", "::ffff:127.0.0.2", "10.1.255.3", "::ffff:10.1.0.1", "fd12::1", "2001:db8::5"]) assert.equal(t(a), true, a);
  for (const a of ["127.0.0.1", "127.0.0.3", "10.2.0.1", "fe80::1", "2001:db8::6", "::1", "", undefined]) assert.equal(t(a), false, String(a));
  assert.equal(proxyTrust([])("127.0.0.2"), false);
});

test("proxy configuration: INKAN_TRUSTED_PROXIES is comma-separated; addresses are validated; a /0 is refused (wider ranges: test/cli.test.ts)", () => {
  const dir = mkdtempSync(join(tmpdir(), "inkan-cfg-"));
  try {
    const c = loadConfig(dir, { INKAN_TRUSTED_PROXIES: " 10.0.0.5, 10.0.1.0/24 ,fd00:1::/48" });
    assert.deepEqual(c.proxy, { trustedAddresses: ["10.0.0.5", "10.0.1.0/24", "fd00:1::/48"], certificateHeader: "x-ssl-client-cert", allowWideRanges: false });
    assert.deepEqual(loadConfig(dir, {}).proxy, { trustedAddresses: [], certificateHeader: "x-ssl-client-cert", allowWideRanges: false });
    for (const bad of ["0.0.0.0/0", "::/0", "10.0.0.0/33", "localhost", "10.0.0.1/8/1", "10.0.0.256"]) {
      assert.throws(() => loadConfig(dir, { INKAN_TRUSTED_PROXIES: bad }), (e: unknown) => e instanceof ConfigError && /proxy\.trustedAddresses\.0/.test(e.message), bad);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
