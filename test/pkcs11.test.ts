import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { DATABASES, startHarness, run, testBank, type Harness } from "./support/harness.js";
import { opensslCsr, writeTemp } from "./support/csr.js";
import { toPem } from "../src/ca/certificate-builder.js";
import { loadConfig, readConfigFile, saveConfigFile } from "../src/config/load.js";
import type { BankConfig } from "../src/config/schema.js";
import { normalizeSerial } from "../src/ca/staff-ca.js";
import { openRootKeys, openRuntime } from "../src/cli/runtime.js";
import { serve } from "../src/cli/serve.js";
import { addStaffMember } from "./support/staff.js";

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const TOKEN_LABEL = "inkan-test";
const PIN = "1234";
// the root's token of its own (token R): only the ceremonies log in to it, with their own PIN
const ROOT_TOKEN_LABEL = "inkan-root";
const ROOT_PIN = "8642-root";

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

const onRootToken = { kind: "pkcs11" as const, library: MODULE, slot: 0, tokenLabel: ROOT_TOKEN_LABEL };

/** pkcs11-tool's listing of a token's objects, one block per object */
async function tokenObjects(label = TOKEN_LABEL, pin = PIN): Promise<string[]> {
  const r = await run("pkcs11-tool", ["--module", MODULE, "--token-label", label, "--login", "--pin", pin, "-O"]);
  return r.stdout.split(/\n(?=\S)/);
}

/** The private key objects labelled so on a token's listing. */
const privateKeys = (objects: string[], label: string) => objects.filter((o) => o.startsWith("Private Key Object") && o.includes(`label:      ${label}\n`));

/** The public key a token holds under a label, as PEM (OpenSSL reads it off the token's DER). */
async function tokenPublicKey(dir: string, tokenLabel: string, label: string): Promise<string> {
  const file = join(dir, `pub-${label.replace(/\W/g, "_")}.der`);
  await run("pkcs11-tool", ["--module", MODULE, "--token-label", tokenLabel, "--read-object", "--type", "pubkey", "--label", label, "-o", file]);
  return (await run("openssl", ["pkey", "-pubin", "-inform", "DER", "-in", file])).stdout;
}

before(async () => {
  await run("softhsm2-util", ["--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", "5678"]);
  await run("softhsm2-util", ["--init-token", "--free", "--label", ROOT_TOKEN_LABEL, "--pin", ROOT_PIN, "--so-pin", "5679"]);
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

test("a root token's PIN comes from INKAN_ROOT_PKCS11_PIN only, never from the file, and the root's token must be one of its own", () => {
  const dir = mkdtempSync(join(tmpdir(), "inkan-rootpin-"));
  try {
    saveConfigFile(dir, { banks: [testBank("hsmbank", onToken({ rootKeyStore: onRootToken }))] } as any);
    const ceremony = loadConfig(dir, { INKAN_PKCS11_PIN: "online-1", INKAN_ROOT_PKCS11_PIN: "root-2" }).banks[0]!;
    assert.deepEqual(ceremony.rootKeyStore, { ...onRootToken, pin: "root-2" });
    assert.equal((ceremony.keyStore as { pin?: string }).pin, "online-1");
    assert.equal((loadConfig(dir, { INKAN_PKCS11_PIN: "online-1" }).banks[0]!.rootKeyStore as { pin?: string }).pin, undefined);
    saveConfigFile(dir, { banks: [testBank("hsmbank", onToken({ rootKeyStore: { ...onRootToken, pin: ROOT_PIN } }))] } as any);
    assert.throws(() => loadConfig(dir, {}), /banks hsmbank: rootKeyStore\.pin is not kept in the file .* INKAN_ROOT_PKCS11_PIN/);
    // the token the serving processes log in to cannot hold the root
    saveConfigFile(dir, { banks: [testBank("hsmbank", onToken({ rootKeyStore: { kind: "pkcs11", library: MODULE, slot: 0, tokenLabel: TOKEN_LABEL } }))] } as any);
    assert.throws(() => loadConfig(dir, {}), /banks\.0\.rootKeyStore: the root's token must be one of its own/);
    saveConfigFile(dir, { staffKeyStore: { kind: "pkcs11", library: MODULE, slot: 4 }, banks: [testBank("filebank", { rootKeyStore: { kind: "pkcs11", library: MODULE, slot: 4 } })] } as any);
    assert.throws(() => loadConfig(dir, {}), /banks\.0\.rootKeyStore: the root's token must be one of its own/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const db of DATABASES) {
  describe(`CA keys on a SoftHSM2 token, checked with OpenSSL (${db})`, () => {
    let h: Harness;
    // beside the token-held banks, one with key files: the router must send each bank to its own
    // store. hsm-rsa keeps its root on a token of its own (token R); hsm-ec's root is in root-ca/.
    // The staff CA's key is on the online token too.
    const banks = [testBank("tbank"), testBank("hsm-rsa", onToken({ caKey: "RSA-2048", rootKeyStore: onRootToken })), testBank("hsm-ec", onToken({ caKey: "ECDSA-P256" }))];
    const ceremonyEnv = { INKAN_PKCS11_PIN: PIN, INKAN_ROOT_PKCS11_PIN: ROOT_PIN };
    before(async () => {
      // the bank's first ceremony runs in this process: it is handed the root token's PIN, as `inkan ca init` is
      h = await startHarness({ db, banks, env: { INKAN_ROOT_PKCS11_PIN: ROOT_PIN }, config: { staffKeyStore: { kind: "pkcs11", library: MODULE, slot: 0, tokenLabel: TOKEN_LABEL, pin: PIN } } });
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

    test("a file-held bank keeps key files; token-held banks have none, their online keys are on the token and hsm-rsa's root on its own, sensitive and never extractable", async () => {
      const fileKeys = readdirSync(join(h.dataDir, "ca", "tbank")).filter((f) => f.endsWith(".key.pem"));
      assert.equal(fileKeys.length, 2, "issuing and OCSP keys of the file-held bank, online");
      const rootKeys = readdirSync(join(h.dataDir, "root-ca", "tbank")).filter((f) => f.endsWith(".key.pem"));
      assert.equal(rootKeys.length, 1, "its root key, in the offline root's own store");
      const online = await tokenObjects();
      const rootToken = await tokenObjects(ROOT_TOKEN_LABEL, ROOT_PIN);
      for (const bank of ["hsm-rsa", "hsm-ec"]) {
        const dir = join(h.dataDir, "ca", bank);
        assert.deepEqual(existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => /key/.test(String(f))) : [], []);
        const cas = await h.rt.store.currentCas(bank);
        assert.deepEqual(cas.map((c) => c.kind).sort(), ["issuing", "ocsp", "root"]);
        for (const ca of cas) {
          if (bank === "hsm-ec" && ca.kind === "root") {
            // a token-held bank without a rootKeyStore keeps its root offline in root-ca/, not on the online token
            assert.match(ca.keyRef, /^rootfile:hsm-ec\/root-/);
            assert.ok(existsSync(join(h.dataDir, "root-ca", ca.keyRef.slice("rootfile:".length))));
            continue;
          }
          const onR = ca.kind === "root";
          assert.match(ca.keyRef, new RegExp(`^${onR ? "rootpkcs11" : "pkcs11"}:${bank}/${ca.kind}-`));
          const label = ca.keyRef.replace(/^[a-z0-9]+:/, "");
          const priv = privateKeys(onR ? rootToken : online, label);
          assert.equal(priv.length, 1, `one private key labelled ${label} on ${onR ? "the root's token" : "the online token"}`);
          assert.equal(privateKeys(onR ? online : rootToken, label).length, 0, `and none on the other token`);
          const expectEc = bank === "hsm-ec" || ca.kind === "ocsp";
          assert.match(priv[0]!, expectEc ? /^Private Key Object; EC/ : /^Private Key Object; RSA/);
          assert.match(priv[0]!, /Usage: +sign\n/);
          assert.match(priv[0]!, /Access: +sensitive, always sensitive, never extractable, local/);
        }
      }
    });

    test("the staff CA's key on the token: sensitive, never extractable; a staff certificate signed through it verifies with openssl and the console's check", async () => {
      const rec = (await h.rt.store.staff.currentCa())!;
      assert.match(rec.keyRef, /^pkcs11:_staff\/staff-ca-/);
      assert.ok(!existsSync(join(h.dataDir, "ca", "_staff")), "no staff CA key file");
      const label = rec.keyRef.slice("pkcs11:".length);
      const priv = privateKeys(await tokenObjects(), label);
      assert.equal(priv.length, 1);
      assert.match(priv[0]!, /^Private Key Object; EC/);
      assert.match(priv[0]!, /Access: +sensitive, always sensitive, never extractable, local/);
      const dir = mkdtempSync(join(h.dataDir, "staff-"));
      const caFile = writeTemp(dir, "staff-ca.pem", h.rt.staffCa.pem);
      assert.equal(await tokenPublicKey(dir, TOKEN_LABEL, label), (await run("openssl", ["x509", "-in", caFile, "-noout", "-pubkey"])).stdout);
      // made by the real command in another process, which opens the staff CA's key on the token
      const staff = await addStaffMember(h, { bank: "tbank", id: "clerk01", role: "operator", passphrase: "staff-pass-1" });
      const cert = writeTemp(dir, "clerk.pem", staff.identity.certPem);
      const verify = await run("openssl", ["verify", "-CAfile", caFile, "-purpose", "sslclient", cert], undefined, { allowFail: true });
      assert.equal(verify.stdout.trim(), `${cert}: OK`, verify.stderr);
      assert.match((await run("openssl", ["x509", "-in", cert, "-noout", "-text"])).stdout, /Signature Algorithm: ecdsa-with-SHA256/);
      const der = (file: string) => new Uint8Array(new X509Certificate(readFileSync(file)).raw);
      assert.equal(h.rt.staffCa.identify(der(cert))?.serial, normalizeSerial(staff.identity.serial));
      // and the check can fail: a certificate of another CA is not a staff certificate
      assert.equal(h.rt.staffCa.identify(der((await enroll("tbank", "user09")).cert)), undefined);
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
        const fromCert = (await run("openssl", ["x509", "-in", issuing, "-noout", "-pubkey"])).stdout;
        assert.equal(await tokenPublicKey(dir, TOKEN_LABEL, issuingRef.slice("pkcs11:".length)), fromCert);
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

    test("hsm-rsa's root on its own token: the root CRL and a rollover are signed through token R by the ceremony commands, checked with openssl; without the root token's PIN they are refused", async () => {
      const dir = mkdtempSync(join(h.dataDir, "rootr-"));
      const root = (await h.rt.store.bankCas("hsm-rsa")).find((c) => c.kind === "root")!;
      const rootPem = writeTemp(dir, "root.pem", toPem(root.certDer));
      assert.equal(await tokenPublicKey(dir, ROOT_TOKEN_LABEL, root.keyRef.slice("rootpkcs11:".length)), (await run("openssl", ["x509", "-in", rootPem, "-noout", "-pubkey"])).stdout, "the root certificate's key is token R's");

      // the online token's PIN alone opens nothing of the root's
      for (const args of [["ca", "crl", "--bank", "hsm-rsa", "--root"], ["ca", "rollover", "--bank", "hsm-rsa"]]) {
        const refused = await h.cli(args, { INKAN_PKCS11_PIN: PIN });
        assert.notEqual(refused.status, 0, args.join(" "));
        assert.match(refused.stderr, /no PIN for the PKCS#11 token \(inkan-root\): set INKAN_ROOT_PKCS11_PIN/);
      }
      const wrong = await h.cli(["ca", "crl", "--bank", "hsm-rsa", "--root"], { INKAN_PKCS11_PIN: PIN, INKAN_ROOT_PKCS11_PIN: "not-the-pin" });
      assert.notEqual(wrong.status, 0);
      assert.match(wrong.stderr, /CKR_PIN_INCORRECT/);
      assert.ok(!(wrong.stdout + wrong.stderr).includes("not-the-pin"), "the PIN is never printed");

      const crl = await h.cli(["ca", "crl", "--bank", "hsm-rsa", "--root"], ceremonyEnv);
      assert.equal(crl.status, 0, crl.stderr);
      const number = Number(/root CRL number (\d+) signed/.exec(crl.stdout)?.[1]);
      const stored = (await h.rt.store.getCrl(root.id))!;
      assert.equal(stored.number, number);
      const rootCrl = writeTemp(dir, "root.crl", toPem(stored.der, "X509 CRL"));
      const crlCheck = await run("openssl", ["crl", "-in", rootCrl, "-CAfile", rootPem, "-noout", "-crlnumber"], undefined, { allowFail: true });
      assert.equal(crlCheck.status, 0, crlCheck.stderr);
      assert.match(crlCheck.stderr + crlCheck.stdout, /verify OK/);
      assert.match(crlCheck.stdout, new RegExp(`crlNumber=0x0*${number.toString(16).toUpperCase()}\\b`));

      const roll = await h.cli(["ca", "rollover", "--bank", "hsm-rsa"], ceremonyEnv);
      assert.equal(roll.status, 0, roll.stderr);
      assert.match(roll.stdout, /generation G2 .*TEST CA - G2/);
      const g2 = (await h.rt.store.bankCas("hsm-rsa")).find((c) => c.kind === "issuing" && c.generation === 2)!;
      // the new issuing key is on the online token, signed by the root through token R
      assert.match(g2.keyRef, /^pkcs11:hsm-rsa\/issuing-g2-/);
      assert.equal(privateKeys(await tokenObjects(), g2.keyRef.slice("pkcs11:".length)).length, 1);
      const g2Pem = writeTemp(dir, "g2.pem", toPem(g2.certDer));
      const v = await run("openssl", ["verify", "-crl_check", "-CAfile", rootPem, "-CRLfile", rootCrl, g2Pem], undefined, { allowFail: true });
      assert.equal(v.stdout.trim(), `${g2Pem}: OK`, v.stderr);
      // the check can fail: not under another bank's root
      const otherRoot = writeTemp(dir, "other-root.pem", toPem(h.rt.ca.bank("tbank")!.root.der));
      assert.notEqual((await run("openssl", ["verify", "-CAfile", otherRoot, g2Pem], undefined, { allowFail: true })).status, 0);
      const audit = await h.rt.store.auditEvents({ bankId: "hsm-rsa", from: new Date(0), to: new Date(Date.now() + 60_000), actions: ["ca.rollover", "ca.root_crl_signed"], limit: 10 });
      assert.deepEqual(audit.map((e: any) => e.action).sort(), ["ca.rollover", "ca.root_crl_signed", "ca.root_crl_signed"], "the first ceremony's root CRL, this one, the rollover");
    });

    test("a process opened as `inkan serve` opens cannot sign with hsm-rsa's root: no PIN for token R in its configuration, no store for the root's reference, and it refuses to serve when handed the PIN", async () => {
      const cas = await h.rt.store.bankCas("hsm-rsa");
      const rootRef = cas.find((c) => c.kind === "root")!.keyRef;
      assert.match(rootRef, /^rootpkcs11:/);
      const served = await openRuntime(loadConfig(h.dataDir, { INKAN_PKCS11_PIN: PIN }), { createCas: false });
      try {
        const bank = served.config.banks.find((b) => b.id === "hsm-rsa")!;
        assert.equal(bank.rootKeyStore?.kind, "pkcs11");
        assert.equal((bank.rootKeyStore as { pin?: string }).pin, undefined, "no PIN for token R in the serving configuration");
        await assert.rejects(() => served.keys.open(rootRef), /not a key of this store/);
        // nor does the token it logs in to hold the root's key, under any reference
        await assert.rejects(() => served.keys.open(rootRef.replace(/^rootpkcs11:/, "pkcs11:")), /no private key labelled/);
        // and the ceremonies' store, built from what a serving process has, cannot log in to token R
        await assert.rejects(async () => (await openRootKeys(served.config, false)).open(rootRef), /no PIN for the PKCS#11 token \(inkan-root\)/);
        // what it serves with opens: both generations' issuing and OCSP keys
        assert.deepEqual(served.ca.liveGenerations("hsm-rsa").map((g) => g.generation.number), [2, 1]);
        for (const c of cas.filter((x) => x.kind !== "root")) await served.keys.open(c.keyRef);
      } finally {
        await served.close();
      }
      const handed = await openRuntime(loadConfig(h.dataDir, ceremonyEnv), { createCas: false });
      try {
        await assert.rejects(() => serve(handed), /INKAN_ROOT_PKCS11_PIN is set \(banks hsm-rsa\): a serving process never holds the root token's PIN/);
      } finally {
        await handed.close();
      }
    });
  });
}
