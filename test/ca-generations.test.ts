import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { DATABASES, startHarness, run, testBank, until, type Harness } from "./support/harness.js";
import { apiLogin, estEnroll, estReenroll, newKeyAndCsr } from "./support/client.js";
import { writeTemp } from "./support/csr.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";

const issuerCn = (pem: string) => new x509.X509Certificate(pem).issuer.replace(/^.*CN=/, "");
const cdp = (c: x509.X509Certificate) => c.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
const pemCount = (s: string) => (s.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;

for (const db of DATABASES) {
  describe(`issuing CA generations: rollover without locking anyone out (${db})`, () => {
    let h: Harness;
    let dir: string;
    before(async () => {
      // renewal open at once (the window is as long as the validity), so a G1 certificate can be renewed today
      h = await startHarness({ db, serve: true, banks: [testBank(BANK, { policy: { validity: "P40D", renewalWindow: "P42D" } as any })] });
      const contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["user01", "user02"]) await h.addUser(BANK, contractId, u, "general");
      dir = mkdtempSync(join(tmpdir(), "inkan-gen-"));
    });
    after(async () => h?.close());

    /** openssl verify -crl_check_all with the CRLs fetched from the CDPs of the certificate and of its issuer */
    async function verifyWholeChain(certPem: string) {
      const cert = new x509.X509Certificate(certPem);
      const gen = h.rt.ca.liveGenerations(BANK).find((g) => new x509.X509Certificate(Buffer.from(g.issuing.der)).subject === cert.issuer)!;
      const crl = async (url: string, name: string) => writeTemp(dir, name, (await run("openssl", ["crl", "-inform", "DER"], (await run("curl", ["-s", "-f", url])).raw)).stdout);
      const leafCrl = await crl(cdp(cert), "leaf.crl");
      const rootCrl = await crl(cdp(new x509.X509Certificate(Buffer.from(gen.issuing.der))), "root.crl");
      const file = writeTemp(dir, "leaf.pem", certPem);
      return run("openssl", ["verify", "-crl_check_all", "-CAfile", join(h.dataDir, "ca", BANK, "chain.pem"), "-CRLfile", rootCrl, "-CRLfile", leafCrl, file], undefined, { allowFail: true });
    }

    async function ocsp(certPem: string) {
      const g = h.rt.ca.liveGenerations(BANK).find((x) => new x509.X509Certificate(Buffer.from(x.issuing.der)).subject === new x509.X509Certificate(certPem).issuer)!;
      const issuing = join(h.dataDir, "ca", BANK, `issuing-G${g.generation.number}.pem`);
      const file = writeTemp(dir, "ocsp-leaf.pem", certPem);
      return run("openssl", ["ocsp", "-issuer", issuing, "-cert", file, "-url", `${h.http}/ocsp/${BANK}`, "-CAfile", join(h.dataDir, "ca", BANK, "chain.pem"), "-no_nonce"], undefined, { allowFail: true });
    }

    test("after `inkan ca rollover` a new enrolment is signed by G2, a G1 certificate still logs in, renews to G2, and both answer OCSP and CRL checks", async () => {
      const g1 = (await estEnroll(h, BANK, "user01", "Pass1234", await newKeyAndCsr())).identity!;
      assert.match(issuerCn(g1.certPem), /TEST CA - G1$/);
      assert.equal((await apiLogin(h, BANK, g1, "Pass1234")).status, 200, "G1 activates at its first login");

      const r = await h.cli(["ca", "rollover", "--bank", BANK]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /generation G2 \(O=.*CN=Test Bank TEST CA - G2, issuing CA \d+\) signs from now on/);
      // made in another process: the serving one picks it up at its next poll
      await until("the server serves two generations", 5000, async () => h.rt.ca.liveGenerations(BANK).length === 2);

      const g2 = (await estEnroll(h, BANK, "user02", "Pass1234", await newKeyAndCsr())).identity!;
      assert.match(issuerCn(g2.certPem), /TEST CA - G2$/);
      // the G1 certificate still logs in over mutual TLS (the listener asks for both generations)
      const login = await apiLogin(h, BANK, g1, "Pass1234");
      assert.equal(login.status, 200, login.text);
      assert.equal((await apiLogin(h, BANK, g2, "Pass1234")).status, 200);

      // cacerts and the bundle file carry every live generation and the root
      const cacerts = await run("curl", ["-s", "--cacert", h.serverCaFile, `${h.https}/.well-known/est/${BANK}/cacerts`]);
      const p7 = await run("openssl", ["pkcs7", "-inform", "DER", "-print_certs"], Buffer.from(cacerts.stdout, "base64"));
      assert.match(p7.stdout, /subject=.*TEST CA - G2\n/);
      assert.match(p7.stdout, /subject=.*TEST CA - G1\n/);
      assert.match(p7.stdout, /subject=.*TEST CA Root\n/);
      await until("the bundle file has both generations", 5000, async () => pemCount(readFileSync(join(h.dataDir, "ca", BANK, "chain.pem"), "utf8")) === 3);

      for (const id of [g1, g2]) {
        const v = await verifyWholeChain(id.certPem);
        assert.equal(v.status, 0, v.stderr + v.stdout);
        const o = await ocsp(id.certPem);
        assert.match(o.stdout, /: good/, o.stderr);
        assert.match(o.stderr + o.stdout, /Response verify OK/);
      }

      // EST renewal with the G1 certificate gives a G2 one
      const renewed = await estReenroll(h, BANK, g1, "user01", "Pass1234", await newKeyAndCsr());
      assert.equal(renewed.status, 200, renewed.text);
      assert.match(issuerCn(renewed.identity!.certPem), /TEST CA - G2$/);

      // a G1 certificate revoked after the rollover (the renewal left it valid until the new one is
      // used): G1's own CRL is rebuilt and its responder says so
      const revoke = await h.cli(["cert", "revoke", new x509.X509Certificate(g1.certPem).serialNumber, "--bank", BANK, "--reason", "keyCompromise"]);
      assert.equal(revoke.status, 0, revoke.stderr);
      const crl = await until("G1's CRL lists the revoked certificate", 5000, async () => {
        const v = await verifyWholeChain(g1.certPem);
        return v.status !== 0 && /certificate revoked/.test(v.stdout + v.stderr) && v;
      });
      assert.ok(crl.value);
      const o = await until("G1's responder answers revoked", 5000, async () => {
        const a = await ocsp(g1.certPem);
        return /: revoked/.test(a.stdout) && a;
      });
      assert.match(o.value.stderr + o.value.stdout, /Response verify OK/);
      assert.equal((await apiLogin(h, BANK, g1, "Pass1234")).status === 200, false, "a revoked G1 certificate no longer logs in");

      const audit = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(Date.now() + 60_000), actions: ["ca.rollover", "ca.ocsp_responder_issued"], limit: 10 });
      assert.deepEqual(audit.map((e: any) => e.action).sort(), ["ca.ocsp_responder_issued", "ca.ocsp_responder_issued", "ca.rollover"]);
      const verify = await h.cli(["audit", "verify", "--bank", BANK]);
      assert.equal(verify.status, 0, verify.stderr);
    });

    test("the serving process holds no root key: its key store cannot open it, the root's lives in its own store", async () => {
      const root = (await h.rt.store.bankCas(BANK)).find((c) => c.kind === "root")!;
      assert.match(root.keyRef, /^rootfile:/);
      await assert.rejects(() => h.rt.keys.open(root.keyRef), /not a key of this store/);
      for (const c of (await h.rt.store.bankCas(BANK)).filter((x) => x.kind !== "root")) await h.rt.keys.open(c.keyRef);
    });
  });
}
