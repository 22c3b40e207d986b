import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASES, startHarness, run, testBank, type Harness } from "./support/harness.js";
import { opensslCsr, writeTemp } from "./support/csr.js";
import { toPem } from "../src/ca/certificate-builder.js";
import { loadConfig, readConfigFile, saveConfigFile } from "../src/config/load.js";
import type { BankConfig } from "../src/config/schema.js";

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const TOKEN_LABEL = "inkan-test";
const PIN = "1234";

// SoftHSM2 reads SOFTHSM2_CONF when the module is initialized, on the first key Inkan opens: a
// throw-away token directory must be in place before any harness starts. The CLI processes the
// tests spawn inherit it.
const hsmDir = mkdtempSync(join(tmpdir(), "inkan-softhsm-"));
mkdirSync(join(hsmDir, "tokens"));
process.env.SOFTHSM2_CONF = join(hsmDir, "softhsm2.conf");
writeFileSync(process.env.SOFTHSM2_CONF, `directories.tokendir = ${join(hsmDir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);

const onToken = (over: Partial<BankConfig>): Partial<BankConfig> => ({
  keyStore: { kind: "pkcs11", library: MODULE, slot: 0, tokenLabel: TOKEN_LABEL, pin: PIN },
  ...over,
});

/** pkcs11-tool's listing of the token's objects, one block per object */
async function tokenObjects(): Promise<string[]> {
  const r = await run("pkcs11-tool", ["--module", MODULE, "--token-label", TOKEN_LABEL, "--login", "--pin", PIN, "-O"]);
  return r.stdout.split(/\n(?=\S)/);
}

before(async () => {
  await run("softhsm2-util", ["--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", "5678"]);
});
after(() => rmSync(hsmDir, { recursive: true, force: true }));

test("INKAN_PKCS11_PIN gives every token-held bank its PIN and no file-held bank one", () => {
  const dir = mkdtempSync(join(tmpdir(), "inkan-pin-"));
  try {
    saveConfigFile(dir, { banks: [testBank("filebank"), testBank("hsmbank", onToken({ keyStore: { kind: "pkcs11", library: MODULE, slot: 3 } }))] } as any);
    const withPin = loadConfig(dir, { INKAN_PKCS11_PIN: "from-env-9" });
    assert.deepEqual(withPin.banks[1]!.keyStore, { kind: "pkcs11", library: MODULE, slot: 3, pin: "from-env-9" });
    assert.deepEqual(withPin.banks[0]!.keyStore, { kind: "file" });
    assert.equal((loadConfig(dir, {}).banks[1]!.keyStore as { pin?: string }).pin, undefined);
    assert.ok(!JSON.stringify(readConfigFile(dir)).includes("from-env-9"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const db of DATABASES) {
  describe(`CA keys on a SoftHSM2 token, checked with OpenSSL (${db})`, () => {
    let h: Harness;
    // beside the token-held banks, one with key files: the router must send each bank to its own store
    const banks = [testBank("tbank"), testBank("hsm-rsa", onToken({ caKey: "RSA-2048" })), testBank("hsm-ec", onToken({ caKey: "ECDSA-P256" }))];
    before(async () => {
      h = await startHarness({ db, banks });
    });
    after(async () => h?.close());

    /** chain.pem (issuing, root) and issuing.pem of a bank, as serve() writes them */
    function chainFiles(bankId: string, dir: string) {
      const ca = h.rt.ca.bank(bankId)!;
      return {
        chain: writeTemp(dir, "chain.pem", toPem(ca.issuing.der) + toPem(ca.root.der)),
        issuing: writeTemp(dir, "issuing.pem", toPem(ca.issuing.der)),
      };
    }

    async function enroll(bankId: string, loginId: string) {
      const contractId = await h.addContract(bankId, `C-${loginId}`);
      await h.addUser(bankId, contractId, `master${loginId.slice(-2)}`, "master");
      await h.addUser(bankId, contractId, loginId, "general");
      const csr = await opensslCsr("rsa2048");
      const issued = await h.rt.lifecycle.enrollWithPassword(bankId, { loginId: loginId, password: "Pass1234", csrBody: csr.b64 }, { address: "127.0.0.1" });
      return { dir: csr.dir, serial: issued.serial, cert: writeTemp(csr.dir, "cert.pem", toPem(issued.der)) };
    }

    test("a file-held bank keeps key files; token-held banks have none and every key is on the token, sensitive and never extractable", async () => {
      const fileKeys = readdirSync(join(h.dataDir, "ca", "tbank")).filter((f) => f.endsWith(".key.pem"));
      assert.equal(fileKeys.length, 2, "issuing and OCSP keys of the file-held bank, online");
      const rootKeys = readdirSync(join(h.dataDir, "root-ca", "tbank")).filter((f) => f.endsWith(".key.pem"));
      assert.equal(rootKeys.length, 1, "its root key, in the offline root's own store");
      const objects = await tokenObjects();
      for (const bank of ["hsm-rsa", "hsm-ec"]) {
        const dir = join(h.dataDir, "ca", bank);
        assert.deepEqual(existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => /key/.test(String(f))) : [], []);
        const cas = await h.rt.store.currentCas(bank);
        assert.deepEqual(cas.map((c) => c.kind).sort(), ["issuing", "ocsp", "root"]);
        for (const ca of cas) {
          assert.match(ca.keyRef, new RegExp(`^pkcs11:${bank}/${ca.kind}-`));
          const label = ca.keyRef.slice("pkcs11:".length);
          const priv = objects.filter((o) => o.startsWith("Private Key Object") && o.includes(`label:      ${label}\n`));
          assert.equal(priv.length, 1, `one private key labelled ${label} on the token`);
          const expectEc = bank === "hsm-ec" || ca.kind === "ocsp";
          assert.match(priv[0]!, expectEc ? /^Private Key Object; EC/ : /^Private Key Object; RSA/);
          assert.match(priv[0]!, /Usage: +sign\n/);
          assert.match(priv[0]!, /Access: +sensitive, always sensitive, never extractable, local/);
        }
      }
    });

    for (const bankId of ["hsm-rsa", "hsm-ec"]) {
      test(`${bankId}: a certificate signed through the token verifies with openssl, under an issuing CA whose key is the token's`, async () => {
        const { dir, cert } = await enroll(bankId, "user01");
        const { chain, issuing } = chainFiles(bankId, dir);
        const verify = await run("openssl", ["verify", "-CAfile", chain, cert], undefined, { allowFail: true });
        assert.equal(verify.stdout.trim(), `${cert}: OK`, verify.stderr);
        const text = (await run("openssl", ["x509", "-in", cert, "-noout", "-text"])).stdout;
        assert.match(text, bankId === "hsm-ec" ? /Signature Algorithm: ecdsa-with-SHA256/ : /Signature Algorithm: sha256WithRSAEncryption/);
        // the certificate does not verify under another bank's chain: the check above can fail
        const other = chainFiles("tbank", mkdtempSync(join(dir, "other-")));
        assert.notEqual((await run("openssl", ["verify", "-CAfile", other.chain, cert], undefined, { allowFail: true })).status, 0);
        // the issuing CA's public key is the one the token holds under the label in the database
        const issuingRef = (await h.rt.store.currentCas(bankId)).find((c) => c.kind === "issuing")!.keyRef;
        const pubFile = join(dir, "token-pub.der");
        await run("pkcs11-tool", ["--module", MODULE, "--token-label", TOKEN_LABEL, "--read-object", "--type", "pubkey", "--label", issuingRef.slice("pkcs11:".length), "-o", pubFile]);
        const fromToken = (await run("openssl", ["pkey", "-pubin", "-inform", "DER", "-in", pubFile])).stdout;
        const fromCert = (await run("openssl", ["x509", "-in", issuing, "-noout", "-pubkey"])).stdout;
        assert.equal(fromToken, fromCert);
      });

      test(`${bankId}: revoked from another process unlocked by INKAN_PKCS11_PIN; the CRL and OCSP answer signed through the token verify with openssl`, async () => {
        const { dir, serial, cert } = await enroll(bankId, "user02");
        const { chain, issuing } = chainFiles(bankId, dir);
        const ocsp = async () => {
          const req = join(dir, "req.der");
          await run("openssl", ["ocsp", "-issuer", issuing, "-cert", cert, "-no_nonce", "-reqout", req]);
          const resp = await h.rt.ca.ocsp(bankId, new Uint8Array(readFileSync(req)));
          assert.ok(resp);
          return run("openssl", ["ocsp", "-respin", writeTemp(dir, "resp.der", Buffer.from(resp)), "-issuer", issuing, "-cert", cert, "-CAfile", chain, "-no_nonce"], undefined, { allowFail: true });
        };
        const good = await ocsp();
        assert.match(good.stderr + good.stdout, /Response verify OK/);
        assert.match(good.stdout, new RegExp(`${cert}: good`));

        // the CLI reads the PIN from the environment only: none is left in the file
        const file = readConfigFile(h.dataDir);
        saveConfigFile(h.dataDir, { ...file, banks: file.banks!.map((b) => (b.keyStore.kind === "pkcs11" ? { ...b, keyStore: { ...b.keyStore, pin: undefined } } : b)) } as any);
        const cli = (pin: string) =>
          run(process.execPath, [join(process.cwd(), "bin", "inkan.mjs"), "cert", "revoke", serial, "--bank", bankId, "--reason", "keyCompromise", "--data", h.dataDir], undefined, {
            allowFail: true,
            env: { ...process.env, INKAN_LOG_LEVEL: "silent", DATABASE_URL: "", INKAN_PKCS11_PIN: pin },
          });
        const wrong = await cli("wrong-pin-7781");
        assert.notEqual(wrong.status, 0);
        assert.match(wrong.stderr, /CKR_PIN_INCORRECT/);
        assert.ok(!(wrong.stdout + wrong.stderr).includes("wrong-pin-7781"), "the PIN is never printed");
        const revoked = await cli(PIN);
        assert.equal(revoked.status, 0, revoked.stderr);

        await h.rt.ca.poll();
        await h.rt.ca.rebuildCrl(bankId);
        const ca = h.rt.ca.bank(bankId)!;
        const crl = writeTemp(dir, "crl.pem", toPem(h.rt.ca.crl(bankId, ca.issuing.id)!.der, "X509 CRL"));
        const crlCheck = await run("openssl", ["crl", "-in", crl, "-CAfile", chain, "-noout"], undefined, { allowFail: true });
        assert.equal(crlCheck.status, 0, crlCheck.stderr);
        assert.match(crlCheck.stderr + crlCheck.stdout, /verify OK/);
        assert.match((await run("openssl", ["crl", "-in", crl, "-noout", "-text"])).stdout, new RegExp(`Serial Number: ${serial.toUpperCase()}`));
        const withCrl = await run("openssl", ["verify", "-crl_check", "-CRLfile", crl, "-CAfile", chain, cert], undefined, { allowFail: true });
        assert.notEqual(withCrl.status, 0);
        assert.match(withCrl.stderr + withCrl.stdout, /certificate revoked/);

        const after = await ocsp();
        assert.match(after.stderr + after.stdout, /Response verify OK/);
        assert.match(after.stdout, new RegExp(`${cert}: revoked`));
        assert.match(after.stdout, /Reason: keyCompromise/);
      });
    }
  });
}
