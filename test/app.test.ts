import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrivateKey } from "node:crypto";
import { DATABASES, startHarness, testBank, run, freePort, type Harness, type RunResult } from "./support/harness.js";
import { apiLogin, type Identity } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { nextOtp } from "./support/otp.js";
import * as x509 from "../src/ca/x509.js";

/**
 * inkan-app, the issuing app, as a user runs it: a separate process (node bin/inkan-app.mjs) that
 * speaks EST and OCSP to a real Inkan server, with passwords on standard input. The server runs in
 * this process on a fake clock, so one-time passwords and expiry need no waiting.
 */

const BIN = join(process.cwd(), "bin", "inkan-app.mjs");
const BANK = "abank";
/** default policy (30-day window) without one-time passwords */
const PLAIN = "pbank";
const PASSPHRASE = "store-pass-1";
const SERIAL = /証明書シリアル番号\s*= ([0-9a-f]{32})/;

for (const db of DATABASES) {
  describe(`inkan-app against a real server (${db})`, () => {
    let h: Harness;
    let work: string;
    // the server's clock starts at the real time, so the app's own clock agrees with it
    const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);

    before(async () => {
      h = await startHarness({
        db,
        clock,
        serve: true,
        // renewal always open (window longer than validity); one-time passwords on, as the seeds' banks have them
        banks: [testBank(BANK, { policy: { renewalWindow: "P400D", otp: { acquisition: true, renewal: true } } }), testBank(PLAIN)],
      });
      const c = await h.addContract(BANK);
      await h.addUser(BANK, c, "master01", "master");
      // each holds a token from the bank's token letter, so the app's issuance asks for the code
      for (const u of ["user01", "user02", "user03", "user04", "user05"]) {
        await h.addUser(BANK, c, u, "general");
        await h.registerToken(BANK, u);
      }
      // registered as the bank does it, with no token: the first acquisition is by login ID and password
      await h.addUser(BANK, c, "fresh01", "general");
      const p = await h.addContract(PLAIN);
      await h.addUser(PLAIN, p, "master01", "master");
      work = mkdtempSync(join(tmpdir(), "inkan-app-test-"));
    });
    after(async () => {
      await h?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    const otp = (loginId: string) => nextOtp(h, clock, BANK, loginId);

    function app(store: string, args: string[], stdin: string[] = [], env: Record<string, string | undefined> = {}): Promise<RunResult> {
      const e: NodeJS.ProcessEnv = { ...process.env, LANG: "ja_JP.UTF-8", LC_ALL: "", LC_MESSAGES: "", INKAN_APP_PASSPHRASE: undefined, INKAN_APP_CA_FILE: undefined, INKAN_APP_TEST_CRASH: undefined, ...env };
      for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
      return run(process.execPath, [BIN, ...args, "--store", store], stdin.map((l) => l + "\n").join(""), { allowFail: true, env: e });
    }

    // EST does not tell the renewal window, so the app is told the bank's (P400D here; P30D by default)
    const issueArgs = (loginId: string) => ["issue", "--server", h.https, "--bank", BANK, "--login-id", loginId, "--ca-file", h.serverCaFile, "--renewal-window", "P400D"];

    async function issue(store: string, loginId: string, extra: string[] = []) {
      const r = await app(store, [...issueArgs(loginId), "--json", ...extra], [PASSPHRASE, "Pass1234", await otp(loginId)]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    }

    /** The identity as a browser would hold it: the certificate and the key, decrypted from the store. */
    function identityFromStore(store: string, serial: string): Identity {
      const dir = join(store, "certs", serial);
      const key = createPrivateKey({ key: readFileSync(join(dir, "key.pem"), "utf8"), passphrase: PASSPHRASE });
      return { certPem: readFileSync(join(dir, "cert.pem"), "utf8"), keyPem: key.export({ type: "pkcs8", format: "pem" }) as string, serial };
    }

    async function serverState(serial: string, bank = BANK) {
      return (await h.rt.store.getCertificate(bank, serial))?.state;
    }

    async function listJson(store: string) {
      const r = await app(store, ["list", "--json"]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as Array<{ number: number; serial: string; subject: string; state: string; checked: boolean; renewalInProgress: boolean }>;
    }

    test("a first acquisition with the app by a user with no token: only the login password is asked (issue 11)", async () => {
      const r = await app(join(work, "fresh"), [...issueArgs("fresh01"), "--json"], [PASSPHRASE, "Pass1234"]);
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /ワンタイムパスワード: /, "no one-time password asked");
      // the app confirms it at once (its first mutual-TLS request), as after any issuance
      assert.equal(await serverState(JSON.parse(r.stdout).serial), "active");
    });

    test("issue → list → renew → the old certificate is refused → export → OpenSSL and NSS import it → install → delete", async () => {
      const store = join(work, "main");

      // issue: 証明書発行結果 with Organization, Organization Unit, Common Name, serial, validity, renewal
      const r1 = await app(store, issueArgs("user01"), [PASSPHRASE, "Pass1234", await otp("user01")]);
      assert.equal(r1.status, 0, r1.stderr);
      assert.match(r1.stdout, /証明書発行結果/);
      assert.match(r1.stdout, /Organization\s+= Test Bank, Ltd\./);
      assert.match(r1.stdout, /Organization Unit\s+= Test Bank TEST CA - G1/);
      assert.match(r1.stdout, /Common Name\s+= user01 A00\d \d{20}/);
      assert.match(r1.stdout, /更新開始日時/);
      assert.match(r1.stderr, /電子証明書を発行しています/, "progress is shown while the network is waited on");
      assert.doesNotMatch(r1.stdout + r1.stderr, /Pass1234/, "no secret is echoed");
      const first = SERIAL.exec(r1.stdout)![1]!;
      assert.equal(await serverState(first), "active", "the app confirmed the new certificate at the server");
      // the key in the store is encrypted PKCS#8, nothing readable without the passphrase
      const keyPem = readFileSync(join(store, "certs", first, "key.pem"), "utf8");
      assert.match(keyPem, /BEGIN ENCRYPTED PRIVATE KEY/);
      assert.throws(() => createPrivateKey({ key: keyPem, passphrase: "wrong-pass" }));
      assert.deepEqual(readdirSync(join(store, "requests")), [], "nothing left under way");

      // list, in English, as the seeds' app lists: CN=…, OU=…, O=…, with a state asked of OCSP
      const l1 = await app(store, ["list"], [], { LANG: "en_US.UTF-8" });
      assert.equal(l1.status, 0, l1.stderr);
      assert.match(l1.stdout, /\[1\] CN=user01 A00\d \d{20}, OU=Test Bank TEST CA - G1, O=Test Bank, Ltd\./);
      assert.match(l1.stdout, /State: renewable/);
      assert.match(l1.stderr, /Checking certificate status \(OCSP\)/);
      let listed = await listJson(store);
      assert.deepEqual(listed.map((c) => [c.serial, c.state, c.checked]), [[first, "renewable", true]]);

      // renew: mutual TLS with the current certificate, password and one-time password, new key
      const r2 = await app(store, ["renew", "1", "--json"], [PASSPHRASE, "Pass1234", await otp("user01")]);
      assert.equal(r2.status, 0, r2.stderr);
      const renewed = JSON.parse(r2.stdout);
      assert.equal(renewed.result, "renewed");
      assert.equal(renewed.replaced, first);
      assert.notEqual(renewed.serial, first);
      assert.equal(await serverState(renewed.serial), "active");
      assert.equal(await serverState(first), "superseded");
      const newKey = readFileSync(join(store, "certs", renewed.serial, "key.pem"), "utf8");
      assert.notEqual(newKey, keyPem, "renewal made a new key");

      // the server refuses the old certificate; the new one logs in
      const oldLogin = await apiLogin(h, BANK, identityFromStore(store, first), "Pass1234");
      assert.equal(oldLogin.status, 403, oldLogin.text);
      assert.equal(oldLogin.json.cause, "superseded");
      const newLogin = await apiLogin(h, BANK, identityFromStore(store, renewed.serial), "Pass1234");
      assert.equal(newLogin.status, 200, newLogin.text);

      listed = await listJson(store);
      assert.deepEqual(listed.map((c) => [c.serial, c.state]), [[first, "superseded"], [renewed.serial, "renewable"]]);

      // export: AES-256 by default, read by OpenSSL 3 and imported by NSS's pk12util
      const p12 = join(work, "user01.p12");
      // export asks first, saying what it weakens; a script that did not say --yes gets no file
      const unconfirmed = await app(store, ["export", "--p12", p12, "user01"], [PASSPHRASE, "p12-Secret"]);
      assert.equal(unconfirmed.status, 2, unconfirmed.stderr);
      assert.match(unconfirmed.stderr, /このパソコン以外でもこの電子証明書でログインできます[\s\S]*書き出しは確認されなかった[\s\S]*--yes/);
      assert.ok(!existsSync(p12), "nothing written without confirmation");
      const e1 = await app(store, ["export", "--p12", p12, "user01", "--yes"], [PASSPHRASE, "p12-Secret"]);
      assert.match(e1.stderr, /このパソコン以外でも/);
      assert.equal(e1.status, 0, e1.stderr);
      const info = await run("openssl", ["pkcs12", "-info", "-noout", "-in", p12, "-passin", "pass:p12-Secret"], undefined, { allowFail: true });
      assert.equal(info.status, 0, info.stderr);
      assert.match(info.stderr + info.stdout, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
      assert.match(info.stderr + info.stdout, /MAC: sha256/);
      const inside = await run("openssl", ["pkcs12", "-in", p12, "-passin", "pass:p12-Secret", "-nokeys", "-clcerts"]);
      const serialLine = await run("openssl", ["x509", "-noout", "-serial"], inside.stdout);
      assert.equal(serialLine.stdout.trim().split("=")[1]!.toLowerCase(), renewed.serial, "the export holds the renewed certificate");
      const wrong = await run("openssl", ["pkcs12", "-info", "-noout", "-in", p12, "-passin", "pass:nope"], undefined, { allowFail: true });
      assert.notEqual(wrong.status, 0, "the file is protected by its password");

      const nssDb = join(work, "nss-import");
      mkdirSync(nssDb);
      await run("certutil", ["-N", "--empty-password", "-d", `sql:${nssDb}`]);
      const imp = await run("pk12util", ["-i", p12, "-d", `sql:${nssDb}`, "-W", "p12-Secret", "-K", ""], undefined, { allowFail: true });
      assert.equal(imp.status, 0, imp.stdout + imp.stderr);
      const nssList = await run("certutil", ["-L", "-d", `sql:${nssDb}`]);
      assert.match(nssList.stdout, new RegExp(`${renewed.cn}\\s+u,u,u`));

      // the legacy file for old Windows: 3DES and SHA-1, no RC2 (OpenSSL 3 reads it without -legacy)
      const legacy = join(work, "user01-legacy.p12");
      const e2 = await app(store, ["export", "--p12", legacy, "--legacy", "--yes"], [PASSPHRASE, "p12-Secret"], { LANG: "en_US.UTF-8" });
      assert.match(e2.stderr, /can log in from any PC/);
      assert.equal(e2.status, 0, e2.stderr);
      assert.match(e2.stdout, /3DES/);
      const linfo = await run("openssl", ["pkcs12", "-info", "-noout", "-in", legacy, "-passin", "pass:p12-Secret"], undefined, { allowFail: true });
      assert.equal(linfo.status, 0, linfo.stderr);
      assert.match(linfo.stderr, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/);
      assert.match(linfo.stderr, /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC/);
      assert.match(linfo.stderr, /MAC: sha1/);
      assert.doesNotMatch(linfo.stderr, /RC2/);
      const nssLegacy = join(work, "nss-legacy");
      mkdirSync(nssLegacy);
      await run("certutil", ["-N", "--empty-password", "-d", `sql:${nssLegacy}`]);
      const limp = await run("pk12util", ["-i", legacy, "-d", `sql:${nssLegacy}`, "-W", "p12-Secret", "-K", ""], undefined, { allowFail: true });
      assert.equal(limp.status, 0, limp.stdout + limp.stderr);
      // an existing file is not overwritten without --force
      const again = await app(store, ["export", "--p12", legacy, "--legacy"], [PASSPHRASE, "p12-Secret"]);
      assert.equal(again.status, 11);
      assert.match(again.stderr, /すでにあります[\s\S]*--force/);

      // install --nss: a new database, the certificate with its key, the bank's root trusted for client certificates
      const nssHome = join(work, "nssdb-home");
      const ins = await app(store, ["install", "--nss", nssHome], [PASSPHRASE]);
      assert.equal(ins.status, 0, ins.stderr);
      const installed = await run("certutil", ["-L", "-d", `sql:${nssHome}`]);
      assert.match(installed.stdout, new RegExp(`${renewed.cn}\\s+u,u,u`));
      const rootCn = new x509.X509Certificate(Buffer.from(h.rt.ca.bank(BANK)!.root.der)).subjectName.getField("CN")[0]!;
      assert.match(installed.stdout, new RegExp(`${rootCn}\\s+T,,\\s*$`, "m"), installed.stdout);
      const keys = await run("certutil", ["-K", "-d", `sql:${nssHome}`]);
      assert.match(keys.stdout, new RegExp(renewed.cn));
      // the root NSS now trusts is the one the bank's certificate chains to
      const chainCheck = await run("certutil", ["-V", "-u", "C", "-n", renewed.cn, "-d", `sql:${nssHome}`], undefined, { allowFail: true });
      assert.match(chainCheck.stdout + chainCheck.stderr, /certificate is valid/, chainCheck.stdout + chainCheck.stderr);

      // delete: a valid one needs --force; without a selection the superseded one goes
      const keep = await app(store, ["delete", renewed.serial]);
      assert.equal(keep.status, 10);
      assert.match(keep.stderr, /まだ有効です[\s\S]*--force/);
      const del = await app(store, ["delete"]);
      assert.equal(del.status, 0, del.stderr);
      assert.match(del.stdout, /削除しました：CN=user01 /);
      listed = await listJson(store);
      assert.deepEqual(listed.map((c) => c.serial), [renewed.serial]);
      assert.ok(!existsSync(join(store, "certs", first)));
    });

    test("killed right after the server signed the renewal: the next run finishes it with the same pending certificate, and the old one works in between", async () => {
      const store = join(work, "crash");
      const issued = await issue(store, "user02");
      const old = identityFromStore(store, issued.serial);

      // the app dies after the simplereenroll answer arrived, before it stored anything of it
      const killed = await app(store, ["renew", "--json"], [PASSPHRASE, "Pass1234", await otp("user02")], { INKAN_APP_TEST_CRASH: "after-reenroll" });
      assert.equal(killed.status, 137, killed.stderr);
      assert.equal(killed.stdout, "");
      assert.ok(existsSync(join(store, "lock")), "the killed run left its lock behind, as a kill does");
      const certs = await h.rt.store.userCertificates(BANK, (await h.rt.store.getUserByLoginId(BANK, "user02"))!.id);
      const pending = certs.filter((c) => c.state === "pending");
      assert.equal(pending.length, 1, "the server signed one certificate and holds it pending");
      assert.equal(await serverState(issued.serial), "active");

      // never locked out: the old certificate still logs in, and the app knows a renewal is under way
      const login = await apiLogin(h, BANK, old, "Pass1234");
      assert.equal(login.status, 200, login.text);
      const listed = await listJson(store);
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.renewalInProgress, true);
      const human = await app(store, ["list"]);
      assert.match(human.stdout, /更新手続きが中断されています — `inkan-app renew 1`/);

      // run again: the kept key and CSR get the same pending certificate, which is then confirmed
      const again = await app(store, ["renew", "--json"], [PASSPHRASE, "Pass1234", await otp("user02")]);
      assert.equal(again.status, 0, again.stderr);
      const done = JSON.parse(again.stdout);
      assert.equal(done.serial, pending[0]!.serial, "the same certificate the server signed before the kill");
      assert.equal(done.resumed, true);
      assert.equal(await serverState(done.serial), "active");
      assert.equal(await serverState(issued.serial), "superseded");
      assert.equal((await apiLogin(h, BANK, identityFromStore(store, done.serial), "Pass1234")).status, 200);
      assert.deepEqual(readdirSync(join(store, "requests")), []);
    });

    test("killed after storing the new certificate but before confirming it: the next run confirms without asking for passwords again", async () => {
      const store = join(work, "crash2");
      const issued = await issue(store, "user03", ["--key", "p256"]);
      assert.equal(issued.keyType, "ECDSA P-256");
      const killed = await app(store, ["renew", "--json"], [PASSPHRASE, "Pass1234", await otp("user03")], { INKAN_APP_TEST_CRASH: "before-confirm" });
      assert.equal(killed.status, 137, killed.stderr);
      const listed = await listJson(store);
      const fresh = listed.find((c) => c.serial !== issued.serial)!;
      assert.equal(fresh.state, "unconfirmed");
      assert.equal(await serverState(fresh.serial), "pending");
      assert.equal((await apiLogin(h, BANK, identityFromStore(store, issued.serial), "Pass1234")).status, 200, "the old one still works");
      // only the store passphrase on standard input: no login password, no one-time password
      const again = await app(store, ["renew", issued.serial, "--json"], [PASSPHRASE]);
      assert.equal(again.status, 0, again.stderr);
      const done = JSON.parse(again.stdout);
      assert.equal(done.serial, fresh.serial);
      assert.equal(done.keyType, "ECDSA P-256", "the renewal keeps the key type");
      assert.equal(await serverState(fresh.serial), "active");
      assert.equal(await serverState(issued.serial), "superseded");

      // an EC key in PKCS#12 (what node-forge cannot write): OpenSSL and NSS read it
      const p12 = join(work, "user03.p12");
      const e = await app(store, ["export", "--p12", p12, "--yes"], [PASSPHRASE, "p12-Secret"]);
      assert.equal(e.status, 0, e.stderr);
      const key = await run("openssl", ["pkcs12", "-in", p12, "-passin", "pass:p12-Secret", "-nocerts", "-nodes"]);
      const text = await run("openssl", ["pkey", "-noout", "-text"], key.stdout);
      assert.match(text.stdout, /ASN1 OID: prime256v1/);
      const nssDb = join(work, "nss-ec");
      mkdirSync(nssDb);
      await run("certutil", ["-N", "--empty-password", "-d", `sql:${nssDb}`]);
      const imp = await run("pk12util", ["-i", p12, "-d", `sql:${nssDb}`, "-W", "p12-Secret", "-K", ""], undefined, { allowFail: true });
      assert.equal(imp.status, 0, imp.stdout + imp.stderr);
      assert.match((await run("certutil", ["-K", "-d", `sql:${nssDb}`])).stdout, /ec\s/);
    });

    test("wrong password, wrong one-time password, wrong store passphrase: what happened, what to do, and the exit code", async () => {
      const store = join(work, "errors");
      const badPassword = await app(store, issueArgs("user04"), [PASSPHRASE, "Wrong9999", await otp("user04")]);
      assert.equal(badPassword.status, 6, badPassword.stderr);
      assert.match(badPassword.stderr, /エラー: ログインIDまたはログインパスワードが正しくありません/);
      assert.match(badPassword.stderr, /対処: ログインIDとログインパスワードをご確認のうえ/);
      assert.match(badPassword.stderr, /auth_failed/);

      const code = await otp("user04");
      const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
      const badOtp = await app(store, issueArgs("user04"), [PASSPHRASE, "Pass1234", wrongCode], { LANG: "en_US.UTF-8" });
      assert.equal(badOtp.status, 7, badOtp.stderr);
      assert.match(badOtp.stderr, /Error: The one-time password is not correct/);
      assert.match(badOtp.stderr, /What to do: Run the command again with the newest one-time password/);

      // the kept request is reused by the next run, which succeeds
      const ok = await app(store, [...issueArgs("user04"), "--json"], [PASSPHRASE, "Pass1234", await otp("user04")]);
      assert.equal(ok.status, 0, ok.stderr);

      const badPass = await app(store, ["export", "--p12", join(work, "x.p12"), "--yes"], ["not-the-passphrase", "p12-Secret"]);
      assert.equal(badPass.status, 10, badPass.stderr);
      assert.match(badPass.stderr, /パスフレーズが正しくありません/);
      assert.ok(!existsSync(join(work, "x.p12")));
    });

    test("server down, server not trusted, unknown bank: each a clear message and its exit code", async () => {
      const store = join(work, "net");
      const port = await freePort();
      const down = await app(store, ["issue", "--server", `https://localhost:${port}`, "--bank", BANK, "--login-id", "user05", "--ca-file", h.serverCaFile], []);
      assert.equal(down.status, 3, down.stderr);
      assert.match(down.stderr, new RegExp(`エラー: サーバー https://localhost:${port} に接続できません`));
      assert.match(down.stderr, /対処: ネットワーク接続とサーバーのアドレス/);

      const untrusted = await app(store, ["issue", "--server", h.https, "--bank", BANK, "--login-id", "user05"], [], { LANG: "en_US.UTF-8" });
      assert.equal(untrusted.status, 4, untrusted.stderr);
      assert.match(untrusted.stderr, /TLS certificate of the server .* cannot be verified/);
      assert.match(untrusted.stderr, /--ca-file/);

      const unknown = await app(store, ["issue", "--server", h.https, "--bank", "nosuchbank", "--login-id", "user05", "--ca-file", h.serverCaFile], []);
      assert.equal(unknown.status, 5, unknown.stderr);
      assert.match(unknown.stderr, /指定された金融機関（nosuchbank）は本サービスに登録されていません/);
      assert.match(unknown.stderr, /対処: --bank の指定/);
      assert.ok(!existsSync(join(store, "requests")) || readdirSync(join(store, "requests")).length === 0, "nothing was asked or kept");
    });

    test("a bank without one-time passwords: none is asked; renewal before the window is refused and leaves nothing under way", async () => {
      const store = join(work, "plain");
      // standard input holds the passphrase and the password only: an OTP prompt would fail for want of a line
      const r = await app(store, ["issue", "--server", h.https, "--bank", PLAIN, "--login-id", "master01", "--ca-file", h.serverCaFile, "--json"], [PASSPHRASE, "Pass1234"]);
      assert.equal(r.status, 0, r.stderr);
      const issued = JSON.parse(r.stdout);
      assert.equal(issued.cn.split(" ")[1], "A001");
      // the app's default window is the policy default, 30 days, as the server's
      const opens = new Date(issued.notAfter).getTime() - 30 * 86_400_000;
      assert.equal(new Date(issued.renewableFrom).getTime(), opens);
      const early = await app(store, ["renew"], [PASSPHRASE, "Pass1234"], { LANG: "en_US.UTF-8" });
      assert.equal(early.status, 9, early.stderr);
      assert.match(early.stderr, /Error: Renewal opens 30 days before expiry/);
      assert.match(early.stderr, /What to do: Run `inkan-app renew` once renewal opens/);
      assert.deepEqual(readdirSync(join(store, "requests")), [], "a refused renewal keeps no key");
      const listed = await listJson(store);
      assert.deepEqual(listed.map((c) => [c.state, c.renewalInProgress]), [["valid", false]]);
      assert.equal(await serverState(issued.serial, PLAIN), "active");
    });

    test("an expired certificate cannot be renewed: the app says so and how to get a new one", async () => {
      const store = join(work, "expired");
      const issued = await issue(store, "user05");
      clock.set(new Date(issued.notAfter).getTime() + 1000);
      const r = await app(store, ["renew"], [PASSPHRASE, "Pass1234", await otp("user05")]);
      assert.equal(r.status, 8, r.stderr);
      assert.match(r.stderr, /エラー: 電子証明書の有効期限が切れているため更新できません/);
      assert.match(r.stderr, new RegExp(`対処: .*inkan-app issue --server ${h.https} --bank ${BANK} --login-id user05`));
      assert.equal(await serverState(issued.serial), "active", "nothing changed at the server");
      // and acquisition, within the grace period, gives the new certificate
      const fresh = await app(store, [...issueArgs("user05"), "--json"], [PASSPHRASE, "Pass1234", await otp("user05")]);
      assert.equal(fresh.status, 0, fresh.stderr);
      assert.notEqual(JSON.parse(fresh.stdout).serial, issued.serial);
    });
  });
}
