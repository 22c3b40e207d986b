import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASES, startHarness, run, testBank, type Harness } from "./support/harness.js";
import { writeTemp } from "./support/csr.js";
import { toPem } from "../src/ca/certificate-builder.js";

const BANK = "tbank";

/**
 * An installation made before the offline root: the old code made the root's key like every other
 * key, in the online store — ca/<bank>/root-….key.pem, encrypted PKCS#8 under the CA passphrase, the
 * record naming it `file:…` — and there was no root-ca/ at all. Made here from a bank of today by
 * writing exactly that.
 */
async function makeOldLayout(h: Harness): Promise<{ rootId: number; name: string; keyPem: string }> {
  const root = (await h.rt.store.bankCas(BANK)).find((c) => c.kind === "root")!;
  const name = root.keyRef.slice("rootfile:".length);
  const rootPass = readFileSync(join(h.dataDir, "root-ca", "passphrase"), "utf8").trim();
  const key = createPrivateKey({ key: readFileSync(join(h.dataDir, "root-ca", name)), format: "pem", passphrase: rootPass });
  const keyPem = key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: h.rt.passphrase }) as string;
  writeFileSync(join(h.dataDir, "ca", name), keyPem, { mode: 0o600, flag: "wx" });
  await h.rt.store.write(BANK, async (w) => assert.ok(await w.moveCaKey(root.id, root.keyRef, `file:${name}`)));
  rmSync(join(h.dataDir, "root-ca"), { recursive: true });
  return { rootId: root.id, name, keyPem };
}

for (const db of DATABASES) {
  describe(`inkan ca move-root: a pre-upgrade root key out of ca/ (${db})`, () => {
    let h: Harness;
    let old: { rootId: number; name: string; keyPem: string };
    let dir: string;
    before(async () => {
      h = await startHarness({ db, banks: [testBank(BANK)] });
      old = await makeOldLayout(h);
      dir = mkdtempSync(join(h.dataDir, "move-"));
    });
    after(async () => h?.close());

    const rootRecord = async () => (await h.rt.store.bankCas(BANK)).find((c) => c.id === old.rootId)!;
    const moveAudits = async () => h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(Date.now() + 60_000), actions: ["ca.root_key_moved"], limit: 10 });

    test("before the move the root is an online key, and the root ceremonies refuse it, naming the command", async () => {
      // the danger: the serving process's own store opens it
      await h.rt.keys.open(`file:${old.name}`);
      for (const args of [["ca", "rollover", "--bank", BANK], ["ca", "crl", "--bank", BANK, "--root"]]) {
        const r = await h.cli(args);
        assert.equal(r.status, 4, r.stdout + r.stderr);
        assert.match(r.stderr, /ルートCAの鍵は、旧版の置き場所（ca\/）にあります。先に inkan ca move-root --bank tbank/);
        assert.match(r.stderr, /Bank tbank's root key is still where older versions kept it \(ca\/\): move it into the root's own store first \(inkan ca move-root --bank tbank\)/);
      }
      assert.equal((await h.rt.store.bankCas(BANK)).filter((c) => c.kind === "issuing").length, 1, "no rollover happened");
    });

    test("move-root re-encrypts it under the root's own passphrase in root-ca/, switches the record, removes the ca/ copy, audited; the serving store no longer opens it", async () => {
      const r = await h.cli(["ca", "move-root", "--bank", BANK]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /bank tbank: root key moved into the root's own store \(rootfile:tbank\/root-/);
      assert.equal((await rootRecord()).keyRef, `rootfile:${old.name}`);
      const moved = join(h.dataDir, "root-ca", old.name);
      const passFile = join(h.dataDir, "root-ca", "passphrase");
      assert.equal(statSync(moved).mode & 0o777, 0o600);
      assert.equal(statSync(passFile).mode & 0o777, 0o600, "the root's passphrase, made by the move");
      assert.ok(!existsSync(join(h.dataDir, "ca", old.name)), "the copy in ca/ is gone");
      // OpenSSL opens it with the root's passphrase only, and it is the root certificate's key
      const rootPem = writeTemp(dir, "root.pem", toPem((await rootRecord()).certDer));
      const pub = await run("openssl", ["pkey", "-in", moved, "-passin", `file:${passFile}`, "-pubout"]);
      assert.equal(pub.stdout, (await run("openssl", ["x509", "-in", rootPem, "-noout", "-pubkey"])).stdout);
      const withCaPass = await run("openssl", ["pkey", "-in", moved, "-passin", `pass:${h.rt.passphrase}`, "-noout"], undefined, { allowFail: true });
      assert.notEqual(withCaPass.status, 0, "not under the CA passphrase any more");
      assert.notEqual(readFileSync(moved, "utf8"), old.keyPem);
      await assert.rejects(() => h.rt.keys.open(`rootfile:${old.name}`), /not a key of this store/);
      const audit = await moveAudits();
      assert.equal(audit.length, 1);
      assert.deepEqual(JSON.parse((audit[0] as any).detail), { rootCaId: old.rootId, from: `file:${old.name}`, to: `rootfile:${old.name}` });
      const verify = await h.cli(["audit", "verify", "--bank", BANK]);
      assert.equal(verify.status, 0, verify.stderr);
    });

    test("run again it changes nothing; after a move interrupted past the switch it removes the copy left in ca/", async () => {
      const again = await h.cli(["ca", "move-root", "--bank", BANK]);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /the root key is in its own store already \(rootfile:tbank\/root-[^)]+\); nothing to move\n/);
      // as a crash between the transaction and the removal leaves it
      writeFileSync(join(h.dataDir, "ca", old.name), old.keyPem, { mode: 0o600 });
      const finish = await h.cli(["ca", "move-root", "--bank", BANK]);
      assert.equal(finish.status, 0, finish.stderr);
      assert.match(finish.stdout, /nothing to move — the copy an interrupted move left in ca\/ is removed/);
      assert.ok(!existsSync(join(h.dataDir, "ca", old.name)));
      assert.equal((await moveAudits()).length, 1, "one move, audited once");
    });

    test("the root ceremonies sign with the moved key: a root CRL and a rollover OpenSSL verifies under the root", async () => {
      const crl = await h.cli(["ca", "crl", "--bank", BANK, "--root"]);
      assert.equal(crl.status, 0, crl.stderr);
      const roll = await h.cli(["ca", "rollover", "--bank", BANK]);
      assert.equal(roll.status, 0, roll.stderr);
      const rootPem = writeTemp(dir, "root.pem", toPem((await rootRecord()).certDer));
      const rootCrl = writeTemp(dir, "root.crl", toPem((await h.rt.store.getCrl(old.rootId))!.der, "X509 CRL"));
      const c = await run("openssl", ["crl", "-in", rootCrl, "-CAfile", rootPem, "-noout"], undefined, { allowFail: true });
      assert.equal(c.status, 0, c.stderr);
      assert.match(c.stdout + c.stderr, /verify OK/);
      const g2 = writeTemp(dir, "g2.pem", toPem((await h.rt.store.bankCas(BANK)).find((x) => x.kind === "issuing" && x.generation === 2)!.certDer));
      const v = await run("openssl", ["verify", "-crl_check", "-CAfile", rootPem, "-CRLfile", rootCrl, g2], undefined, { allowFail: true });
      assert.equal(v.stdout.trim(), `${g2}: OK`, v.stderr);
    });
  });
}
