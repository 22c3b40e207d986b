import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { startHarness, testBank, run, type Harness, type RunResult } from "./support/harness.js";

/**
 * `inkan-app install` into the operating system's own store. These machines have neither Windows
 * nor macOS, so their tools are stand-ins: executables named powershell.exe and security, first
 * (and alone) on PATH, that record what the app hands them — arguments, the names of the
 * INKAN_APP_* variables, standard input, the PKCS#12 file (copied, with its mode and its
 * directory's) — and then exit 0, or exit 1 with an error text when told to. What they are given
 * is checked with real OpenSSL: the file opens with the password handed over and holds the
 * certificate, its key and the issuing CA, and no root. On Linux the install is real NSS.
 */

const BIN = join(process.cwd(), "bin", "inkan-app.mjs");
const BANK = "obank";
const PASSPHRASE = "store-pass-1";

const WINDOWS_IMPORT =
  "$ErrorActionPreference = 'Stop'; [Console]::OutputEncoding = [System.Text.Encoding]::UTF8; " +
  "$password = ConvertTo-SecureString -String $env:INKAN_APP_PFX_PASSWORD -AsPlainText -Force; " +
  "Import-PfxCertificate -FilePath $env:INKAN_APP_PFX_FILE -CertStoreLocation 'Cert:\\CurrentUser\\My' -Password $password | Out-Null";
const WINDOWS_REMOVE =
  "$ErrorActionPreference = 'Stop'; [Console]::OutputEncoding = [System.Text.Encoding]::UTF8; " +
  "$path = 'Cert:\\CurrentUser\\My\\' + $env:INKAN_APP_THUMBPRINT; " +
  "if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -DeleteKey }";

/** What a stand-in saw. */
interface Call {
  tool: string;
  argv: string[];
  /** the INKAN_APP_* variables it was given, by name (values of the three it reads below) */
  envNames: string[];
  pfxPassword?: string;
  thumbprint?: string;
  stdin: string;
  /** the PKCS#12 it was handed: its path, modes, and a copy */
  file?: string;
  fileMode?: number;
  dirMode?: number;
  copy?: string;
}

/** The stand-in: one Node script, run by a two-line wrapper under each tool's name. */
const STAND_IN = `
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const log = process.env.STAND_IN_LOG;
const tool = process.env.STAND_IN_TOOL;
const argv = process.argv.slice(2);
const n = readdirSync(log).filter((f) => f.endsWith(".json")).length + 1;
let stdin = "";
try { stdin = readFileSync(0, "utf8"); } catch {}
const file = process.env.INKAN_APP_PFX_FILE ?? (tool === "security" && argv[0] === "import" ? argv[1] : undefined);
const call = { tool, argv, envNames: Object.keys(process.env).filter((k) => k.startsWith("INKAN_APP_")).sort(), stdin,
  pfxPassword: process.env.INKAN_APP_PFX_PASSWORD, thumbprint: process.env.INKAN_APP_THUMBPRINT };
if (file) {
  call.file = file;
  call.fileMode = statSync(file).mode & 0o777;
  call.dirMode = statSync(join(file, "..")).mode & 0o777;
  call.copy = join(log, n + ".p12");
  copyFileSync(file, call.copy);
}
writeFileSync(join(log, n + ".json"), JSON.stringify(call));
if (process.env.STAND_IN_FAIL === tool) {
  process.stderr.write(process.env.STAND_IN_ERROR + "\\n");
  process.exit(1);
}
`;

describe("inkan-app install into the OS certificate store (Windows and macOS through stand-in tools, Linux NSS)", () => {
  let h: Harness;
  let work: string;
  let tools: string;
  let rootPem: string;

  before(async () => {
    h = await startHarness({ db: "sqlite", serve: true, banks: [testBank(BANK)] });
    const c = await h.addContract(BANK);
    await h.addUser(BANK, c, "master01", "master");
    for (const u of ["user01", "user02", "user03", "user04", "user05"]) await h.addUser(BANK, c, u, "general");
    work = mkdtempSync(join(tmpdir(), "inkan-os-store-"));
    tools = join(work, "tools");
    mkdirSync(tools);
    const script = join(work, "stand-in.mjs");
    writeFileSync(script, STAND_IN);
    for (const name of ["powershell.exe", "security"]) {
      writeFileSync(join(tools, name), `#!/bin/sh\nSTAND_IN_TOOL='${name}' exec "${process.execPath}" "${script}" "$@"\n`);
      chmodSync(join(tools, name), 0o755);
    }
    rootPem = Buffer.from(h.rt.ca.bank(BANK)!.root.der).toString("base64");
  });
  after(async () => {
    await h?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function app(store: string, args: string[], stdin: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    const e: NodeJS.ProcessEnv = { ...process.env, LANG: "ja_JP.UTF-8", LC_ALL: "", LC_MESSAGES: "", INKAN_APP_PASSPHRASE: undefined, INKAN_APP_CA_FILE: undefined, INKAN_APP_PLATFORM: undefined, ...env };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return run(process.execPath, [BIN, ...args, "--store", store], stdin.map((l) => l + "\n").join(""), { allowFail: true, env: e });
  }

  /**
   * A fresh log folder, and the environment that puts the stand-ins alone on PATH and gives the app
   * a temporary folder of its own (TMPDIR), which must be empty again after every run.
   */
  function standIns(platform: "win32" | "darwin", extra: Record<string, string> = {}) {
    const log = mkdtempSync(join(work, "log-"));
    const home = mkdtempSync(join(work, "home-"));
    const tmp = mkdtempSync(join(work, "tmp-"));
    return { log, home, tmp, env: { PATH: tools, STAND_IN_LOG: log, HOME: home, TMPDIR: tmp, INKAN_APP_PLATFORM: platform, ...extra } };
  }

  /** the app's private temporary directories still there (tsx keeps its cache beside them) */
  const leftovers = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith("inkan-app-"));

  function calls(log: string): Call[] {
    return readdirSync(log)
      .filter((f) => f.endsWith(".json"))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((f) => JSON.parse(readFileSync(join(log, f), "utf8")) as Call);
  }

  const issue = (store: string, loginId: string, extra: string[] = [], env: Record<string, string> = {}) =>
    app(store, ["issue", "--server", h.https, "--bank", BANK, "--login-id", loginId, "--ca-file", h.serverCaFile, ...extra], [PASSPHRASE, "Pass1234"], env);

  async function issued(store: string, loginId: string) {
    const r = await issue(store, loginId, ["--json"]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { serial: string; cn: string; installed: unknown };
    assert.equal(j.installed, null, "nothing installed without --install");
    const certPem = readFileSync(join(store, "certs", j.serial, "cert.pem"), "utf8");
    return { ...j, certPem };
  }

  const meta = (store: string, serial: string) => JSON.parse(readFileSync(join(store, "certs", serial, "meta.json"), "utf8")) as { installedIn?: Array<{ store: string; where: string }> };

  /**
   * What the PKCS#12 a tool was handed holds, by OpenSSL: it opens with `password`, holds one key
   * matching the certificate, the certificate, and the issuing CA — no self-signed root.
   */
  async function assertP12(copy: string, password: string, certPem: string) {
    const env = { ...process.env, P12PW: password };
    const info = await run("openssl", ["pkcs12", "-info", "-noout", "-in", copy, "-passin", "env:P12PW"], undefined, { allowFail: true, env });
    assert.equal(info.status, 0, info.stderr);
    const wrong = await run("openssl", ["pkcs12", "-info", "-noout", "-in", copy, "-passin", "pass:wrong"], undefined, { allowFail: true });
    assert.notEqual(wrong.status, 0, "the file is protected by the password handed over");
    const certs = (await run("openssl", ["pkcs12", "-in", copy, "-passin", "env:P12PW", "-nokeys"], undefined, { env })).stdout;
    const blocks = certs.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    assert.equal(blocks.length, 2, "the certificate and the issuing CA");
    const norm = (p: string) => p.replace(/\s+/g, "");
    assert.ok(blocks.some((b) => norm(b) === norm(certPem.trim())), "the user's certificate is in it");
    for (const b of blocks) {
      const names = (await run("openssl", ["x509", "-noout", "-subject", "-issuer", "-nameopt", "RFC2253"], b)).stdout.split("\n");
      assert.notEqual(names[0]!.replace(/^subject=/, ""), names[1]!.replace(/^issuer=/, ""), `no self-signed root: ${names.join(" / ")}`);
      assert.ok(!norm(b).includes(rootPem.slice(0, 200)), "not the bank's root");
    }
    const issuing = blocks.find((b) => norm(b) !== norm(certPem.trim()))!;
    const issuingSubject = (await run("openssl", ["x509", "-noout", "-subject", "-nameopt", "RFC2253"], issuing)).stdout.trim();
    assert.equal(issuingSubject, "subject=CN=Test Bank TEST CA - G1,O=Test Bank\\, Ltd.");
    const key = (await run("openssl", ["pkcs12", "-in", copy, "-passin", "env:P12PW", "-nocerts", "-nodes"], undefined, { env })).stdout;
    assert.equal((key.match(/-----BEGIN PRIVATE KEY-----/g) ?? []).length, 1, "one key");
    const keyPub = (await run("openssl", ["pkey", "-pubout"], key)).stdout;
    const certPub = (await run("openssl", ["x509", "-noout", "-pubkey"], certPem)).stdout;
    assert.equal(keyPub, certPub, "the key is the certificate's");
  }

  const thumb = (certPem: string) => createHash("sha1").update(Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ""), "base64")).digest("hex").toUpperCase();

  test("Windows: install runs powershell.exe Import-PfxCertificate into Cert:\\CurrentUser\\My without -Exportable, the password in the environment only", async () => {
    const store = join(work, "win");
    const c = await issued(store, "user01");
    const s = standIns("win32");
    const r = await app(store, ["install"], [PASSPHRASE], s.env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Windows の証明書ストア（現在のユーザー ＞ 個人、Cert:\\CurrentUser\\My）に電子証明書「${c.cn}」を、金融機関の発行元（中間）証明書とともに登録しました。秘密鍵はエクスポートできない設定のため、このパソコンから持ち出せません。ルート証明書は登録していません。\n` +
        "Edge・Chrome のウィンドウをすべて閉じてから開き直してください。\n",
    );
    const [call, ...more] = calls(s.log);
    assert.equal(more.length, 0, "one call");
    assert.equal(call!.tool, "powershell.exe");
    assert.deepEqual(call!.argv, ["-NoProfile", "-NonInteractive", "-Command", WINDOWS_IMPORT]);
    assert.doesNotMatch(WINDOWS_IMPORT, /-Exportable/);
    assert.deepEqual(call!.envNames, ["INKAN_APP_PFX_FILE", "INKAN_APP_PFX_PASSWORD", "INKAN_APP_PLATFORM"]);
    assert.equal(call!.stdin, "");
    const password = call!.pfxPassword!;
    assert.ok(password.length >= 20, "a random password");
    assert.ok(!call!.argv.some((a) => a.includes(password)), "the password is not on the command line");
    assert.ok(!call!.argv.some((a) => a.includes(call!.file!)), "nor the file: the script is a constant");
    assert.equal(call!.fileMode, 0o600);
    assert.equal(call!.dirMode, 0o700);
    assert.ok(!existsSync(call!.file!) && !existsSync(dirname(call!.file!)), "the temporary file and its directory are gone");
    assert.equal(dirname(dirname(call!.file!)), s.tmp);
    assert.deepEqual(leftovers(s.tmp), []);
    await assertP12(call!.copy!, password, c.certPem);
    assert.deepEqual(meta(store, c.serial).installedIn, [{ store: "windows", where: "Cert:\\CurrentUser\\My" }]);

    // delete takes it out of the personal store too, by thumbprint, key included (-DeleteKey)
    const d = await app(store, ["delete", "1", "--force", "--offline"], [], s.env);
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, /削除しました：CN=/);
    assert.match(d.stdout, /Cert:\\CurrentUser\\My からも削除しました。/);
    const removal = calls(s.log)[1]!;
    assert.deepEqual(removal.argv, ["-NoProfile", "-NonInteractive", "-Command", WINDOWS_REMOVE]);
    assert.equal(removal.thumbprint, thumb(c.certPem));
    assert.deepEqual(removal.envNames, ["INKAN_APP_PLATFORM", "INKAN_APP_THUMBPRINT"]);
  });

  test("Windows: a failing or missing powershell.exe gives exit code 11, what happened and what to do; the temporary file is gone", async () => {
    const store = join(work, "win-fail");
    const c = await issued(store, "user02");
    const s = standIns("win32", { STAND_IN_FAIL: "powershell.exe", STAND_IN_ERROR: "Import-PfxCertificate : アクセスが拒否されました。" });
    const r = await app(store, ["install"], [PASSPHRASE], s.env);
    assert.equal(r.status, 11);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      "エラー: powershell.exe が失敗しました：Import-PfxCertificate : アクセスが拒否されました。\n" +
        "対処: 会社のポリシーで PowerShell や証明書の登録が制限されている場合があります。表示された内容を添えて会社のシステム管理者にご相談のうえ、`inkan-app install` をもう一度実行してください。電子証明書はこのアプリの証明書ストアに保存されています。\n",
    );
    const [call] = calls(s.log);
    assert.ok(!existsSync(call!.file!) && !existsSync(dirname(call!.file!)), "removed after the failure too");
    assert.deepEqual(leftovers(s.tmp), []);
    assert.equal(meta(store, c.serial).installedIn, undefined, "not recorded as installed");

    const none = mkdtempSync(join(work, "empty-path-"));
    const missing = await app(store, ["install", "--lang", "en"], [PASSPHRASE], { ...s.env, PATH: none });
    assert.equal(missing.status, 11);
    assert.equal(
      missing.stderr,
      "Error: powershell.exe was not found.\n" +
        "What to do: Windows PowerShell (powershell.exe) comes with Windows. If it cannot be found, ask your company's IT administrator; then run `inkan-app install` again.\n",
    );
    assert.deepEqual(leftovers(s.tmp), [], "the PKCS#12 written before the tool was looked for is gone too");
  });

  test("macOS: issue --install imports into the login keychain with security import -x; a failing security says what to do", async () => {
    const store = join(work, "mac");
    const s = standIns("darwin");
    const r = await issue(store, "user03", ["--install"], s.env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^証明書発行結果\n電子証明書の発行とインストールが完了しました。\n/);
    const keychain = join(s.home, "Library", "Keychains", "login.keychain-db");
    const cn = /Common Name\s+= (.+)/.exec(r.stdout)![1]!;
    assert.ok(
      r.stdout.endsWith(
        `ログインキーチェーン（${keychain}）に電子証明書「${cn}」を、金融機関の発行元（中間）証明書とともに登録しました。秘密鍵は書き出せない設定のため、この Mac から持ち出せません。ルート証明書は登録していません。\n` +
          "ブラウザを開き直してください。初めてログインするときに鍵の使用の許可を求められたら、Mac のログインパスワードを入力して「常に許可」を選んでください。\n",
      ),
      r.stdout,
    );
    const [call, ...more] = calls(s.log);
    assert.equal(more.length, 0);
    assert.equal(call!.tool, "security");
    const password = call!.argv[8]!;
    assert.deepEqual(call!.argv, ["import", call!.file!, "-k", keychain, "-f", "pkcs12", "-x", "-P", password]);
    assert.ok(password.length >= 20, "a throwaway random password");
    assert.deepEqual(call!.envNames, ["INKAN_APP_PLATFORM"]);
    assert.equal(call!.fileMode, 0o600);
    assert.equal(call!.dirMode, 0o700);
    assert.ok(!existsSync(call!.file!) && !existsSync(dirname(call!.file!)), "the temporary file and its directory are gone");
    assert.deepEqual(leftovers(s.tmp), []);
    const serial = readdirSync(join(store, "certs"))[0]!;
    const certPem = readFileSync(join(store, "certs", serial, "cert.pem"), "utf8");
    await assertP12(call!.copy!, password, certPem);
    assert.deepEqual(meta(store, serial).installedIn, [{ store: "macos", where: keychain }]);

    // installed again (the window, then the command line): what security calls a duplicate is success
    const dup = standIns("darwin", { STAND_IN_FAIL: "security", STAND_IN_ERROR: "security: SecKeychainItemImport: The specified item already exists in the keychain." });
    const again = await app(store, ["install", "--lang", "en"], [PASSPHRASE], { ...dup.env, HOME: s.home });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^Installed the certificate ".+", with the bank's issuing \(intermediate\) CA, into the login keychain/);

    const locked = standIns("darwin", { STAND_IN_FAIL: "security", STAND_IN_ERROR: "security: SecKeychainItemImport: User interaction is not allowed." });
    const f = await app(store, ["install", "--lang", "en"], [PASSPHRASE], { ...locked.env, HOME: s.home });
    assert.equal(f.status, 11);
    assert.deepEqual(leftovers(locked.tmp), []);
    assert.equal(
      f.stderr,
      "Error: security failed: security: SecKeychainItemImport: User interaction is not allowed.\n" +
        "What to do: If the login keychain is locked, unlock it in Keychain Access, then run `inkan-app install` again. The certificate is kept in this app's certificate store.\n",
    );

    // delete: security delete-identity -Z <SHA-1> <keychain>; a failure there is a warning with the way by hand
    const gone = standIns("darwin", { STAND_IN_FAIL: "security", STAND_IN_ERROR: "security: SecItemDelete: The specified item could not be found in the keychain." });
    const d = await app(store, ["delete", "1", "--force", "--offline"], [], { ...gone.env, HOME: s.home });
    assert.equal(d.status, 0, d.stderr);
    const [del] = calls(gone.log);
    assert.deepEqual(del!.argv, ["delete-identity", "-Z", thumb(certPem), keychain]);
    assert.equal(
      d.stderr,
      `注意：${keychain} からは削除できませんでした（security が失敗しました：security: SecItemDelete: The specified item could not be found in the keychain.）。「キーチェーンアクセス」のログインキーチェーンで「${cn}」を削除してください。\n`,
    );
    assert.equal(existsSync(join(store, "certs", serial)), false, "deleted from the app's store all the same");
  });

  test("Linux: install with no flag goes into ~/.pki/nssdb (real NSS), and delete takes certificate and key out again", async () => {
    const store = join(work, "linux");
    const c = await issued(store, "user04");
    const home = mkdtempSync(join(work, "home-"));
    const r = await app(store, ["install"], [PASSPHRASE], { HOME: home, INKAN_APP_PLATFORM: "linux" });
    assert.equal(r.status, 0, r.stderr);
    const db = join(home, ".pki", "nssdb");
    assert.match(r.stdout, new RegExp(`^NSSデータベース ${db} を作成しました。\nNSSデータベース ${db} に電子証明書「${c.cn}」を登録し`));
    const listed = await run("certutil", ["-L", "-d", `sql:${db}`]);
    assert.match(listed.stdout, new RegExp(`${c.cn}\\s+u,u,u`));
    assert.match((await run("certutil", ["-K", "-d", `sql:${db}`])).stdout, new RegExp(c.cn));
    assert.deepEqual(meta(store, c.serial).installedIn, [{ store: "nss", where: db }]);

    const d = await app(store, ["delete", "1", "--force", "--offline"], [], { HOME: home });
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`${db} からも削除しました。`));
    assert.doesNotMatch((await run("certutil", ["-L", "-d", `sql:${db}`])).stdout, new RegExp(c.cn));
    const keys = await run("certutil", ["-K", "-d", `sql:${db}`], undefined, { allowFail: true });
    assert.doesNotMatch(keys.stdout + keys.stderr, new RegExp(c.cn));
    // the bank's CAs stay for the next certificate
    assert.match((await run("certutil", ["-L", "-d", `sql:${db}`])).stdout, /Test Bank TEST CA Root\s+T,,/);
  });
});
