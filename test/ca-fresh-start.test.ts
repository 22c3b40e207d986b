import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, until } from "./support/harness.js";
import { freshInstallation } from "./support/fresh-start.js";
import { apiLogin, estEnroll, https, type Identity } from "./support/client.js";
import { opensslCsr, writeTemp } from "./support/csr.js";
import { children, contentOf, oidString, readDer } from "../src/ca/der-reader.js";
import * as x509 from "../src/ca/x509.js";

/**
 * Issue 12's second "Must show", from a fresh `npm start` (`inkan start`, a child process on an
 * empty data directory, the demo banks): the chain a relying party checks, then a rollover and the
 * compromise drill run as an operator runs them, as separate `inkan ca …` processes beside the
 * server. SQLite only: it is what `npm start` runs on (the embedded default); the same steps on
 * PostgreSQL are test/ca-generations.test.ts and test/ca-decades.test.ts.
 */

const BANK = "aoba";
const PASSWORD = "Pass1234";
const MAX_ARC = 2n ** 32n - 1n;

const pemsOf = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?/g) ?? [];
const cn = (name: string) => /CN=([^,]+)$/.exec(name)?.[1];
const uriOf = (c: x509.X509Certificate) => c.getExtension(x509.CRLDistributionPointsExtension)?.distributionPoints[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier;
const caIssuersOf = (c: x509.X509Certificate) => {
  const first = c.getExtension(x509.AuthorityInfoAccessExtension)?.caIssuers[0];
  return first?.type === "url" ? String(first.value) : undefined;
};

/**
 * Every OBJECT IDENTIFIER in a DER structure: in every constructed element, and inside every
 * extension's extnValue (an OCTET STRING holding DER of its own: policies, EKU, AIA's access
 * methods). An OID the project's reader cannot hold in a safe integer comes back as its hex.
 */
function oidsIn(der: Uint8Array): string[] {
  const found: string[] = [];
  const walk = (from: number, to: number) => {
    for (let p = from; p < to; ) {
      const t = readDer(der, p, to);
      if (t.tag === 0x06) found.push(oidString(contentOf(der, t)) ?? `unreadable:${Buffer.from(contentOf(der, t)).toString("hex")}`);
      else if (t.tag & 0x20) {
        walk(t.contentStart, t.end);
        // Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
        const k = children(der, t, readDer);
        const value = k.at(-1);
        if (t.tag === 0x30 && k[0]?.tag === 0x06 && value?.tag === 0x04 && (k.length === 2 || (k.length === 3 && k[1]!.tag === 0x01))) walk(value.contentStart, value.end);
      }
      p = t.end;
    }
  };
  walk(0, der.length);
  return found;
}

const tooWide = (oid: string) => oid.startsWith("unreadable:") || oid.split(".").some((arc) => BigInt(arc) > MAX_ARC);

test("fresh `npm start`: the demo bank's chain is whole-chain checkable, no OID arc over 32 bits; rollover to G2 keeps G1 logging in; the drill refuses G1 and returns its holder to 未発行", async () => {
  const fresh = await freshInstallation("inkan-ca-fresh-");
  const dir = mkdtempSync(join(tmpdir(), "inkan-ca-fresh-work-"));
  const cleanUp = () => (fresh.remove(), rmSync(dir, { recursive: true, force: true }));
  const server = await fresh.start("start").catch((e: unknown) => {
    cleanUp();
    throw e;
  });
  try {
    assert.match(server.out(), /Inkan is running \(a new data directory with the demo was made\)/);
    const demo = JSON.parse((await fresh.cli(["demo", "--json"])).stdout);
    const bank = demo.banks.find((b: { id: string }) => b.id === BANK);
    const [user1, user2] = bank.users.filter((u: { role: string }) => u.role === "general");
    const fetched = async (url: string) => {
      const r = await fetch(url);
      assert.equal(r.status, 200, url);
      return { bytes: new Uint8Array(await r.arrayBuffer()), cacheControl: r.headers.get("cache-control") };
    };
    /** a CRL fetched from a CDP, as PEM for openssl (which also reads it) */
    const crlAt = async (url: string, name: string) => {
      const got = await fetched(url);
      return { ...got, file: writeTemp(dir, name, (await run("openssl", ["crl", "-inform", "DER"], Buffer.from(got.bytes))).stdout) };
    };
    /** the CA names EST cacerts hands out now */
    const cacertNames = async () => {
      const certs = new x509.X509Certificates();
      certs.import(Buffer.from((await https(server, { path: `/.well-known/est/${BANK}/cacerts` })).text, "base64"));
      return certs.map((c) => cn(c.subject) ?? "");
    };
    /** a real openssl key and CSR, enrolled over EST with the demo's one-time password */
    const enroll = async (loginId: string): Promise<Identity> => {
      const csr = await opensslCsr("rsa2048");
      const otp = (await fresh.cli(["demo", "otp", loginId])).stdout.trim();
      const r = await estEnroll(server, BANK, loginId, PASSWORD, { keyPem: readFileSync(csr.keyFile, "utf8"), csrB64: csr.b64 }, otp);
      assert.equal(r.status, 200, r.text);
      return r.identity!;
    };

    // the issuing CA (G1) as the data directory hands it to a relying party, and the root
    const chain = pemsOf(readFileSync(bank.caFiles.chain, "utf8"));
    assert.equal(chain.length, 2, "G1 and the root");
    const g1Ca = new x509.X509Certificate(chain[0]!);
    const root = new x509.X509Certificate(chain[1]!);
    assert.match(cn(g1Ca.subject) ?? "", /TEST CA - G1$/);
    assert.equal(g1Ca.issuer, root.subject);
    const rootPem = writeTemp(dir, "root.pem", chain[1]!);

    // CDP and AIA caIssuers, both on the plain-HTTP listener the banner named
    const g1Cdp = uriOf(g1Ca);
    const g1CaIssuers = caIssuersOf(g1Ca);
    assert.ok(g1Cdp?.startsWith(`${server.http}/crl/`), `the issuing CA's CDP: ${g1Cdp}`);
    assert.ok(g1CaIssuers?.startsWith(`${server.http}/ca/`), `the issuing CA's caIssuers: ${g1CaIssuers}`);
    assert.deepEqual(Buffer.from((await fetched(g1CaIssuers!)).bytes), Buffer.from(root.rawData), "caIssuers serves the root");

    // the root's CRL at that CDP: cacheable, parsed and its signature checked by openssl with the root
    const arl = await crlAt(g1Cdp!, "root.crl");
    assert.match(arl.cacheControl ?? "", /public, max-age=\d+/);
    const arlCheck = await run("openssl", ["crl", "-in", arl.file, "-CAfile", rootPem, "-noout"]);
    assert.match(arlCheck.stderr + arlCheck.stdout, /verify OK/);
    assert.equal(new x509.X509Crl(arl.bytes).issuer, root.subject);

    // a fresh enrollment over EST passes the whole-chain check with both CRLs from the CDPs
    const g1 = await enroll(user1.loginId);
    const g1Leaf = new x509.X509Certificate(g1.certPem);
    assert.equal(g1Leaf.issuer, g1Ca.subject);
    const leafFile = writeTemp(dir, "g1.pem", g1.certPem);
    const g1Crl = await crlAt(uriOf(g1Leaf)!, "g1.crl");
    const verified = await run("openssl", ["verify", "-crl_check_all", "-CAfile", bank.caFiles.chain, "-CRLfile", arl.file, "-CRLfile", g1Crl.file, leafFile], undefined, { allowFail: true });
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /: OK/);

    // the delegated OCSP responder as a relying party meets it: in the answer to a status request
    const ocsp = await run("openssl", ["ocsp", "-issuer", join(fresh.dataDir, "ca", BANK, "issuing.pem"), "-cert", leafFile, "-url", `${server.http}/ocsp/${BANK}`, "-CAfile", bank.caFiles.chain, "-no_nonce", "-resp_text"]);
    assert.match(ocsp.stdout, /: good/);
    assert.match(ocsp.stderr + ocsp.stdout, /Response verify OK/);
    const responder = new x509.X509Certificate(pemsOf(ocsp.stdout)[0]!);
    assert.equal(responder.issuer, g1Ca.subject);

    // every OID of every certificate of the chain (and of both CRLs) fits in 32 bits per arc
    const all: Array<[string, Uint8Array]> = [
      ["root", new Uint8Array(root.rawData)],
      ["issuing CA G1", new Uint8Array(g1Ca.rawData)],
      ["leaf", new Uint8Array(g1Leaf.rawData)],
      ["OCSP responder", new Uint8Array(responder.rawData)],
      ["root CRL", arl.bytes],
      ["G1 CRL", g1Crl.bytes],
    ];
    const oids = new Map(all.map(([what, der]) => [what, oidsIn(der)]));
    for (const [what, list] of oids) assert.deepEqual(list.filter(tooWide), [], `${what}: ${list.join(" ")}`);
    // the walk reached inside the extensions: EKU, AIA's access methods, the responder's EKU
    assert.ok(oids.get("leaf")!.includes("1.3.6.1.5.5.7.3.2") && oids.get("leaf")!.includes("1.3.6.1.5.5.7.48.1"), oids.get("leaf")!.join(" "));
    assert.ok(oids.get("issuing CA G1")!.includes("1.3.6.1.5.5.7.48.2"));
    assert.ok(oids.get("OCSP responder")!.includes("1.3.6.1.5.5.7.3.9"));

    // G1 activates at its first login (mutual TLS, the password only)
    assert.equal((await apiLogin(server, BANK, g1, PASSWORD)).status, 200);
    const listed = async () => (await fresh.cli(["user", "list", "--bank", BANK])).stdout;
    const statusOf = (list: string, loginId: string) => new RegExp(`^${loginId}\\t.*\\t(\\S+) \\([^)]+\\)$`, "m").exec(list)?.[1];
    assert.equal(statusOf(await listed(), user1.loginId), "発行済み");

    // rollover, as the operator runs it: a ceremony in its own process, with the root's store (the
    // demo keeps root-ca/ and its passphrase file in the data directory: docs/ca-ceremony.md)
    const rollover = await fresh.cli(["ca", "rollover", "--bank", BANK]);
    assert.equal(rollover.status, 0, rollover.stderr);
    assert.match(rollover.stdout, /generation G2 .* signs from now on/);
    // the running server picks it up at its status poll: EST cacerts lists G2
    await until("the server serves G2", 20_000, async () => (await cacertNames()).some((n) => /TEST CA - G2$/.test(n)));
    const g2 = await enroll(user2.loginId);
    assert.match(cn(new x509.X509Certificate(g2.certPem).issuer) ?? "", /- G2$/);
    const login = await apiLogin(server, BANK, g1, PASSWORD);
    assert.equal(login.status, 200, `G1 still logs in: ${login.text}`);
    assert.equal((await apiLogin(server, BANK, g2, PASSWORD)).status, 200);
    // G2's chain is as checkable as G1's was, and as narrow in its OIDs
    const g2Ca = new x509.X509Certificate(pemsOf(readFileSync(join(fresh.dataDir, "ca", BANK, "issuing-G2.pem"), "utf8"))[0]!);
    assert.ok(uriOf(g2Ca) && caIssuersOf(g2Ca));
    const g2Verified = await run("openssl", ["verify", "-crl_check_all", "-CAfile", bank.caFiles.chain, "-CRLfile", (await crlAt(uriOf(g2Ca)!, "root2.crl")).file, "-CRLfile", (await crlAt(uriOf(new x509.X509Certificate(g2.certPem))!, "g2.crl")).file, writeTemp(dir, "g2.pem", g2.certPem)], undefined, { allowFail: true });
    assert.equal(g2Verified.status, 0, g2Verified.stdout + g2Verified.stderr);
    for (const der of [g2Ca.rawData, new x509.X509Certificate(g2.certPem).rawData]) assert.deepEqual(oidsIn(new Uint8Array(der)).filter(tooWide), []);

    // the compromise drill: G1 revoked in a ceremony, in its own process beside the server
    const drill = await fresh.cli(["ca", "revoke", "--bank", BANK, "--generation", "G1", "--reason", "caCompromise"]);
    assert.equal(drill.status, 0, drill.stderr);
    assert.match(drill.stdout, /generation G1 \(issuing CA \d+\) revoked; root CRL number \d+ lists it; \d+ certificates revoked, \d+ users returned to 未発行/);
    // refused at the very next request, saying why, whether or not the server's poll has seen the
    // generation's revocation yet (the drill has revoked its certificates by the time it returns)
    const refused = await apiLogin(server, BANK, g1, PASSWORD);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json?.cause, "issuer_revoked", refused.text);
    assert.match(refused.json.message.ja, /この電子証明書を発行した認証局を停止しました/);
    // and once it has, too: the one check on the issuer
    await until("the server's poll has seen G1 revoked (out of EST cacerts)", 20_000, async () => !(await cacertNames()).some((n) => /TEST CA - G1$/.test(n)));
    assert.equal((await apiLogin(server, BANK, g1, PASSWORD)).json?.cause, "issuer_revoked");
    // a whole-chain verifier refuses it as well: the root's CRL at G1's CDP now lists G1
    const g1Chain = writeTemp(dir, "g1-chain.pem", chain.join(""));
    const afterDrill = await run("openssl", ["verify", "-crl_check_all", "-CAfile", g1Chain, "-CRLfile", (await crlAt(g1Cdp!, "root-after.crl")).file, "-CRLfile", (await crlAt(uriOf(g1Leaf)!, "g1-after.crl")).file, leafFile], undefined, { allowFail: true });
    assert.notEqual(afterDrill.status, 0, afterDrill.stdout);
    assert.match(afterDrill.stdout + afterDrill.stderr, /certificate revoked/);
    // its holder is back to 未発行; the G2 holder keeps theirs
    const after = await listed();
    assert.equal(statusOf(after, user1.loginId), "未発行", after);
    assert.equal(statusOf(after, user2.loginId), "発行済み", after);
    assert.equal((await apiLogin(server, BANK, g2, PASSWORD)).status, 200);

    assert.equal(await server.stop(), 0, "clean shutdown on SIGTERM");
  } finally {
    await server.stop();
    cleanUp();
  }
});
