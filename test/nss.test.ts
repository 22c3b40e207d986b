import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASES, startHarness, run, until, type Harness } from "./support/harness.js";
import { opensslCsr, writeTemp } from "./support/csr.js";
import { SEC_ERROR } from "./support/nss.js";
import * as x509 from "../src/ca/x509.js";

/**
 * The certificates, CRLs and OCSP answers a real Inkan hands out, checked by NSS (certutil,
 * crlutil, vfychain, ocspclnt from libnss3-tools) in a fresh NSS database, not by our own parser.
 *
 * Trust flags: NSS trusts a root to issue SSL *client* certificates with "T", and to stand behind
 * an OCSP responder (certUsageStatusResponder) with "C"; a relying party that checks client
 * certificates with OCSP therefore trusts the root "CT,,". With "C,," alone NSS refuses the user
 * certificate ("issuer has been marked as not trusted"); with "T,," alone it refuses the delegated
 * OCSP responder ("Invalid OCSP signing certificate in OCSP response").
 */

const BANK = "tbank";
const ROOT_TRUST = "CT,,";

const { REVOKED_CERTIFICATE: SEC_ERROR_REVOKED_CERTIFICATE, UNKNOWN_ISSUER: SEC_ERROR_UNKNOWN_ISSUER, INADEQUATE_KEY_USAGE: SEC_ERROR_INADEQUATE_KEY_USAGE, INADEQUATE_CERT_TYPE: SEC_ERROR_INADEQUATE_CERT_TYPE } = SEC_ERROR;

interface Tool {
  status: number;
  /** stdout and stderr together: the NSS tools split their verdicts between the two */
  out: string;
}

async function nss(cmd: string, args: string[]): Promise<Tool> {
  const r = await run(cmd, args, undefined, { allowFail: true });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** An empty NSS database holding the bank root as a trust anchor and, unless told not to, the issuing CA. */
async function nssDb(parent: string, name: string, ca: { root: string; issuing: string }, withIssuing = true): Promise<string> {
  const dir = join(parent, name);
  mkdirSync(dir);
  const db = `sql:${dir}`;
  await run("certutil", ["-N", "--empty-password", "-d", db]);
  await run("certutil", ["-A", "-n", "bank-root", "-t", ROOT_TRUST, "-i", ca.root, "-d", db]);
  if (withIssuing) await run("certutil", ["-A", "-n", "bank-issuing", "-t", ",,", "-i", ca.issuing, "-d", db]);
  return db;
}

/** vfychain through CERT_PKIXVerifyCert (-pp) for SSL client usage (-u 0), with any revocation options */
function vfyClient(db: string, certFile: string, extra: string[] = []): Promise<Tool> {
  return nss("vfychain", ["-d", db, "-pp", "-u", "0", "-v", ...extra, certFile]);
}

function assertGood(t: Tool, what: string) {
  assert.equal(t.status, 0, `${what}: ${t.out}`);
  assert.match(t.out, /Chain is good!/, what);
}

function assertBad(t: Tool, code: number, what: string) {
  assert.notEqual(t.status, 0, `${what}: ${t.out}`);
  assert.match(t.out, /Chain is bad!/, what);
  assert.match(t.out, new RegExp(`ERROR ${code}:`), `${what}: ${t.out}`);
}

/** "09:8f:82:..." as NSS prints a serial */
const colonHex = (serial: string) => serial.match(/../g)!.join(":");

for (const db of DATABASES) {
  describe(`certificates, CRLs and OCSP answers checked by NSS (${db})`, () => {
    let h: Harness;
    let work: string;
    let ca: { root: string; issuing: string; ocsp: string };
    const temps: string[] = [];
    before(async () => {
      h = await startHarness({ db, serve: true });
      const contractId = await h.addContract(BANK);
      await h.addUser(BANK, contractId, "master01", "master");
      for (const u of ["user01", "user02", "user03"]) await h.addUser(BANK, contractId, u, "general");
      work = mkdtempSync(join(tmpdir(), "inkan-nss-"));
      const b = h.rt.ca.bank(BANK)!;
      ca = {
        root: writeTemp(work, "root.der", Buffer.from(b.root.der)),
        issuing: writeTemp(work, "issuing.der", Buffer.from(b.issuing.der)),
        ocsp: writeTemp(work, "ocsp.der", Buffer.from(b.ocsp.der)),
      };
    });
    after(async () => {
      await h?.close();
      for (const d of [work, ...temps]) if (d) rmSync(d, { recursive: true, force: true });
    });

    /** Enrolls through real EST with curl; the certificate comes out of the PKCS#7 answer by OpenSSL, as DER. */
    async function enroll(loginId: string, kind: "rsa2048" | "p256") {
      const csr = await opensslCsr(kind);
      temps.push(csr.dir);
      const r = await run("curl", [
        "-s", "-w", "\n%{http_code}", "--cacert", h.serverCaFile, "-u", `${loginId}:Pass1234`, "-H", "Content-Type: application/pkcs10",
        "--data-binary", "@-", `${h.https}/.well-known/est/${BANK}/simpleenroll`,
      ], csr.b64);
      const lines = r.stdout.trimEnd().split("\n");
      const status = lines.pop();
      const body = lines.join("\n");
      assert.equal(status, "200", `EST simpleenroll for ${loginId}: ${body}`);
      const pem = (await run("openssl", ["pkcs7", "-inform", "DER", "-print_certs"], Buffer.from(body, "base64"))).stdout;
      const der = (await run("openssl", ["x509", "-outform", "DER"], pem)).raw;
      const cert = new x509.X509Certificate(new Uint8Array(der));
      const cdp = cert.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
      const file = writeTemp(work, `${loginId}.der`, der);
      return { file, serial: cert.serialNumber, cdp, dir: csr.dir };
    }

    async function revoke(serial: string) {
      const r = await h.cli(["cert", "revoke", serial, "--bank", BANK, "--reason", "keyCompromise"]);
      assert.equal(r.status, 0, r.stderr);
    }

    test("NSS validates the EST-issued certificate for SSL client use along the whole chain, fetching the issuing CA from AIA caIssuers", async () => {
      const user = await enroll("user01", "rsa2048");
      const nssdb = await nssDb(work, "chain", ca);
      await run("certutil", ["-A", "-n", "user01", "-t", ",,", "-i", user.file, "-d", nssdb]);

      // the classic verifier: valid for SSL client, and not for SSL server (EKU is clientAuth only)
      const client = await nss("certutil", ["-V", "-u", "C", "-n", "user01", "-d", nssdb]);
      assert.equal(client.status, 0, client.out);
      assert.match(client.out, /certificate is valid/);
      const server = await nss("certutil", ["-V", "-u", "V", "-n", "user01", "-d", nssdb]);
      assert.notEqual(server.status, 0);
      assert.match(server.out, /certificate is invalid: Certificate key usage inadequate/);

      // libpkix builds user -> issuing CA -> root and says so
      const chain = await vfyClient(nssdb, user.file);
      assertGood(chain, "vfychain -pp -u 0");
      const flat = chain.out.replace(/\s+/g, " "); // NSS wraps long names
      assert.match(flat, /Certificate 1 Subject: "CN=user01 A\d+ \d{20},OU=Test Bank TEST CA - G1,O="Test Bank, Ltd\.""/);
      assert.match(flat, /Certificate 2 Subject: "CN=Test Bank TEST CA - G1,O="Test Bank, Ltd\.""/);
      assert.match(flat, /Root Certificate Subject:: "CN=Test Bank TEST CA Root,O="Test Bank, Ltd\. ?""/);
      assertGood(await nss("vfychain", ["-d", nssdb, "-u", "0", user.file]), "vfychain (CERT_VerifyCertificate) -u 0");
      assertBad(await nss("vfychain", ["-d", nssdb, "-pp", "-u", "1", user.file]), SEC_ERROR_INADEQUATE_KEY_USAGE, "SSL server usage");

      // knowing only the root, NSS cannot build the chain, until it may fetch the issuing CA from
      // the certificate's AIA caIssuers URL (-f): that URL serves the right certificate, as DER
      const rootOnly = await nssDb(work, "root-only", ca, false);
      assertBad(await vfyClient(rootOnly, user.file), SEC_ERROR_UNKNOWN_ISSUER, "without the issuing CA");
      assertGood(await vfyClient(rootOnly, user.file, ["-f"]), "issuing CA fetched from caIssuers");
    });

    test("NSS imports the CRL from the certificate's CDP URL, checks its signature, and after `inkan cert revoke` sees the certificate revoked", async () => {
      const user = await enroll("user02", "p256");
      const nssdb = await nssDb(work, "crl", ca);
      await run("certutil", ["-A", "-n", "user02", "-t", ",,", "-i", user.file, "-d", nssdb]);
      const fetchCrl = async (name: string) => writeTemp(user.dir, name, (await run("curl", ["-s", "-f", user.cdp])).raw);
      const importCrl = (file: string) => nss("crlutil", ["-I", "-t", "1", "-i", file, "-d", nssdb]);

      // crlutil checks the CRL's signature against the issuing CA: a flipped bit is refused
      const crl1 = await fetchCrl("before.crl");
      const tampered = readFileSync(crl1);
      tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 0xff;
      const bad = await importCrl(writeTemp(user.dir, "tampered.crl", tampered));
      assert.notEqual(bad.status, 0);
      assert.match(bad.out, /SEC_ERROR_CRL_BAD_SIGNATURE/);
      const imported = await importCrl(crl1);
      assert.equal(imported.status, 0, imported.out);
      const listed = await nss("crlutil", ["-L", "-n", "bank-issuing", "-d", nssdb]);
      assert.match(listed.out, /Issuer: "CN=Test Bank TEST CA - G1,O="Test Bank, Ltd\.""/);
      assert.match(listed.out, /CRL Number/);
      assert.doesNotMatch(listed.out, new RegExp(colonHex(user.serial)));

      // before revocation: the classic verifier, which consults the imported CRL, says valid
      const valid = await nss("certutil", ["-V", "-u", "C", "-n", "user02", "-d", nssdb]);
      assert.equal(valid.status, 0, valid.out);
      assert.match(valid.out, /certificate is valid/);
      // and libpkix, fetching the CRL from the CDP URL itself, agrees; failIfNoInfo makes "good"
      // mean NSS got a CRL it accepted (libpkix counts "not listed" as fresh information only for
      // a CRL it fetched from the certificate's distribution point, not for one in the database)
      const fetching = await nssDb(work, "crl-fetching", ca);
      assertGood(await vfyClient(fetching, user.file, ["-g", "leaf", "-m", "crl", "-s", "failIfNoInfo"]), "fetched CRL, before");
      // the whole chain: the issuing CA's own status from the root's CRL at the issuing CA's CDP
      // (what Windows client authentication and a Java server with revocation on insist on)
      const wholeChain = await nssDb(work, "crl-chain", ca);
      assertGood(await vfyClient(wholeChain, user.file, ["-g", "chain", "-m", "crl", "-s", "failIfNoInfo"]), "fetched CRLs of the whole chain, before");

      // (NSS refuses a CRL whose thisUpdate is not later than the one it holds; rebuildCrl makes
      // each thisUpdate strictly later, so revoking within the same second must still be seen)
      await revoke(user.serial);

      const seen = await until("NSS to see the certificate revoked in the CRL at its CDP URL", 1000, async () => {
        const imp = await importCrl(await fetchCrl("after.crl"));
        assert.equal(imp.status, 0, imp.out);
        const v = await nss("certutil", ["-V", "-u", "C", "-n", "user02", "-d", nssdb]);
        return v.status !== 0 && v;
      });
      assert.match(seen.value.out, /certificate is invalid: Peer's Certificate has been revoked/);
      const after = await nss("crlutil", ["-L", "-n", "bank-issuing", "-d", nssdb]);
      assert.match(after.out, new RegExp(`Serial Number:\\s+${colonHex(user.serial)}\\s+Revocation Date: .*\\s+Entry Extensions:\\s+Name: CRL reason code\\s+Data: 1 \\(0x1\\)`));
      assertBad(await vfyClient(nssdb, user.file, ["-g", "leaf", "-m", "crl", "-s", "forbidFetching"]), SEC_ERROR_REVOKED_CERTIFICATE, "imported CRL, after");
      assertBad(await nss("vfychain", ["-d", nssdb, "-u", "0", user.file]), SEC_ERROR_REVOKED_CERTIFICATE, "classic verifier, after");
      // no failIfNoInfo here: "revoked" can only come from a CRL that lists the serial
      assertBad(await vfyClient(fetching, user.file, ["-g", "leaf", "-m", "crl"]), SEC_ERROR_REVOKED_CERTIFICATE, "fetched CRL, after");
    });

    test("NSS fetches OCSP from the AIA URL, accepts the delegated responder, and reports good then revoked", async () => {
      const user = await enroll("user03", "rsa2048");
      // no CRL in this database, and only the OCSP method enabled: the answer is OCSP's alone
      const nssdb = await nssDb(work, "ocsp", ca);

      // the delegated responder certificate is good for NSS's status-responder usage (10)
      assertGood(await nss("vfychain", ["-d", nssdb, "-u", "10", ca.ocsp]), "responder certificate as OCSP responder");
      assertBad(await nss("vfychain", ["-d", nssdb, "-pp", "-u", "0", ca.ocsp]), SEC_ERROR_INADEQUATE_CERT_TYPE, "responder certificate as SSL client");

      // ocspclnt asks the AIA URL and verifies the signed answer (the responder certificate is not
      // in the database: NSS takes it from the response and checks it chains to the issuing CA)
      const status = await nss("ocspclnt", ["-S", user.file, "-d", nssdb]);
      assert.match(status.out, /Check of certificate ".*user03\.der" succeeded\./, status.out);
      const full = await nss("ocspclnt", ["-V", user.file, "-u", "c", "-d", nssdb]);
      assert.match(full.out, /Verification of certificate ".*user03\.der" succeeded\./, full.out);
      // failIfNoInfo: good only if NSS got and accepted a fresh OCSP answer
      assertGood(await vfyClient(nssdb, user.file, ["-g", "leaf", "-m", "ocsp", "-s", "failIfNoInfo"]), "OCSP, before");

      await revoke(user.serial);
      await until("NSS's OCSP check to say revoked", 1000, async () => {
        const r = await nss("ocspclnt", ["-S", user.file, "-d", nssdb]);
        return /failed\.\s+Reason:\s+Peer's Certificate has been revoked/.test(r.out) && r;
      });
      const fullAfter = await nss("ocspclnt", ["-V", user.file, "-u", "c", "-d", nssdb]);
      assert.match(fullAfter.out, /Verification of certificate ".*user03\.der" failed\.\s+Reason:\s+Peer's Certificate has been revoked/);
      // no failIfNoInfo here: "revoked" can only come from an OCSP answer that says so
      assertBad(await vfyClient(nssdb, user.file, ["-g", "leaf", "-m", "ocsp"]), SEC_ERROR_REVOKED_CERTIFICATE, "OCSP, after");
    });
  });
}
