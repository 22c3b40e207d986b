import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { chromium, type Browser } from "playwright-core";
import { startHarness, testBank, run, type Harness, type RunResult } from "./support/harness.js";

/**
 * The last step of issuing: Chromium itself logs in with the certificate `inkan-app install --nss`
 * put into its NSS database ($HOME/.pki/nssdb on Linux). Chromium picks the client certificate
 * from NSS by its AutoSelectCertificateForUrls policy; nothing hands it the key but NSS.
 */

const BIN = join(process.cwd(), "bin", "inkan-app.mjs");
const CHROMIUM = "/usr/bin/chromium";
const BANK = "cbank";
const PASSPHRASE = "store-pass-1";
const POLICY_DIR = "/etc/chromium/policies/managed";
const SERVER_CA_NICK = "Inkan test server CA";

describe("Chromium logs in with the NSS-installed certificate", () => {
  let h: Harness;
  let home: string;
  let policyFile: string | undefined;
  let browser: Browser | undefined;

  before(async () => {
    h = await startHarness({ db: "sqlite", serve: true, banks: [testBank(BANK)] });
    const c = await h.addContract(BANK);
    await h.addUser(BANK, c, "master01", "master");
    home = mkdtempSync(join(tmpdir(), "inkan-chromium-home-"));
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    if (policyFile) rmSync(policyFile, { force: true });
    await h?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function app(args: string[], stdin: string[]): Promise<RunResult> {
    const e: NodeJS.ProcessEnv = { ...process.env, HOME: home, LANG: "en_US.UTF-8", LC_ALL: "", LC_MESSAGES: "", INKAN_APP_PASSPHRASE: undefined, INKAN_APP_CA_FILE: undefined, INKAN_APP_TEST_CRASH: undefined };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return run(process.execPath, [BIN, ...args, "--store", join(home, "store")], stdin.map((l) => l + "\n").join(""), { allowFail: true, env: e });
  }

  test("issue → install --nss $HOME/.pki/nssdb → Chromium presents it from NSS and logs in", async () => {
    // issue with the app, as a user does
    const r = await app(["issue", "--server", h.https, "--bank", BANK, "--login-id", "master01", "--ca-file", h.serverCaFile, "--json"], [PASSPHRASE, "Pass1234"]);
    assert.equal(r.status, 0, r.stderr);
    const issued = JSON.parse(r.stdout) as { serial: string; cn: string };
    assert.match(issued.serial, /^[0-9a-f]{32}$/);
    assert.equal((await h.rt.store.getCertificate(BANK, issued.serial))?.state, "active");

    // install into the database Chromium on Linux reads
    const nssDir = join(home, ".pki", "nssdb");
    const ins = await app(["install", "--nss", nssDir], [PASSPHRASE]);
    assert.equal(ins.status, 0, ins.stderr);
    // the server's TLS certificate comes from the harness's own CA: trust it for TLS servers, so the page loads without errors
    await run("certutil", ["-A", "-d", `sql:${nssDir}`, "-n", SERVER_CA_NICK, "-t", "C,,", "-a", "-i", h.serverCaFile]);
    const listed = await run("certutil", ["-L", "-d", `sql:${nssDir}`]);
    assert.match(listed.stdout, new RegExp(`${issued.cn}\\s+u,u,u`), listed.stdout);
    assert.match(listed.stdout, new RegExp(`${SERVER_CA_NICK}\\s+C,,`), listed.stdout);

    // Chromium selects the client certificate for this origin by itself (a managed policy)
    const origin = h.https;
    mkdirSync(POLICY_DIR, { recursive: true });
    policyFile = join(POLICY_DIR, `inkan-test-${randomBytes(6).toString("hex")}.json`);
    writeFileSync(policyFile, JSON.stringify({ AutoSelectCertificateForUrls: [JSON.stringify({ pattern: origin, filter: {} })] }));
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        env: { ...process.env, HOME: home },
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
      const context = await browser.newContext(); // no ignoreHTTPSErrors: the server CA is trusted through NSS
      const page = await context.newPage();
      const nav = await page.goto(`${origin}/healthz`);
      assert.ok(nav, "the page loaded");
      assert.equal(nav.status(), 200);
      assert.equal(new URL(page.url()).origin, origin);
      // the server says whether a valid client certificate came with the TLS handshake
      const csr = await page.evaluate(async (bank) => {
        const res = await fetch(`/.well-known/est/${bank}/csrattrs`);
        return { status: res.status, cert: res.headers.get("x-inkan-certificate") };
      }, BANK);
      assert.deepEqual(csr, { status: 200, cert: "active" });

      // JSON login with the password only: the certificate Chromium presented names the user
      const login = await page.evaluate(async (bank) => {
        const res = await fetch(`/api/${bank}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: "Pass1234" }) });
        return { status: res.status, body: await res.text() };
      }, BANK);
      assert.equal(login.status, 200, login.body);
      const body = JSON.parse(login.body) as { user: { loginId: string; certificate: { serial: string } | null } };
      assert.equal(body.user.loginId, "master01");
      assert.equal(body.user.certificate?.serial, issued.serial, "the server saw the certificate the app installed in NSS");
      assert.equal((await h.rt.store.getCertificate(BANK, issued.serial))?.state, "active");

      // the session cookie from that login works on the next request, over the same certificate
      const me = await page.evaluate(async (bank) => {
        const res = await fetch(`/api/${bank}/me`);
        return { status: res.status, body: await res.text() };
      }, BANK);
      assert.equal(me.status, 200, me.body);
      assert.equal((JSON.parse(me.body) as { user: { loginId: string } }).user.loginId, "master01");

      // an artifact: the page with the login's answer written into it
      await page.evaluate((text) => {
        document.body.innerHTML = "";
        const pre = document.createElement("pre");
        pre.textContent = text;
        document.body.appendChild(pre);
      }, `Chromium login via NSS certificate\nserial ${issued.serial}\n${JSON.stringify(body.user, null, 2)}`);
      mkdirSync("test-results", { recursive: true });
      const shot = join("test-results", "app-chromium-login.png");
      await page.screenshot({ path: shot });
      assert.ok(existsSync(shot) && statSync(shot).size > 0);
    } finally {
      await browser?.close().catch(() => undefined);
      browser = undefined;
      rmSync(policyFile, { force: true });
      policyFile = undefined;
    }
  });
});
