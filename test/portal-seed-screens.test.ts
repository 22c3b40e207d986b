import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { estEnroll, newKeyAndCsr, type Identity } from "./support/client.js";
import { inspect, launchChromium, newPortalContext, watchPage } from "./support/browser.js";
import { FakeClock } from "../src/domain/clock.js";
import { formatJaDateTime, formatLocalDateTime } from "../src/domain/time-zone.js";

/**
 * The screens whose words follow the seeds (issue 11, Build 5), in real Chromium on SQLite and
 * PostgreSQL, each photographed in Japanese and English and checked by axe:
 * 証明書更新選択 with 「更新する」, 証明書発行結果 as its own title, the expired certificate's grace period.
 * Each scenario sets the injected clock where it needs it.
 */

const BANK = "sbank";
const PASSWORD = "Pass1234";
const P12_PASS = "p12-pass-word";
const DAY = 86_400_000;
const JST = 540;

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

for (const db of DATABASES) {
  describe(`the seeds' screens in Chromium (${db})`, () => {
    let h: Harness;
    let browser: Browser;
    const start = wholeSeconds(new Date());
    const clock = new FakeClock(start);
    const ids: Record<string, Identity> = {};
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    const shot = (page: Page, name: string) => inspect(page, `${db}-seed-${name}`);
    const url = (path: string) => `${h.https}/${BANK}${path}`;

    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      const c = await h.addContract(BANK, "C0001");
      for (const [id, role] of [
        ["master01", "master"],
        ["admin01", "admin"],
        ["renew01", "general"],
        ["renew02", "general"],
        ["issue01", "general"],
        ["issue02", "general"],
        ["late01", "general"],
      ] as const)
        await h.addUser(BANK, c, id, role);
      for (const id of ["master01", "admin01", "renew01", "renew02", "late01"]) {
        const r = await estEnroll(h, BANK, id, PASSWORD, await newKeyAndCsr({ kind: "rsa2048" }));
        assert.equal(r.status, 200, r.text);
        ids[id] = r.identity!;
      }
      browser = await launchChromium();
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await h?.close();
    });

    async function open(o: { cert?: Identity; locale?: string } = {}): Promise<Page> {
      const cert = o.cert ? { keyPem: o.cert.keyPem, certPem: o.cert.certPem } : undefined;
      const context = await newPortalContext(browser, h.https, { cert, locale: o.locale });
      contexts.push(context);
      const page = await context.newPage();
      watchPage(page, problems);
      return page;
    }
    const heading = async (page: Page) => (await page.locator("main h1").innerText()).trim();
    const screenId = async (page: Page) => (await page.locator("main .screen-id").innerText()).trim();
    function noPageProblems() {
      assert.deepEqual(problems.splice(0), []);
    }
    /** ログイン with the presented certificate and the password; where the server sends the user next. */
    async function certLogin(page: Page) {
      await page.goto(url("/login"));
      await page.locator("#cert-password").fill(PASSWORD);
      await page.locator("form:has(#cert-password) button[type=submit]").click();
      await page.waitForURL((u) => !u.pathname.endsWith("/login"));
    }
    const notAfterOf = async (id: string) => (await h.rt.store.getCertificate(BANK, ids[id]!.serial))!.notAfter;

    test("証明書更新選択 (BRNW001): 「更新する」 is offered and chosen at first; 「次回ログイン時に更新する。」 goes to the top page; in English too", async () => {
      clock.set((await notAfterOf("renew01")).getTime() - 20 * DAY);
      const page = await open({ cert: ids.renew01 });
      await certLogin(page);
      await page.waitForURL(/\/renewal\/select$/);
      assert.equal(await heading(page), "証明書更新選択");
      assert.equal(await screenId(page), "BRNW001");
      // the seeds' words: 「更新する」を選択し「実行」
      await page.getByText("電子証明書を更新する場合は「更新する」を選択し「実行」ボタンを押してください。").waitFor();
      const renewNow = page.getByRole("radio", { name: "更新する", exact: true });
      const later = page.getByRole("radio", { name: "次回ログイン時に更新する。" });
      assert.equal(await renewNow.isChecked(), true, "renewing now is the default");
      assert.equal(await later.isChecked(), false);
      await shot(page, "renewal-select-ja");
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/renewal$/);
      assert.equal(await heading(page), "証明書発行確認（更新）");
      await page.goto(url("/renewal/select"));
      await later.check();
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/top$/);

      const en = await open({ cert: ids.renew02, locale: "en-US" });
      await certLogin(en);
      await en.waitForURL(/\/renewal\/select$/);
      assert.equal(await heading(en), "Certificate renewal");
      assert.equal(await en.getByRole("radio", { name: "Renew now" }).isChecked(), true);
      await en.getByRole("radio", { name: "Renew at my next login." }).waitFor();
      await shot(en, "renewal-select-en");
      clock.set(start.getTime());
      noPageProblems();
    });

    test("利用者一覧: 並び順 (the list's columns), 昇順・降順 and 再表示 re-sort the list; in English too", async () => {
      const page = await open({ cert: ids.master01 });
      await certLogin(page);
      await page.goto(url("/admin/users?task=revoke"));
      const loginIds = () => page.$$eval("table tbody tr", (trs) => trs.map((tr) => ((tr as HTMLTableRowElement).cells[1]?.textContent ?? "").trim()));
      const first = await loginIds();
      assert.deepEqual(first, [...first].sort(), "by login ID at first");
      assert.equal(await page.getByLabel("並び順").inputValue(), "loginId");
      assert.deepEqual(await page.locator("#sort option").allInnerTexts(), ["ログインID", "利用者名", "利用者区分", "証明書状態", "証明書有効期限"]);
      assert.deepEqual(await page.locator("#order option").allInnerTexts(), ["昇順", "降順"]);
      await page.getByLabel("並び順").selectOption({ label: "利用者区分" });
      await page.getByLabel("昇順・降順").selectOption({ label: "降順" });
      await page.getByRole("button", { name: "再表示" }).click();
      await page.waitForURL(/[?&]sort=role&order=desc$/);
      const byRole = await loginIds();
      assert.equal(byRole.at(-1), "master01", "the master last when descending by role");
      assert.equal(byRole.at(-2), "admin01");
      assert.equal(await page.getByLabel("並び順").inputValue(), "role", "the choice stays chosen");
      await shot(page, "user-list-sorted-ja");
      // 未発行 users have no expiry: they stay at the end, ascending and descending alike
      await page.goto(url("/admin/users?task=revoke&sort=expiry&order=desc"));
      const byExpiry = await loginIds();
      assert.deepEqual(byExpiry.slice(-2).sort(), ["issue01", "issue02"].filter((id) => byExpiry.includes(id)).sort());
      // a made-up order reads as the first one
      await page.goto(url("/admin/users?task=revoke&sort=password&order=sideways"));
      assert.deepEqual(await loginIds(), first);

      const en = await open({ cert: ids.master01, locale: "en-US" });
      await certLogin(en);
      await en.goto(url("/admin/users?task=revoke&sort=name&order=asc"));
      await en.getByLabel("Sort by").waitFor();
      await en.getByRole("button", { name: "Show again" }).waitFor();
      await shot(en, "user-list-sorted-en");
      noPageProblems();
    });

    test("電子証明書発行: after 発行 the screen is 証明書発行結果 (title, heading, screen ID), in Japanese and English", async () => {
      for (const [loginId, locale, confirm, result, issueButton] of [
        ["issue01", "ja-JP", "証明書発行確認", "証明書発行結果", "発行"],
        ["issue02", "en-US", "Certificate issuance: confirmation", "Certificate issuance: result", "Issue"],
      ] as const) {
        const page = await open({ locale });
        await page.goto(url("/certificate/issue"));
        await page.locator("#loginId").fill(loginId);
        await page.locator("#password").fill(PASSWORD);
        await page.locator("form button[type=submit]").first().click();
        await page.waitForURL(/\/certificate\/issue\/confirm$/);
        assert.equal(await heading(page), confirm);
        assert.ok((await page.title()).startsWith(confirm));
        await page.locator("#p12-password").fill(P12_PASS);
        await page.locator("#p12-confirm").fill(P12_PASS);
        await page.getByRole("button", { name: issueButton, exact: true }).click();
        await page.locator("#issue-result").waitFor({ state: "visible" });
        assert.equal(await heading(page), result);
        assert.ok((await page.title()).startsWith(result), await page.title());
        assert.equal(await screenId(page), "BCIS003");
        assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", "the new title takes the focus");
        assert.match(await page.locator('#issue-result [data-field="commonName"]').innerText(), new RegExp(`^${loginId} `));
        await shot(page, `issue-result-${locale.slice(0, 2)}`);
      }
      noPageProblems();
    });

    test("有効期限切れ: the refusal screen says acquisition is possible only within 90 days, until which day, and whom to ask after", async () => {
      const notAfter = await notAfterOf("late01");
      const ends = new Date(notAfter.getTime() + 90 * DAY);
      clock.set(notAfter.getTime() + DAY);
      const page = await open({ cert: ids.late01 });
      await page.goto(url("/refused/expired"));
      assert.equal(await heading(page), "電子証明書エラー");
      await page.getByText("電子証明書の有効期限が切れています。").waitFor();
      await page.getByText("有効期限が切れた電子証明書の再取得は、有効期限から90日以内に限り可能です。").waitFor();
      await page.getByText(`お客様の電子証明書は${formatJaDateTime(ends, JST)}まで取得できます。`).waitFor();
      await page.getByText("期間を過ぎた場合：マスターユーザまたは管理者ユーザに初期化を依頼してください。").waitFor();
      await shot(page, "expired-ja");
      // the master's is reset by the bank (graceResetBy)
      const master = await open({ cert: ids.master01, locale: "en-US" });
      await master.goto(url("/refused/expired"));
      await master.getByText("After a certificate has expired, a new one can be acquired only within 90 days of the expiry.").waitFor();
      await master.getByText(`You can acquire yours until ${formatLocalDateTime(ends, JST)}`).waitFor();
      await master.getByText("Please ask your bank to reset your certificate.").waitFor();
      await shot(master, "expired-en");
      // past the grace period: it is over, and the way out is the reset
      clock.set(notAfter.getTime() + 91 * DAY);
      await page.reload();
      await page.getByText(`有効期限から90日（${formatJaDateTime(ends, JST)}まで）を過ぎたため、電子証明書を取得できません。`).waitFor();
      await page.getByText("マスターユーザまたは管理者ユーザに初期化を依頼してください。", { exact: true }).waitFor();
      await shot(page, "expired-past-grace-ja");
      clock.set(start.getTime());
      noPageProblems();
    });
  });
}
