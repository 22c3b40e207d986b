import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASES, startHarness, testBank, run, type Harness } from "./support/harness.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";
import { APP_BUNDLE_NAME } from "../src/web/app-bundle.js";
import { APP_DOWNLOAD_PATH } from "../src/web/app-download-routes.js";
import { rawRequest, startAppWindow, windowSession } from "./support/app-window.js";

/**
 * The issuing app as one file (src/web/app-bundle.ts, esbuild), downloaded from the portal
 * (証明書発行アプリのダウンロード on 証明書取得認証) into an empty folder and run there by Node with no
 * source tree, no node_modules and no npm: it issues a certificate from a real Inkan server, on the
 * command line and in its window, which knows the server it came from (no address, no CA typed).
 */

const BANK = "abank";
const PASSPHRASE = "store-pass-1";

for (const db of DATABASES) {
  describe(`the issuing app as one file (${db})`, () => {
    let h: Harness;
    let dir: string;
    const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);

    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK, { policy: { renewalWindow: "P400D", otp: { acquisition: true, renewal: true } } })] });
      const c = await h.addContract(BANK);
      await h.addUser(BANK, c, "master01", "master");
      await h.addUser(BANK, c, "user01", "general");
      // a token from the bank's token letter: the app's issuance asks for the code
      await h.registerToken(BANK, "user01");
      dir = mkdtempSync(join(tmpdir(), "inkan-app-bundle-"));
    });
    after(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** GET over HTTPS, trusting the server's CA as the user's system would. */
    function download(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
      return new Promise((resolve, reject) => {
        get(url, { ca: readFileSync(h.serverCaFile) }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        }).on("error", reject);
      });
    }

    test("downloaded from the portal, it runs with Node alone in an empty folder and issues a certificate", async () => {
      // 証明書取得認証 offers it
      const page = await download(`${h.https}/${BANK}/certificate/issue`);
      assert.match(page.body, new RegExp(`href="${APP_DOWNLOAD_PATH}"[^>]*download`), page.body.slice(0, 400));
      assert.match(page.body, /証明書発行アプリのダウンロード/);
      const got = await download(`${h.https}${APP_DOWNLOAD_PATH}`);
      assert.equal(got.status, 200);
      assert.equal(got.headers["content-disposition"], `attachment; filename="${APP_BUNDLE_NAME}"`);
      const file = got.body;
      assert.doesNotMatch(file, /node_modules|\/work\//, "no path of the build machine inside");
      writeFileSync(join(dir, APP_BUNDLE_NAME), file);
      assert.deepEqual(readdirSync(dir), [APP_BUNDLE_NAME]);
      // only what a PC has: a PATH, a home; no NODE_PATH, no source tree, no node_modules
      const env = { PATH: "/usr/bin:/bin", HOME: dir, LANG: "ja_JP.UTF-8" };
      const help = await run(process.execPath, [APP_BUNDLE_NAME, "--help"], undefined, { cwd: dir, env, allowFail: true });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /証明書発行アプリ/);

      clock.advance(30_000);
      const u = await h.rt.store.getUserByLoginId(BANK, "user01");
      const code = totpCode(u!.totpSecret!, clock.now());
      const args = [APP_BUNDLE_NAME, "issue", "--server", h.https, "--bank", BANK, "--login-id", "user01", "--ca-file", h.serverCaFile, "--renewal-window", "P400D", "--store", "store"];
      const r = await run(process.execPath, args, [PASSPHRASE, "Pass1234", code].map((l) => l + "\n").join(""), { cwd: dir, env, allowFail: true });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /証明書発行結果/);
      const serial = /証明書シリアル番号\s*= ([0-9a-f]{32})/.exec(r.stdout)?.[1];
      assert.ok(serial, r.stdout);
      assert.equal((await h.rt.store.getCertificate(BANK, serial))?.state, "active", "the app confirmed it at the server");
      assert.deepEqual(readdirSync(dir).sort(), [APP_BUNDLE_NAME, "store"]);
    });

    test("the same file, with no argument but --no-browser, serves its window and issues through it from the server it was downloaded from", async () => {
      const env = { PATH: "/usr/bin:/bin", HOME: dir, LANG: "ja_JP.UTF-8" };
      const w = await startAppWindow(process.execPath, [APP_BUNDLE_NAME, "--no-browser", "--store", "store"], { cwd: dir, env });
      try {
        const cookie = await windowSession(w);
        const get = (path: string) => rawRequest(w.origin + path, { headers: { cookie } });
        const post = (path: string, form: Record<string, string>) =>
          rawRequest(w.origin + path, { method: "POST", headers: { cookie, origin: w.origin, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
        const home = await get("/");
        assert.equal(home.status, 200);
        assert.match(home.body, /<h1>証明書取得<\/h1>/);
        // the banks come from the server written into the download: nothing was typed
        const form = await get("/issue");
        assert.match(form.body, new RegExp(`<option value="${BANK}"[^>]*>テスト銀行</option>`), form.body);

        const started = await post("/issue", { bank: BANK, loginId: "master01" });
        assert.equal(started.status, 303);
        const job = String(started.headers.location);
        /** The screen the job shows now: its title, and the question it asks if any. */
        const screen = async () => {
          const r = await get(job);
          return { title: /<h1>([^<]+)<\/h1>/.exec(r.body)?.[1], question: /name="question" value="([a-z_]+)"/.exec(r.body)?.[1], body: r.body };
        };
        const answer = async (question: string, value: string) => assert.equal((await post(job, { question, value })).status, 303);
        let s = await screen();
        assert.equal(s.question, "passphrase", s.body);
        await answer("passphrase", PASSPHRASE);
        s = await screen();
        assert.equal(s.title, "ログインパスワード入力", s.body);
        await answer("password", "Pass1234");
        s = await screen();
        assert.equal(s.title, "証明書発行結果", s.body);
        const serial = /証明書シリアル番号<\/dt><dd>([0-9a-f]{32})</.exec(s.body)?.[1];
        assert.ok(serial, s.body);
        assert.equal((await h.rt.store.getCertificate(BANK, serial))?.state, "active");
        assert.ok(s.body.includes(join(dir, ".pki", "nssdb")), "installed into NSS");
        assert.equal((await post("/close", {})).status, 200);
        assert.equal(await w.exited, 0, w.stderr());
      } finally {
        w.proc.kill();
      }
    });
  });
}
