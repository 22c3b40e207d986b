import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { DATABASES, startHarness, run, testBank, until, type Harness } from "./support/harness.js";
import { apiLogin, estEnroll, estReenroll, newKeyAndCsr } from "./support/client.js";
import { writeTemp } from "./support/csr.js";
import * as x509 from "../src/ca/x509.js";
import { toPem } from "../src/ca/certificate-builder.js";

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
      for (const u of ["user01", "user02", "user03"]) await h.addUser(BANK, contractId, u, "general");
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
      // every generation the server knows, a revoked one too (chain.pem leaves that out), then the root
      const cas = writeTemp(dir, "cas.pem", [...h.rt.ca.liveGenerations(BANK).map((g) => g.issuing.der), gen.root.der].map((d) => toPem(d)).join(""));
      return run("openssl", ["verify", "-crl_check_all", "-CAfile", cas, "-CRLfile", rootCrl, "-CRLfile", leafCrl, file], undefined, { allowFail: true });
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

    test("compromise drill: `inkan ca revoke --generation` needs a newer one; the root's CRL lists it at once; its certificates are refused at the next request; their holders return to 未発行 with a security notice", async () => {
      const g2 = (await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr())).identity!;
      assert.match(issuerCn(g2.certPem), /- G2$/);
      assert.equal((await apiLogin(h, BANK, g2, "Pass1234")).status, 200);
      // G2 is the newest: it cannot be revoked before a newer one exists
      const early = await h.cli(["ca", "revoke", "--bank", BANK, "--generation", "G2", "--reason", "caCompromise"]);
      assert.equal(early.status, 4, early.stdout + early.stderr);
      assert.match(early.stderr, /世代 G2 は有効な最新の発行CAです。先に新しい世代を作成してから（inkan ca rollover --bank tbank）/);
      assert.match(early.stderr, /Generation G2 is the newest live issuing CA: make a new one first/);
      assert.equal((await h.cli(["ca", "rollover", "--bank", BANK])).status, 0);
      await until("the server serves G3", 5000, async () => h.rt.ca.bank(BANK)!.generation.number === 3);

      const drill = await h.cli(["ca", "revoke", "--bank", BANK, "--generation", "G2", "--reason", "caCompromise"]);
      assert.equal(drill.status, 0, drill.stderr);
      assert.match(drill.stdout, /generation G2 \(issuing CA \d+\) revoked; root CRL number \d+ lists it; \d+ certificates revoked, \d+ users returned to 未発行/);
      // refused at the next request: the serving process sees the revoked issuer at its poll (one check, not one per certificate)
      const refused = await until("a G2 certificate is refused", 3000, async () => {
        const r = await apiLogin(h, BANK, g2, "Pass1234");
        return r.status !== 200 && r;
      });
      assert.match(refused.value.text, /この電子証明書を発行した認証局を停止しました/);
      assert.match(refused.value.text, /the authority that issued this certificate has been shut down/);
      // whole-chain checkers refuse it too: the root's CRL lists G2
      const v = await verifyWholeChain(g2.certPem);
      assert.notEqual(v.status, 0);
      assert.match(v.stdout + v.stderr, /certificate revoked/);
      // user03 is back to 未発行 with the notice (mail outbox and 重要なお知らせ), and acquires a G3 certificate
      const user = (await h.rt.store.getUserByLoginId(BANK, "user03"))!;
      assert.ok(user.certsResetAt, "reset");
      const notices = await h.rt.store.notices.forRecipient(BANK, user.id, ["ca_compromised"]);
      assert.equal(notices.length, 1);
      const again = await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr());
      assert.equal(again.status, 200, again.text);
      assert.match(issuerCn(again.identity!.certPem), /- G3$/);
      const ok = await verifyWholeChain(again.identity!.certPem);
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      const audit = await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(Date.now() + 60_000), actions: ["ca.generation_revoked"], limit: 10 });
      assert.equal(audit.length, 1);
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
