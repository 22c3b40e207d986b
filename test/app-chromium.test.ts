import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHarness, testBank, run, type Harness, type RunResult } from "./support/harness.js";
import { chromiumLogsInFromNss, SERVER_CA_NICK } from "./support/nss-login.js";

/**
 * The last step of issuing: Chromium itself logs in with the certificate `inkan-app install --nss`
 * put into its NSS database ($HOME/.pki/nssdb on Linux). Chromium picks the client certificate
 * from NSS by its AutoSelectCertificateForUrls policy; nothing hands it the key but NSS.
 */

const BIN = join(process.cwd(), "bin", "inkan-app.mjs");
const BANK = "cbank";
const PASSPHRASE = "store-pass-1";

describe("Chromium logs in with the NSS-installed certificate", () => {
  let h: Harness;
  let home: string;

  before(async () => {
    h = await startHarness({ db: "sqlite", serve: true, banks: [testBank(BANK)] });
    const c = await h.addContract(BANK);
    await h.addUser(BANK, c, "master01", "master");
    home = mkdtempSync(join(tmpdir(), "inkan-chromium-home-"));
  });
  after(async () => {
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

    const login = await chromiumLogsInFromNss(h, home, BANK);
    try {
      const listed = await run("certutil", ["-L", "-d", `sql:${nssDir}`]);
      assert.match(listed.stdout, new RegExp(`${issued.cn}\\s+u,u,u`), listed.stdout);
      assert.match(listed.stdout, new RegExp(`${SERVER_CA_NICK}\\s+C,,`), listed.stdout);
      // the server says whether a valid client certificate came with the TLS handshake
      assert.equal(login.presented, "active");
      assert.equal(login.loginStatus, 200);
      assert.equal(login.loginId, "master01");
      assert.equal(login.serial, issued.serial, "the server saw the certificate the app installed in NSS");
      assert.equal(login.meStatus, 200, "the session from that login works on the next request");
      assert.equal((await h.rt.store.getCertificate(BANK, issued.serial))?.state, "active");

      // an artifact: the page with the login's answer written into it
      await login.page.evaluate((text) => {
        document.body.innerHTML = "";
        const pre = document.createElement("pre");
        pre.textContent = text;
        document.body.appendChild(pre);
      }, `Chromium login via NSS certificate\nserial ${issued.serial}\nlogin ${login.loginId}`);
      mkdirSync("test-results", { recursive: true });
      const shot = join("test-results", "app-chromium-login.png");
      await login.page.screenshot({ path: shot });
      assert.ok(existsSync(shot) && statSync(shot).size > 0);
    } finally {
      await login.close();
    }
  });
});
