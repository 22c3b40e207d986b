import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { inspect, launchChromium, newPortalContext, watchPage } from "./support/browser.js";
import { rawRequest, startAppWindow, type AppWindow } from "./support/app-window.js";
import { chromiumLogsInFromNss } from "./support/nss-login.js";
import { FakeClock } from "../src/domain/clock.js";
import { nextOtp } from "./support/otp.js";
import { Messages } from "../src/app/messages.js";

/**
 * The issuing app as a window (`inkan-app gui`, issue 11): a real server, the app as its own
 * process serving its screens on 127.0.0.1, and Chromium driven through them as a clerk would:
 * 証明書発行 with the bank chosen from the server's list, the passphrase, the login password and
 * the one-time password screens, 証明書発行結果, the list, 証明書更新, 証明書の削除, 閉じる.
 */

const BIN = join(process.cwd(), "bin", "inkan-app.mjs");
const BANK = "gbank";
const PASSPHRASE = "store-pass-1";

for (const db of DATABASES) {
  // the screens are photographed (and axe-checked) once, in the SQLite run; the PostgreSQL run
  // starts the app in an English-speaking OS and checks the words
  const shots = db === "sqlite";
  const locale = db === "sqlite" ? "ja" : "en";
  describe(`the issuing app's window (${db})`, () => {
    let h: Harness;
    let home: string;
    let browser: Browser | undefined;
    // the server's clock starts five minutes behind the real one: each one-time password moves it on
    // 30 seconds, and Chromium offers no client certificate whose notBefore is still ahead of its clock
    const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000 - 300_000);

    before(async () => {
      h = await startHarness({
        db,
        clock,
        serve: true,
        banks: [testBank(BANK, { policy: { renewalWindow: "P400D", otp: { acquisition: true, renewal: true } } }), testBank("hbank", { nameJa: "ひまわり銀行", nameEn: "Himawari Bank" })],
      });
      const c = await h.addContract(BANK);
      await h.addUser(BANK, c, "master01", "master");
      for (const u of ["user01", "user02"]) {
        await h.addUser(BANK, c, u, "general");
        await h.registerToken(BANK, u);
      }
      home = mkdtempSync(join(tmpdir(), "inkan-app-gui-"));
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close().catch(() => undefined);
      await h?.close();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    const otp = (loginId: string) => nextOtp(h, clock, BANK, loginId);

    function startWindow(): Promise<AppWindow> {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, LANG: locale === "ja" ? "ja_JP.UTF-8" : "en_US.UTF-8", TZ: "Asia/Tokyo" };
      return startAppWindow(process.execPath, [BIN, "--server", h.https, "--ca-file", h.serverCaFile, "--store", join(home, "store"), "--no-browser"], { env });
    }

    /** Every screen: photographed and axe-checked in both languages, switched by the screen's own link. */
    async function screen(page: Page, name: string) {
      if (!shots) return;
      const other = locale === "ja" ? "en" : "ja";
      await inspect(page, `app-gui-${name}-${locale}`);
      await page.getByRole("link", { name: other === "en" ? "English" : "日本語", exact: true }).click();
      assert.equal(await page.locator("html").getAttribute("lang"), other);
      await inspect(page, `app-gui-${name}-${other}`);
      await page.getByRole("link", { name: other === "en" ? "日本語" : "English", exact: true }).click();
      assert.equal(await page.locator("html").getAttribute("lang"), locale);
    }

    const m = new Messages(locale);
    const word = (ja: string, en: string) => (locale === "ja" ? ja : en);
    const next = (page: Page) => page.getByRole("button", { name: word("次へ", "Next") }).click();
    const heading = (page: Page) => page.locator("h1").innerText();

    test("its local server: the token opens it once, another Host and a POST from another origin are refused, nothing is cached", async () => {
      const w = await startWindow();
      try {
        const first = await rawRequest(w.url);
        assert.equal(first.status, 303);
        assert.equal(first.headers.location, "/", "sent on to a clean address");
        const cookie = String(first.headers["set-cookie"]);
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Strict/);
        assert.equal((await rawRequest(w.url)).status, 403, "the token works once");
        const session = cookie.split(";")[0]!;
        const page = await rawRequest(`${w.origin}/`, { headers: { cookie: session } });
        assert.equal(page.status, 200);
        assert.match(page.body, /CCHK001/);
        assert.equal(page.headers["cache-control"], "no-store");
        assert.match(String(page.headers["content-security-policy"]), /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
        assert.doesNotMatch(page.body, /<script/);
        assert.equal((await rawRequest(`${w.origin}/`)).status, 403, "no session cookie, no page");
        // DNS rebinding: a site whose name resolves to 127.0.0.1 still sends its own name
        const port = new URL(w.origin).port;
        for (const host of [`evil.example:${port}`, `localhost:${port}`, "127.0.0.1"]) {
          assert.equal((await rawRequest(`${w.origin}/`, { headers: { host, cookie: session } })).status, 403, host);
        }
        const form = { "content-type": "application/x-www-form-urlencoded", cookie: session };
        for (const origin of ["http://evil.example", `http://localhost:${port}`, "null"]) {
          assert.equal((await rawRequest(`${w.origin}/close`, { method: "POST", headers: { ...form, origin }, body: "" })).status, 403, origin);
        }
        assert.equal((await rawRequest(`${w.origin}/close`, { method: "POST", headers: form, body: "" })).status, 403, "a POST without Origin");
        const refused = await rawRequest(`${w.origin}/`, { headers: { host: `evil.example:${port}`, cookie: session } });
        assert.match(refused.body, /証明書発行アプリを起動し直し/);
        // still running: the refused POSTs did not close it
        const closed = await rawRequest(`${w.origin}/close`, { method: "POST", headers: { ...form, origin: w.origin }, body: "" });
        assert.equal(closed.status, 200);
        assert.equal(await w.exited, 0);
      } finally {
        w.proc.kill();
      }
    });

    test("issue with the bank from the list → list → renew → delete the old one → a wrong password's words → 閉じる", async () => {
      const w = await startWindow();
      const errors: string[] = [];
      const context = await newPortalContext(browser!, w.origin, { locale: locale === "ja" ? "ja-JP" : "en-US" });
      try {
        const page = await context.newPage();
        watchPage(page, errors);
        await page.goto(w.url);
        assert.equal(new URL(page.url()).pathname, "/", "the token is gone from the address");
        if (shots) {
          // the start address a second time: refused, in both languages (who asks is not known)
          assert.equal((await page.goto(w.url))?.status(), 403);
          await inspect(page, "app-gui-refused");
          await page.goto(`${w.origin}/`);
        }
        assert.equal(await heading(page), word("証明書取得", "Certificate acquisition"));
        await screen(page, "home-empty");

        // 証明書発行: the bank from the server's list, the login ID
        await page.getByRole("link", { name: word("証明書発行", "Issue a certificate") }).click();
        const banks = await page.locator("select#bank option").allInnerTexts();
        assert.deepEqual(banks, word("テスト銀行,ひまわり銀行", "Test Bank,Himawari Bank").split(","));
        await screen(page, "issue");
        await page.selectOption("select#bank", BANK);
        await page.getByLabel(word("ログインID", "Login ID")).fill("user01");
        await next(page);
        // a new store: its passphrase is set once, with a confirmation
        assert.equal(await heading(page), word("証明書ストアのパスフレーズ設定", "Set the certificate store passphrase"));
        await screen(page, "new-passphrase");
        await page.getByLabel(word("パスフレーズ", "Passphrase"), { exact: true }).fill(PASSPHRASE);
        await page.getByLabel(word("パスフレーズ（確認用）", "Passphrase (again)")).fill(PASSPHRASE);
        await next(page);
        assert.equal(await heading(page), word("ログインパスワード入力", "Login password"));
        await screen(page, "password");
        await page.getByLabel(word("ログインパスワード", "Login password")).fill("Pass1234");
        await next(page);
        // the bank asks for the one-time password (the server's otp_required): its own screen
        assert.equal(await heading(page), word("ワンタイムパスワード入力", "One-time password"));
        await screen(page, "otp");
        await page.getByLabel(word("ワンタイムパスワード", "One-time password")).fill(await otp("user01"));
        await next(page);

        assert.equal(await heading(page), word("証明書発行結果", "Certificate issuance result"));
        const result = await page.locator("main").innerText();
        assert.match(result, /Organization\s+Test Bank, Ltd\./);
        assert.match(result, /Organization Unit\s+Test Bank TEST CA - G1/);
        assert.match(result, /Common Name\s+user01 A00\d \d{20}/);
        const serial = new RegExp(`${word("証明書シリアル番号", "Serial number")}\\s+([0-9a-f]{32})`).exec(result)?.[1];
        assert.ok(serial, result);
        const firstCn = /Common Name\s+(.+)/.exec(result)![1]!.trim();
        assert.ok(result.includes(join(home, ".pki", "nssdb")), `installed into NSS: ${result}`);
        assert.equal((await h.rt.store.getCertificate(BANK, serial))?.state, "active", "confirmed at the server");
        await screen(page, "issue-result");

        // 証明書取得: the list, CN=…, OU=…, O=…
        await page.getByRole("link", { name: word("証明書取得画面へ戻る", "Back to Certificate acquisition") }).click();
        const row = page.locator("tbody tr");
        assert.equal(await row.count(), 1);
        assert.match(await row.innerText(), new RegExp(`CN=user01 A00\\d \\d{20}, OU=Test Bank TEST CA - G1, O=Test Bank, Ltd\\.[\\s\\S]*${word("更新可", "Renewable")}`), "renewal is open at once (window P400D)");
        await screen(page, "home-list");

        // a refusal: the server's words and the app's what-to-do, as the command line prints them
        await page.getByRole("link", { name: word("証明書発行", "Issue a certificate") }).click();
        await page.selectOption("select#bank", BANK);
        await page.getByLabel(word("ログインID", "Login ID")).fill("user02");
        await next(page);
        // the passphrase is asked once a window: not again
        assert.equal(await heading(page), word("ログインパスワード入力", "Login password"));
        await page.getByLabel(word("ログインパスワード", "Login password")).fill("Wrong9999");
        await next(page);
        if ((await heading(page)) === word("ワンタイムパスワード入力", "One-time password")) {
          await page.getByLabel(word("ワンタイムパスワード", "One-time password")).fill(await otp("user02"));
          await next(page);
        }
        assert.equal(await heading(page), word("エラー", "Error"));
        const refusal = await page.locator("main").innerText();
        assert.ok(refusal.includes(`${m.t("label_error")}: ${word("ログインIDまたはログインパスワードが正しくありません", "The login ID or login password is not correct")}`), refusal);
        assert.ok(refusal.includes(`${m.t("label_todo")}: ${m.t("hint_login")}`), refusal);
        assert.match(refusal, /auth_failed/);
        await screen(page, "error");
        await page.getByRole("link", { name: word("証明書取得画面へ戻る", "Back to Certificate acquisition") }).click();

        // 証明書更新 of the chosen certificate: login password, one-time password, the same result screen
        await page.getByRole("radio").first().check();
        await page.getByRole("button", { name: word("証明書更新", "Renew certificate") }).click();
        assert.equal(await heading(page), word("ログインパスワード入力", "Login password"));
        await page.getByLabel(word("ログインパスワード", "Login password")).fill("Pass1234");
        await next(page);
        assert.equal(await heading(page), word("ワンタイムパスワード入力", "One-time password"));
        await page.getByLabel(word("ワンタイムパスワード", "One-time password")).fill(await otp("user01"));
        await next(page);
        assert.equal(await heading(page), word("証明書更新結果", "Certificate renewal result"));
        const renewal = await page.locator("main").innerText();
        const renewed = new RegExp(`${word("証明書シリアル番号", "Serial number")}\\s+([0-9a-f]{32})`).exec(renewal)?.[1];
        const cn = /Common Name\s+(.+)/.exec(renewal)![1]!.trim();
        assert.ok(renewed && renewed !== serial);
        assert.equal((await h.rt.store.getCertificate(BANK, renewed))?.state, "active");
        assert.equal((await h.rt.store.getCertificate(BANK, serial))?.state, "superseded");
        await screen(page, "renew-result");

        // 証明書の削除: the superseded one goes at once; the valid one asks first
        await page.getByRole("link", { name: word("証明書取得画面へ戻る", "Back to Certificate acquisition") }).click();
        assert.equal(await row.count(), 2);
        assert.match(await row.nth(0).innerText(), new RegExp(word("更新済み", "Superseded")));
        await page.locator(`input[value="${serial}"]`).check();
        await page.getByRole("button", { name: word("証明書の削除", "Delete certificate") }).click();
        const deletedNotice = await page.getByRole("status").innerText();
        assert.match(deletedNotice, new RegExp(word("削除しました", "Deleted")));
        assert.ok(deletedNotice.includes(join(home, ".pki", "nssdb")), `and out of NSS: ${deletedNotice}`);
        assert.equal(await row.count(), 1);
        await screen(page, "home-deleted");
        await page.locator(`input[value="${renewed}"]`).check();
        await page.getByRole("button", { name: word("証明書の削除", "Delete certificate") }).click();
        assert.equal(await heading(page), word("証明書の削除確認", "Delete certificate: confirmation"));
        assert.ok((await page.locator("main").innerText()).includes(m.t("err_delete_valid", { cn })), "the command line's words for a valid one");
        await screen(page, "delete-confirm");
        await page.getByRole("link", { name: word("戻る", "Back"), exact: true }).click();
        assert.equal(await row.count(), 1, "kept: the person went back");

        if (shots) {
          // Chromium itself logs in with the certificate the window put into NSS
          const login = await chromiumLogsInFromNss(h, home, BANK);
          await login.close();
          assert.equal(login.presented, "active", login.nss);
          assert.ok(!login.nss.includes(firstCn), `証明書の削除 took the superseded one out of NSS too:\n${login.nss}`);
          assert.equal(login.loginId, "user01");
          assert.equal(login.serial, renewed, "the renewed certificate, from NSS");
        }

        await page.getByRole("button", { name: word("閉じる", "Close") }).click();
        assert.equal(await heading(page), word("証明書発行アプリを終了しました", "The issuing app has closed"));
        if (shots) await inspect(page, "app-gui-closed-ja");
        else await inspect(page, "app-gui-closed-en");
        assert.equal(await w.exited, 0, w.stderr());
        assert.deepEqual(errors, [], "no page error, no CSP refusal");
      } finally {
        await context.close();
        w.proc.kill();
      }
    });
  });
}
