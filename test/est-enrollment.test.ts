import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DATABASES, startHarness, run, testBank, until, type Harness } from "./support/harness.js";
import { readFileSync } from "node:fs";
import { opensslCsr, csrFromKey, writeTemp, type MadeCsr } from "./support/csr.js";
import * as x509 from "../src/ca/x509.js";

const BANK = "tbank";
/** an OID whose widest arc is the widest allowed, 2^32 - 1 */
const POLICY_OID = "1.2.392.200001.4294967295.1";

for (const db of DATABASES) {
  describe(`EST enrollment, CRL and OCSP with curl and OpenSSL (${db})`, () => {
    let h: Harness;
    let contractId: number;
    /** the CSR user01 enrolled with, whose key a later case presents again */
    let firstCsr: MadeCsr;
    before(async () => {
      // a bank with its own policy OID (the harness default has none: no certificatePolicies at all)
      h = await startHarness({ db, serve: true, banks: [testBank("tbank", { policyOid: POLICY_OID })] });
      contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["user01", "user02", "user03", "user04", "user05"]) await h.addUser(BANK, contractId, u, "general");
    });
    after(async () => h?.close());

    const est = (op: string) => `${h.https}/.well-known/est/${BANK}/${op}`;
    async function curlEnroll(loginId: string, password: string, body: string | Buffer, headers: string[] = ["Content-Type: application/pkcs10"]) {
      const args = ["-s", "--cacert", h.serverCaFile, "-u", `${loginId}:${password}`, "--data-binary", "@-", "-D", "-", "-o", "-", est("simpleenroll")];
      for (const hd of headers) args.unshift("-H", hd);
      const r = await run("curl", args, body);
      const [head, ...rest] = r.stdout.split("\r\n\r\n");
      const status = Number(/^HTTP\/[\d.]+ (\d+)/.exec(head ?? "")?.[1]);
      return { status, head: head ?? "", body: rest.join("\r\n\r\n") };
    }
    async function issuedCount() {
      return (await h.rt.store.listCertificates(BANK)).filter((c) => c.state !== "signing").length;
    }
    async function enrollToPem(csr: MadeCsr, loginId: string) {
      const r = await curlEnroll(loginId, "Pass1234", csr.b64);
      assert.equal(r.status, 200, r.body);
      assert.match(r.head, /content-type: application\/pkcs7-mime; smime-type=certs-only/i);
      assert.match(r.head, /content-transfer-encoding: base64/i);
      const p7 = await run("openssl", ["pkcs7", "-inform", "DER", "-print_certs"], Buffer.from(r.body, "base64"));
      const pem = p7.stdout.replace(/^(subject|issuer)=.*\n/gm, "").trim() + "\n";
      return { pem, file: writeTemp(csr.dir, "cert.pem", pem) };
    }

    test("RSA-2048: every field of the certificate matches SPEC.md's profile", async () => {
      const csr = await opensslCsr("rsa2048");
      firstCsr = csr;
      const before = Date.now();
      const { pem, file } = await enrollToPem(csr, "user01");
      const cert = new x509.X509Certificate(pem);
      const bank = h.rt.config.banks[0]!;
      const issuing = h.rt.ca.bank(BANK)!;
      // subject: O, OU, CN=<loginId> <userNo> <yyyyMMddHHmmss + 6 digits JST>, nothing from the CSR
      const m = /^O=Test Bank\\, Ltd\., OU=Test Bank TEST CA - G1, CN=user01 A002 (\d{20})$/.exec(cert.subject);
      assert.ok(m, cert.subject);
      const jst = new Date(before + 9 * 3600_000).toISOString().replace(/[-T:]/g, "").slice(0, 8);
      assert.equal(m![1]!.slice(0, 8), jst);
      assert.equal(cert.issuer, "O=Test Bank\\, Ltd., CN=Test Bank TEST CA - G1");
      assert.match(cert.serialNumber, /^[0-9a-f]{32}$/);
      assert.ok(parseInt(cert.serialNumber[0]!, 16) < 8, "positive serial");
      // validity: not-after 23:59:59 UTC on the JST anniversary date
      const issuedJst = new Date(cert.notBefore.getTime() + 9 * 3600_000);
      const expected = new Date(Date.UTC(issuedJst.getUTCFullYear() + 1, issuedJst.getUTCMonth(), issuedJst.getUTCDate(), 23, 59, 59));
      assert.equal(cert.notAfter.toISOString(), expected.toISOString());
      assert.ok(Math.abs(cert.notBefore.getTime() - before) < 5000);
      const bc = cert.getExtension(x509.BasicConstraintsExtension)!;
      assert.equal(bc.ca, false);
      assert.equal(bc.critical, true);
      const ku = cert.getExtension(x509.KeyUsagesExtension)!;
      assert.equal(ku.usages, x509.KeyUsageFlags.digitalSignature);
      assert.deepEqual([...cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages], [x509.ExtendedKeyUsage.clientAuth]);
      assert.ok(cert.getExtension(x509.SubjectKeyIdentifierExtension));
      const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)!;
      const issuerCert = new x509.X509Certificate(Buffer.from(issuing.issuing.der));
      assert.equal(aki.keyId, issuerCert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
      const cdp = cert.getExtension(x509.CRLDistributionPointsExtension)!;
      assert.equal(cdp.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier, `${h.http}/crl/${BANK}-${issuing.issuing.id}.crl`);
      const aia = cert.getExtension(x509.AuthorityInfoAccessExtension)!;
      assert.equal(aia.ocsp[0]!.value, `${h.http}/ocsp/${BANK}`);
      assert.equal(aia.caIssuers[0]!.value, `${h.http}/ca/${BANK}-${issuing.issuing.id}.crt`);
      assert.equal(bank.policyOid, POLICY_OID);
      assert.deepEqual([...cert.getExtension(x509.CertificatePolicyExtension)!.policies], [POLICY_OID]);
      assert.match((await run("openssl", ["x509", "-in", file, "-noout", "-ext", "certificatePolicies"])).stdout, /Policy: 1\.2\.392\.200001\.4294967295\.1\n/);
      assert.equal(cert.getExtension("2.5.29.17"), null, "no subjectAltName");
      assert.equal(cert.extensions.length, 8);
      // the key is the CSR's key
      const pub = await run("openssl", ["pkey", "-in", csr.keyFile, "-pubout"]);
      assert.equal((await run("openssl", ["x509", "-in", file, "-noout", "-pubkey"])).stdout, pub.stdout);
      // and OpenSSL agrees the chain holds
      const chain = join(h.dataDir, "ca", BANK, "chain.pem");
      assert.match((await run("openssl", ["verify", "-CAfile", chain, "-purpose", "sslclient", file])).stdout, /OK/);
      // the record matches what was handed out
      const rec = await h.rt.store.getCertificate(BANK, cert.serialNumber);
      assert.equal(rec?.state, "pending");
      assert.deepEqual(Buffer.from(rec!.der!), Buffer.from(cert.rawData));
    });

    test("P-256 enrolls; cacerts and csrattrs answer as RFC 7030 says", async () => {
      const csr = await opensslCsr("p256");
      const { pem } = await enrollToPem(csr, "user02");
      const cert = new x509.X509Certificate(pem);
      assert.equal((cert.publicKey.algorithm as EcKeyAlgorithm).namedCurve, "P-256");
      const cacerts = await run("curl", ["-s", "-D", "-", "--cacert", h.serverCaFile, est("cacerts")]);
      const [head, body] = cacerts.stdout.split("\r\n\r\n");
      assert.match(head!, /content-type: application\/pkcs7-mime; smime-type=certs-only/i);
      const subjects = (await run("openssl", ["pkcs7", "-inform", "DER", "-print_certs", "-noout"], Buffer.from(body!, "base64"))).stdout;
      assert.match(subjects, /subject=O = "Test Bank, Ltd.", CN = Test Bank TEST CA - G1\n/);
      assert.match(subjects, /subject=O = "Test Bank, Ltd.", CN = Test Bank TEST CA Root/);
      const attrs = await run("curl", ["-s", "--cacert", h.serverCaFile, est("csrattrs")]);
      const parsed = (await run("openssl", ["asn1parse", "-inform", "DER"], Buffer.from(attrs.stdout, "base64"))).stdout;
      // this bank asks no one-time password, so the CSR needs no challengePassword (see lifecycle tests)
      assert.doesNotMatch(parsed, /challengePassword/);
      assert.match(parsed, /prime256v1/);
    });

    test("whole chain: the issuing CA points at the root's CRL and certificate, both served; openssl verify -crl_check_all with both CRLs; the root CRL re-signed by a command", async () => {
      const csr = await opensslCsr("p256");
      const { file } = await enrollToPem(csr, "user05");
      const b = h.rt.ca.bank(BANK)!;
      const issuingCert = new x509.X509Certificate(Buffer.from(b.issuing.der));
      const rootCdp = issuingCert.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
      assert.equal(rootCdp, `${h.http}/crl/${BANK}-${b.root.id}.crl`);
      const aia = issuingCert.getExtension(x509.AuthorityInfoAccessExtension)!;
      assert.equal(aia.caIssuers[0]!.value, `${h.http}/ca/${BANK}-${b.root.id}.crt`);
      assert.equal(aia.ocsp.length, 0, "the root has no OCSP responder: its CRL is the answer");
      // the root certificate at caIssuers, byte for byte
      assert.deepEqual((await run("curl", ["-s", "-f", aia.caIssuers[0]!.value])).raw, Buffer.from(b.root.der));
      // the root's CRL at the CDP, with caching headers, signed by the root
      const head = await run("curl", ["-s", "-f", "-D", "-", "-o", "/dev/null", rootCdp]);
      assert.match(head.stdout, /content-type: application\/pkix-crl/i);
      assert.match(head.stdout, /cache-control: public, max-age=\d+/i);
      const rootCrlDer = (await run("curl", ["-s", "-f", rootCdp])).raw;
      const rootPem = join(h.dataDir, "ca", BANK, "root.pem");
      const crlCheck = await run("openssl", ["crl", "-inform", "DER", "-CAfile", rootPem, "-noout", "-text"], rootCrlDer);
      assert.match(crlCheck.stderr + crlCheck.stdout, /verify OK/);
      assert.match(crlCheck.stdout, /No Revoked Certificates/);
      const rootCrl = writeTemp(csr.dir, "root.crl", (await run("openssl", ["crl", "-inform", "DER"], rootCrlDer)).stdout);
      const userCdp = new x509.X509Certificate(readPem(file)).getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
      const issuingCrl = writeTemp(csr.dir, "issuing.crl", (await run("openssl", ["crl", "-inform", "DER"], (await run("curl", ["-s", "-f", userCdp])).raw)).stdout);
      const chain = join(h.dataDir, "ca", BANK, "chain.pem");
      const whole = await run("openssl", ["verify", "-crl_check_all", "-CAfile", chain, "-CRLfile", rootCrl, "-CRLfile", issuingCrl, file], undefined, { allowFail: true });
      assert.equal(whole.status, 0, whole.stderr + whole.stdout);
      assert.match(whole.stdout, /: OK/);
      // the check is real: without the root's CRL the issuing CA's status cannot be decided
      const missing = await run("openssl", ["verify", "-crl_check_all", "-CAfile", chain, "-CRLfile", issuingCrl, file], undefined, { allowFail: true });
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr + missing.stdout, /unable to get certificate CRL/);
      // re-signed by the ceremony command in another process; the server publishes it at its next poll
      const before = new x509.X509Crl(new Uint8Array(rootCrlDer));
      const numberBefore = h.rt.ca.crl(BANK, b.root.id)!.number;
      const r = await h.cli(["ca", "crl", "--bank", BANK, "--root"]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`root CRL number ${numberBefore + 1} signed, valid until`));
      const next = await until("the new root CRL at the CDP", 5000, async () => {
        const der = (await run("curl", ["-s", "-f", rootCdp])).raw;
        return !der.equals(rootCrlDer) && new x509.X509Crl(new Uint8Array(der));
      });
      assert.equal(h.rt.ca.crl(BANK, b.root.id)!.number, numberBefore + 1);
      assert.ok(next.value.thisUpdate.getTime() >= before.thisUpdate.getTime());
      assert.ok(next.value.nextUpdate!.getTime() - next.value.thisUpdate.getTime() >= 365 * 86_400_000, "valid a year by default");
      const audit = await h.rt.store.auditChain(BANK);
      assert.ok(audit.rows.filter((x) => x.action === "ca.root_crl_signed").length >= 2, "the first root CRL and the re-signed one are audited");
    });

    test("revocation by the CLI in another process reaches the CRL at its CDP URL and OCSP at its AIA URL within a second", async () => {
      const csr = await opensslCsr("rsa2048");
      const { file } = await enrollToPem(csr, "user03");
      const cert = new x509.X509Certificate(readPem(file));
      const cdp = cert.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
      const ocspUrl = cert.getExtension(x509.AuthorityInfoAccessExtension)!.ocsp[0]!.value;
      const chain = join(h.dataDir, "ca", BANK, "chain.pem");
      const issuing = join(h.dataDir, "ca", BANK, "issuing.pem");

      const crlCheck = async () => {
        const crl = await run("curl", ["-s", "-f", cdp]);
        const crlPem = (await run("openssl", ["crl", "-inform", "DER"], crl.raw)).stdout;
        const bundle = writeTemp(csr.dir, "chain-crl.pem", readPem(chain) + crlPem);
        return run("openssl", ["verify", "-crl_check", "-CAfile", bundle, file], undefined, { allowFail: true });
      };
      const ocspCheck = () => run("openssl", ["ocsp", "-issuer", issuing, "-cert", file, "-url", ocspUrl, "-CAfile", chain, "-no_nonce"], undefined, { allowFail: true });

      assert.equal((await crlCheck()).status, 0);
      assert.match((await ocspCheck()).stdout, /: good/);

      const revoke = await h.cli(["cert", "revoke", cert.serialNumber, "--bank", BANK, "--reason", "keyCompromise", "--reference", "FORM-001"]);
      assert.equal(revoke.status, 0, revoke.stderr);
      // the clients below poll with real openssl and curl processes, which a loaded machine slows;
      // how soon the CRL was made is read off the CRL itself (its thisUpdate against the entry's
      // revocation date), not off the wall clock of the polling
      const crl = await until("CRL to list the serial", 10_000, async () => {
        const r = await crlCheck();
        return r.status !== 0 && /certificate revoked/.test(r.stdout + r.stderr) && r;
      });
      const ocsp = await until("OCSP to say revoked", 10_000, async () => {
        const r = await ocspCheck();
        return /: revoked/.test(r.stdout) && r;
      });
      assert.match(ocsp.value.stdout, /Reason: keyCompromise/);
      assert.match(ocsp.value.stderr + ocsp.value.stdout, /Response verify OK/);
      const published = new x509.X509Crl(new Uint8Array((await run("curl", ["-s", "-f", cdp])).raw));
      const entry = published.entries.find((e) => e.serialNumber === cert.serialNumber);
      assert.ok(entry, "the CRL at the CDP lists the serial");
      const lag = published.thisUpdate.getTime() - entry.revocationDate.getTime();
      // both dates are whole seconds: made within a second reads as at most 2000 ms
      assert.ok(lag >= 0 && lag <= 2000, `the CRL was made ${lag} ms after the revocation`);
      // a nonce is echoed, and the answer still verifies
      const withNonce = await run("openssl", ["ocsp", "-issuer", issuing, "-cert", file, "-url", ocspUrl, "-CAfile", chain, "-nonce", "-resp_text"], undefined, { allowFail: true });
      assert.match(withNonce.stdout, /OCSP Nonce/);
      assert.match(withNonce.stderr + withNonce.stdout, /Response verify OK/);
      // the audit chain holds every step, and verifies
      const verify = await h.cli(["audit", "verify", "--bank", BANK]);
      assert.equal(verify.status, 0, verify.stderr);
      assert.match(verify.stdout, /chain intact/);
    });

    test("OCSP over GET, unknown serials and malformed requests", async () => {
      const issuing = join(h.dataDir, "ca", BANK, "issuing.pem");
      const dir = (await opensslCsr("p256")).dir;
      const reqFile = join(dir, "req.ocsp");
      await run("openssl", ["ocsp", "-issuer", issuing, "-serial", "0x" + "11".repeat(16), "-no_nonce", "-reqout", reqFile]);
      const get = await run("curl", ["-s", `${h.http}/ocsp/${BANK}/${encodeURIComponent(readFileSync(reqFile).toString("base64"))}`]);
      const text = (await run("openssl", ["ocsp", "-respin", writeTemp(dir, "resp.der", get.raw), "-resp_text", "-noverify"])).stdout;
      assert.match(text, /Cert Status: unknown/);
      const bad = await run("curl", ["-s", "-H", "Content-Type: application/ocsp-request", "--data-binary", "@-", `${h.http}/ocsp/${BANK}`], Buffer.from("not ocsp at all"));
      assert.deepEqual([...bad.raw], [0x30, 0x03, 0x0a, 0x01, 0x01], "malformedRequest");
      const health = await run("curl", ["-s", `${h.http}/healthz`]);
      assert.equal(JSON.parse(health.stdout).status, "ok");
    });

    test("bad input: each a 4xx with a ja/en message, the server stays up, nothing is issued", async () => {
      const good = await opensslCsr("rsa2048");
      const sigBroken = Buffer.from(good.der);
      sigBroken[sigBroken.length - 5] = sigBroken[sigBroken.length - 5]! ^ 0xff;
      const cases: Array<[string, () => Promise<{ status: number; body: string }>, number, RegExp]> = [
        ["garbage", async () => curlEnroll("user04", "Pass1234", Buffer.from("hello world, I am not a CSR").toString("base64")), 400, /形式が正しくありません[\s\S]*malformed/],
        ["truncated", async () => curlEnroll("user04", "Pass1234", good.der.subarray(0, 200).toString("base64")), 400, /PKCS#10/],
        ["broken base64", async () => curlEnroll("user04", "Pass1234", "MIIB$$$%%%"), 400, /base64/],
        ["empty body", async () => curlEnroll("user04", "Pass1234", ""), 400, /CSR/],
        ["wrong signature", async () => curlEnroll("user04", "Pass1234", sigBroken.toString("base64")), 400, /署名が正しくありません[\s\S]*signature/],
        ["RSA-1024", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("rsa1024")).b64), 400, /1024ビット[\s\S]*1024 bits/],
        ["P-384 (not in policy)", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("p384")).b64), 400, /P-384/],
        ["Ed25519", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("ed25519")).b64), 400, /ed25519/i],
        ["reused key", async () => curlEnroll("user04", "Pass1234", (await csrFromKey(firstCsr.keyFile)).b64), 409, /すでに別の電子証明書[\s\S]*already used/],
        ["CA:true", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("rsa2048", ["-addext", "basicConstraints=critical,CA:TRUE"])).b64), 400, /CA:TRUE/],
        ["extra names", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("rsa2048", ["-addext", "subjectAltName=DNS:bank.example"])).b64), 400, /subjectAltName/],
        // values that are no BasicConstraints or KeyUsage at all (were a 500 before)
        ["basicConstraints DER:0101", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("p256", ["-addext", "2.5.29.19=DER:0101"])).b64), 400, /形式が正しくありません（basicConstraints）[\s\S]*malformed \(basicConstraints\)/],
        ["keyUsage DER:0101", async () => curlEnroll("user04", "Pass1234", (await opensslCsr("p256", ["-addext", "2.5.29.15=critical,DER:0101"])).b64), 400, /keyUsage/],
        ["wrong password", async () => curlEnroll("user04", "Wrong999", good.b64), 401, /ログインIDまたはログインパスワード[\s\S]*not correct/],
        ["unknown login ID", async () => curlEnroll("nobody99", "Pass1234", good.b64), 401, /not correct/],
        ["no credentials", async () => {
          const r = await run("curl", ["-s", "-w", "\n%{http_code}", "--cacert", h.serverCaFile, "-H", "Content-Type: application/pkcs10", "--data-binary", good.b64, est("simpleenroll")]);
          const lines = r.stdout.trimEnd().split("\n");
          return { status: Number(lines.pop()), body: lines.join("\n") };
        }, 401, /入力してください/],
        ["unknown bank", async () => {
          const r = await run("curl", ["-s", "-w", "\n%{http_code}", "--cacert", h.serverCaFile, "-u", "user04:Pass1234", "-H", "Content-Type: application/pkcs10", "--data-binary", good.b64, `${h.https}/.well-known/est/nobank/simpleenroll`]);
          const lines = r.stdout.trimEnd().split("\n");
          return { status: Number(lines.pop()), body: lines.join("\n") };
        }, 404, /金融機関[\s\S]*not served/],
        // just over the 64 KiB limit: the answer comes before the body is all sent, and a much larger
        // body would race the server's close against curl's sending (curl exit 55)
        ["oversized body", async () => curlEnroll("user04", "Pass1234", "A".repeat(80_000)), 413, /大きすぎます[\s\S]*too large/],
        ["wrong media type", async () => curlEnroll("user04", "Pass1234", good.b64, ["Content-Type: application/json"]), 415, /形式[\s\S]*format/],
      ];
      const count0 = await issuedCount();
      for (const [name, fn, status, pattern] of cases) {
        const r = await fn();
        assert.equal(r.status, status, `${name}: ${r.body}`);
        assert.match(r.body, pattern, name);
        const [ja, en] = r.body.trim().split("\n");
        assert.match(ja!, /[ぁ-んァ-ン一-龥]/, `${name}: Japanese first`);
        assert.match(en!, /^[\x20-\x7e]+$/, `${name}: English second`);
      }
      assert.equal(await issuedCount(), count0, "nothing issued");
      // each refused CSR is in the audit chain with its reason
      const refused = (await h.rt.store.auditChain(BANK)).rows.filter((r: any) => r.action === "certificate.acquire" && r.result === "refused");
      const reasons = refused.map((r: any) => JSON.parse(r.detail).reason);
      assert.equal(reasons.filter((r: string) => r === "csr_malformed").length, 5, reasons.join(","));
      // the server is still up and still issues
      await enrollToPem(good, "user04");
      assert.equal(await issuedCount(), count0 + 1);
    });

    test("the same request twice gets the same certificate; a user with a certificate in use is refused", async () => {
      const csr = await opensslCsr("p256");
      const a = await curlEnroll("master01", "Pass1234", csr.b64);
      const b = await curlEnroll("master01", "Pass1234", csr.b64);
      assert.equal(a.status, 200);
      assert.equal(b.body, a.body, "repeat answers with the same certificate");
      const serial = new x509.X509Certificate(pemOf(a.body)).serialNumber;
      // once the certificate is in use (active), a new acquisition is refused: renewal applies
      await h.rt.store.write(BANK, (w) => w.setState(serial, ["pending"], "active", new Date()));
      const c = await curlEnroll("master01", "Pass1234", (await opensslCsr("p256")).b64);
      assert.equal(c.status, 409);
      assert.match(c.body, /有効な電子証明書がすでに発行されています/);
    });

  });
}

function readPem(file: string): string {
  return readFileSync(file, "utf8");
}

function pemOf(b64Body: string): string {
  const der = Buffer.from(b64Body, "base64");
  // certs-only SignedData: take the first certificate out with the x509 library's PKCS#7 reader
  const p7 = new x509.X509Certificates();
  p7.import(der);
  return p7[0]!.toString("pem");
}
