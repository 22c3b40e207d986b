import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DATABASES, run, startHarness, testBank, type Harness } from "./support/harness.js";
import { addStaffMember } from "./support/staff.js";
import { inspect, launchChromium, newPortalContext, watchPage, type ClientCert } from "./support/browser.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";

/**
 * Issue 11's first day, in real Chromium on SQLite and again on PostgreSQL, with no demo data and
 * no secret read from the database: everything a person types comes from a screen.
 *
 * Bank staff open a contract and register its master in the staff console (HTTPS, the operator's
 * .p12 that the real `inkan staff add` wrote), and read the initial passwords off the letter. The
 * master acquires a certificate in the page with the login ID and the initial password (no
 * one-time password: there is no token yet), logs in with it, is made to change the password, then
 * to enrol a token (QR code and key; the test's "authenticator" computes codes from the key shown),
 * and registers a general user, who does the same in English. The master resets that user's token in
 * 利用者管理; the user enrols again. Then the clock moves into the renewal window and the renewal
 * asks for the code. The bank's policy is the seeds' default: one-time passwords at acquisition and
 * renewal. Every customer screen this issue added or changed is photographed, ja and en, and
 * checked by axe (test-artifacts/screenshots/first-day-<db>-<screen>.png).
 */

const BANK = "fday";
const P12_PASS = "first-day-P12";
const STAFF_P12 = "first-day-staff-P12";
const DAY = 86_400_000;

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

for (const db of DATABASES) {
  describe(`the first day, in Chromium (${db})`, () => {
    let h: Harness;
    let browser: Browser;
    let work: string;
    let staffOrigin: string;
    let operatorP12: ClientCert;
    // Chromium's side of the TLS sees the wall clock: start there, move forward only for renewal
    const clock = new FakeClock(wholeSeconds(new Date()));
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    const shot = (page: Page, name: string) => inspect(page, `first-day-${db}-${name}`);
    const url = (path: string) => `${h.https}/${BANK}${path}`;
    const heading = async (page: Page) => (await page.locator("main h1").innerText()).trim();

    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK, { policy: { otp: { acquisition: true, renewal: true } } })] });
      staffOrigin = `https://localhost:${h.serving!.staffPort}`;
      const { pfx, passphrase } = (await addStaffMember(h, { bank: BANK, id: "op01", role: "operator", passphrase: STAFF_P12, name: "行員 一郎" })).p12;
      operatorP12 = { pfx, passphrase };
      // the staff certificate was made by the real clock just now: the server's clock catches up
      clock.set(wholeSeconds(new Date(Date.now() + 2_000)));
      browser = await launchChromium();
      work = mkdtempSync(join(tmpdir(), "inkan-first-day-"));
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await h?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    async function open(origin: string, o: { cert?: ClientCert; locale?: string } = {}): Promise<Page> {
      const context = await newPortalContext(browser, origin, o);
      contexts.push(context);
      const page = await context.newPage();
      watchPage(page, problems);
      return page;
    }

    /** The person's authenticator: the code for the key the screen showed, at the next 30-second step. */
    const authenticator = (key: string) => {
      clock.advance(30_000);
      return totpCode(key, clock.now());
    };

    /** 電子証明書発行 from the login screen with the login ID and the password only; the downloaded .p12. */
    async function acquireInPage(loginId: string, password: string, o: { locale: string; shots?: string }): Promise<ClientCert> {
      const page = await open(h.https, { locale: o.locale });
      await page.goto(url("/login"));
      await page.locator(`main a[href="/${BANK}/certificate/issue"]`).first().click();
      await page.waitForURL(/\/certificate\/issue$/);
      // the one-time password field is for token holders; this user has none and leaves it empty
      const otp = page.locator("#otp");
      assert.equal(await otp.count(), 1);
      assert.equal(await otp.getAttribute("required"), null, "not required: a first acquisition has no token");
      await page.locator("#loginId").fill(loginId);
      await page.locator("#password").fill(password);
      if (o.shots) await shot(page, `${o.shots}issue-auth`);
      await page.locator(`form[action="/${BANK}/certificate/issue"] button[type=submit]`).click();
      await page.waitForURL(/\/certificate\/issue\/confirm$/);
      await page.locator("#p12-password").fill(P12_PASS);
      await page.locator("#p12-confirm").fill(P12_PASS);
      await page.locator("#issue-form button[type=submit]").click();
      await page.locator("#issue-result").waitFor({ state: "visible" });
      const cn = (await page.locator('#issue-result [data-field="commonName"]').innerText()).trim();
      assert.ok(cn.startsWith(loginId), cn);
      const [dl] = await Promise.all([page.waitForEvent("download"), page.locator("#p12-download").click()]);
      const file = join(work, `${db}-${loginId}-${Date.now()}.p12`);
      await dl.saveAs(file);
      await run("openssl", ["pkcs12", "-noout", "-in", file, "-passin", `pass:${P12_PASS}`]);
      await page.context().close();
      return { pfx: readFileSync(file), passphrase: P12_PASS };
    }

    /** ログイン with the certificate: the screen asks only the password. */
    async function certLogin(page: Page, password: string) {
      await page.goto(url("/login"));
      await page.locator("#cert-password").fill(password);
      await page.locator("form:has(#cert-password) button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.endsWith("/login"));
    }

    /** The forced password change, then the forced enrolment: every other page sends the user back there. The key shown. */
    async function firstLogin(page: Page, p: { initial: string; next: string; confirm: string; shots?: string }): Promise<string> {
      await certLogin(page, p.initial);
      await page.waitForURL(/\/password$/);
      if (p.shots) await shot(page, `${p.shots}password-forced`);
      await page.locator("#current").fill(p.initial);
      await page.locator("#next").fill(p.next);
      await page.locator("#again").fill(p.next);
      await page.locator("main form button[type=submit]").click();
      return enrol(page, p);
    }

    async function enrol(page: Page, p: { confirm: string; shots?: string }): Promise<string> {
      // after the change (or at the login) the enrolment is due
      await page.waitForURL(/\/otp$/);
      assert.equal(await page.locator("nav.menu").count(), 0, "no menu while the enrolment is due");
      for (const path of ["/top", "/admin", "/history"]) {
        await page.goto(url(path));
        await page.waitForURL(/\/otp$/);
      }
      if (p.shots) await shot(page, `${p.shots}otp-forced`);
      await page.locator("#confirmPassword").fill(p.confirm);
      await page.locator(`form[action="/${BANK}/otp"] button[type=submit]`).click();
      await page.locator("dl.facts dd.mono").waitFor();
      await page.locator("main img").first().waitFor();
      const key = (await page.locator("dl.facts dd.mono").innerText()).trim();
      assert.match(key, /^[A-Z2-7]{32}$/);
      if (p.shots) await shot(page, `${p.shots}otp-shown`);
      // a wrong code confirms nothing; the key is not shown again
      await page.locator("#otp").fill("000000");
      await page.locator(`form[action="/${BANK}/otp/confirm"] button[type=submit]`).click();
      await page.locator(".notice.error").waitFor();
      assert.equal(await page.locator("dl.facts dd.mono").count(), 0);
      if (p.shots) await shot(page, `${p.shots}otp-wrong-code`);
      await page.locator("#otp").fill(authenticator(key));
      await page.locator(`form[action="/${BANK}/otp/confirm"] button[type=submit]`).click();
      await page.locator(".notice.success").waitFor();
      if (p.shots) await shot(page, `${p.shots}otp-done`);
      await page.locator(`main a[href="/${BANK}/top"]`).click();
      await page.waitForURL(/\/top$/);
      return key;
    }

    test("staff open the contract and register the master → the master and a general user acquire, change the password, enrol → a token reset → renewal asks for the code", async () => {
      // ---- the bank: 契約開設 and マスターユーザ登録 in the staff console; the letter's initial passwords
      const staff = await open(staffOrigin, { cert: operatorP12 });
      const opened = await staff.goto(`${staffOrigin}/contracts/new`);
      assert.equal(opened?.status(), 200, await staff.content());
      await staff.locator("#code").fill("K100");
      await staff.locator("#name").fill("株式会社はじめて商事");
      await staff.locator("#method-certificate").check();
      await staff.getByRole("button", { name: "確認へ進む" }).click();
      await staff.getByRole("button", { name: "実行" }).click();
      await staff.locator(`a[href="/contracts/K100/master"]`).first().click();
      await staff.waitForURL(/\/contracts\/K100\/master$/);
      await staff.locator("#loginId").fill("hmaster01");
      await staff.locator("#name").fill("初日 一郎");
      await staff.locator("#email").fill("hmaster01@example.jp");
      await staff.getByRole("button", { name: "確認へ進む" }).click();
      await staff.getByRole("button", { name: "実行" }).click();
      await staff.locator('article.letter [data-letter="password"]').first().waitFor();
      const masterInitial = (await staff.locator('article.letter [data-letter="password"]').first().innerText()).trim();
      const masterConfirm = (await staff.locator('article.letter [data-letter="confirm-password"]').first().innerText()).trim();
      assert.ok(masterInitial.length >= 8 && masterConfirm.length >= 8);
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "hmaster01"))!.mustChangePassword, true);

      // ---- the master: the first certificate with the login ID and the initial password
      const masterCert = await acquireInPage("hmaster01", masterInitial, { locale: "ja-JP", shots: "ja-" });
      const m = await open(h.https, { cert: masterCert, locale: "ja-JP" });
      const masterKey = await firstLogin(m, { initial: masterInitial, next: "Hajime2027", confirm: masterConfirm, shots: "ja-" });
      assert.equal(await heading(m), "トップページ");

      // ---- 利用者登録 of a general user: no token with it, the first-use steps on the result
      await m.goto(url("/admin/users/new"));
      await m.locator("#loginId").fill("huser01");
      await m.locator("#name").fill("初日 花子");
      await m.locator("#email").fill("huser01@example.jp");
      await m.locator("#role").selectOption("general");
      await m.locator("#initialPassword").fill("Shoki1234");
      await m.locator("#initialConfirm").fill("Kakunin567");
      await m.locator("#confirmPassword").fill(masterConfirm);
      await shot(m, "ja-user-add-form");
      await m.locator(`form[action="/${BANK}/admin/users/new"] button[type=submit]`).click();
      await m.getByText("ログインIDと初期ログインパスワードで電子証明書を取得します").waitFor();
      assert.equal(await m.locator("main img").count(), 0, "no QR code: the user enrols at the first login");
      await shot(m, "ja-user-added");

      // ---- the general user, in English: the same first day
      const userCert = await acquireInPage("huser01", "Shoki1234", { locale: "en-US", shots: "en-" });
      const u = await open(h.https, { cert: userCert, locale: "en-US" });
      await firstLogin(u, { initial: "Shoki1234", next: "Hanako2027", confirm: "Kakunin567", shots: "en-" });

      // ---- a lost phone: the master resets the user's token in 利用者管理 (確認用パスワード)
      await m.goto(url("/admin"));
      await m.locator(`a[href="/${BANK}/admin/users?task=otp_reset"]`).click();
      await m.waitForURL(/task=otp_reset/);
      await shot(m, "ja-otp-reset-list");
      await m.locator('input[type=radio][value="huser01"]').check();
      await m.locator(`form[action="/${BANK}/admin/confirm"] button[type=submit]`).click();
      await m.waitForURL(/\/admin\/confirm\?/);
      assert.equal(await heading(m), "ワンタイムパスワード初期化確認");
      await m.getByText("登録済み").first().waitFor();
      await shot(m, "ja-otp-reset-confirm");
      await m.locator("#confirmPassword").fill(masterConfirm);
      await m.locator(`form[action="/${BANK}/admin/confirm"] button[type=submit]`).click();
      await m.waitForURL(/\/admin\/done\?task=otp_reset/);
      await m.getByText("未登録").first().waitFor();
      await shot(m, "ja-otp-reset-done");
      // the user's session has ended; the next login leads to the enrolment again
      await certLogin(u, "Hanako2027");
      const userKey = await enrol(u, { confirm: "Kakunin567" });

      // ---- the same 利用者管理 screens in English (the master's session in an English browser)
      const me = await open(h.https, { cert: masterCert, locale: "en-US" });
      await certLogin(me, "Hajime2027");
      await me.waitForURL(/\/top$/);
      await me.goto(url("/admin/users?task=otp_reset"));
      assert.equal(await heading(me), "Reset a user's one-time password: Users");
      await shot(me, "en-otp-reset-list");
      await me.locator('input[type=radio][value="huser01"]').check();
      await me.locator(`form[action="/${BANK}/admin/confirm"] button[type=submit]`).click();
      await me.waitForURL(/\/admin\/confirm\?/);
      await me.getByText("Registered", { exact: true }).waitFor();
      await shot(me, "en-otp-reset-confirm");
      await me.goto(url("/admin/done?task=otp_reset&user=huser01"));
      await shot(me, "en-otp-reset-done");
      await me.goto(url("/admin/users/new"));
      await me.locator("#loginId").fill("huser02");
      await me.locator("#name").fill("初日 三郎");
      await me.locator("#email").fill("huser02@example.jp");
      await me.locator("#initialPassword").fill("Shoki5678");
      await me.locator("#initialConfirm").fill("Kakunin890");
      await me.locator("#confirmPassword").fill(masterConfirm);
      await shot(me, "en-user-add-form");
      await me.locator(`form[action="/${BANK}/admin/users/new"] button[type=submit]`).click();
      await me.getByText("using the login ID and the initial login password").waitFor();
      await shot(me, "en-user-added");

      // ---- renewal, 20 days before the master's certificate expires: the code is asked
      const cert = (await h.rt.store.userCertificates(BANK, (await h.rt.store.getUserByLoginId(BANK, "hmaster01"))!.id)).find((c) => c.state === "active")!;
      clock.set(cert.notAfter.getTime() - 20 * DAY);
      const r = await open(h.https, { cert: masterCert, locale: "ja-JP" });
      await certLogin(r, "Hajime2027");
      await r.waitForURL(/\/renewal\/select$/);
      await r.goto(url("/renewal"));
      const otp = r.locator("#otp");
      assert.notEqual(await otp.getAttribute("required"), null, "with a token, renewal asks for the code");
      await r.locator("#password").fill("Hajime2027");
      await otp.fill(authenticator(masterKey));
      await r.locator("#p12-password").fill(P12_PASS);
      await r.locator("#p12-confirm").fill(P12_PASS);
      await shot(r, "ja-renewal-with-code");
      await r.locator("#issue-form button[type=submit]").click();
      await r.locator("#issue-result").waitFor({ state: "visible" });
      const serial = (await r.locator('#issue-result [data-field="serial"]').innerText()).trim();
      assert.notEqual(serial, cert.serial);
      assert.equal(await heading(r), "証明書発行結果");
      await shot(r, "ja-renewal-result");
      // the general user's renewal screen, in English, asks for the code too
      const ur = await open(h.https, { cert: userCert, locale: "en-US" });
      await certLogin(ur, "Hanako2027");
      await ur.goto(url("/renewal"));
      assert.notEqual(await ur.locator("#otp").getAttribute("required"), null);
      await ur.locator("#password").fill("Hanako2027");
      await ur.locator("#otp").fill(authenticator(userKey));
      await ur.locator("#p12-password").fill(P12_PASS);
      await ur.locator("#p12-confirm").fill(P12_PASS);
      await shot(ur, "en-renewal-with-code");
      await ur.locator("#issue-form button[type=submit]").click();
      await ur.locator("#issue-result").waitFor({ state: "visible" });
      assert.equal(await heading(ur), "Certificate issuance: result");
      await shot(ur, "en-renewal-result");
      assert.match(userKey, /^[A-Z2-7]{32}$/);
      assert.deepEqual(problems.splice(0), [], "no page error and no CSP refusal");
    });
  });
}
