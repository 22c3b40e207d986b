import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { addStaffMember } from "./support/staff.js";
import { estEnroll, newKeyAndCsr, type Identity } from "./support/client.js";
import { inspect, launchChromium, newPortalContext, watchPage, type ClientCert } from "./support/browser.js";
import { FakeClock } from "../src/domain/clock.js";
import { DAY, jstDay, nextMonday } from "./support/calendar.js";

/**
 * The bank staff console in real Chromium (Debian's, through playwright-core), on SQLite and again
 * on PostgreSQL. An operator presents the .p12 that the real `inkan staff add` wrote (Playwright's
 * clientCertificates: pfx + passphrase) to the console's own origin and goes through the dashboard
 * (the charts checked against certificates issued over EST at chosen FakeClock times), the contracts,
 * a contract's users, a revocation on a paper form (form → confirmation → 実行 → result), the audit
 * search and verification, and the dashboard in English. A bank user's certificate on the staff
 * origin gets the refusal page. Then, in Japanese and again in English: 契約開設 → マスターユーザ登録
 * (no password typed) → the initial-password letter (its print layout too), gone after a reload or
 * a step back → ログイン方式の変更 on the contract screen with its confirmation and result → トークン登録
 * from the users list (the token letter with its QR code) → ワンタイムパスワード再設定 → パスワード再発行
 * (the initial-password letter again). A second bank's dashboard warns that its issuing CA nears
 * the end of what it may sign (ja, en). Every screen is photographed to
 * test-artifacts/screenshots/staff-<db>-<screen>.png and checked by axe-core (no serious or critical
 * finding); page errors and Content-Security-Policy refusals fail the test.
 */

const BANK = "sbank";
const HORIZON = "hbank";
const P12_PASS = "staff-browser-P12";
const PASSWORD = "Pass1234";
/** the axis top niceMax gives for these counts, and the plot's height, in charts.tsx's coordinates */
const PLOT_H = 240 - 12 - 40;

for (const db of DATABASES) {
  describe(`staff console in Chromium (${db})`, () => {
    let h: Harness;
    let browser: Browser;
    let origin: string;
    let operatorP12: ClientCert;
    let horizonP12: ClientCert;
    const clock = new FakeClock(Date.now());
    const users = ["kuser01", "kuser02", "kuser03", "kuser04"];
    const ids: Record<string, Identity> = {};
    const t0 = nextMonday();
    /** Monday and Tuesday of one week, Tuesday and Wednesday of the next */
    const issuedAt = [t0, t0 + DAY, t0 + 8 * DAY, t0 + 9 * DAY];
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    let shots = 0;
    const shot = async (page: Page, name: string) => {
      shots++;
      await inspect(page, `staff-${db}-${name}`);
    };

    before(async () => {
      // certificates of this bank live three weeks exactly, so the weeks they end in are known
      // HORIZON's certificates would run nine years: its issuing CA (ten years) has less than a year
      // left before it may no longer sign them, so its dashboard warns (domain/ca-generations.ts)
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK, { policy: { validity: "PT504H", renewalWindow: "PT24H" } }), testBank(HORIZON, { policy: { validity: "P9Y" } })] });
      origin = `https://localhost:${h.serving!.staffPort}`;
      const { pfx, passphrase } = (await addStaffMember(h, { bank: BANK, id: "op01", role: "operator", passphrase: P12_PASS, name: "行員 一郎" })).p12;
      operatorP12 = { pfx, passphrase };
      horizonP12 = (await addStaffMember(h, { bank: HORIZON, id: "hop01", role: "operator", passphrase: P12_PASS, name: "行員 二郎" })).p12;

      const contract = await h.addContract(BANK, "K001");
      await h.addUser(BANK, contract, "kmaster01", "master"); // without a certificate: nothing on the charts
      for (const u of users) await h.addUser(BANK, contract, u, "general");
      for (const [i, u] of users.entries()) {
        clock.set(issuedAt[i]!);
        const e = await estEnroll(h, BANK, u, PASSWORD, await newKeyAndCsr());
        assert.equal(e.status, 200, e.text);
        ids[u] = e.identity!;
      }
      clock.set(t0 + 10 * DAY); // Thursday of the second week, 10:00 JST
      browser = await launchChromium();
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await h?.close();
    });

    async function open(o: { cert?: ClientCert; locale?: string } = {}): Promise<Page> {
      const context = await newPortalContext(browser, origin, o);
      contexts.push(context);
      const page = await context.newPage();
      watchPage(page, problems);
      return page;
    }
    const heading = async (page: Page) => (await page.locator("main h1").innerText()).trim();
    /** Follows a link and checks where it led: the URL and the page's heading. */
    const follow = async (page: Page, link: Locator, url: RegExp, title: string) => {
      await link.click();
      await page.waitForURL(url);
      assert.equal(await heading(page), title);
    };

    /** The weekly chart's bars and the table's counts, with what each bar's height stands for. */
    async function weekly(page: Page) {
      const bars = await page.$$eval("svg[aria-labelledby^='expiring-chart-title'] rect.bar", (rs) =>
        rs.filter((r) => r.querySelector("title")).map((r) => ({ height: Number(r.getAttribute("height")), title: r.querySelector("title")!.textContent ?? "" })),
      );
      const table = await page.$$eval("#expiring-table td[data-week]", (tds) => tds.map((td) => Number((td.textContent ?? "").trim())));
      return { bars, table };
    }
    async function daily(page: Page, day: string) {
      const cell = async (kind: string) => Number((await page.locator(`#daily-table td[data-day="${day}"][data-kind="${kind}"]`).innerText()).trim());
      return { issued: await cell("issued"), revoked: await cell("revoked") };
    }

    test("an operator's .p12: dashboard charts, contracts, users, a revocation on a paper form, audit search and verify, English", async () => {
      const started = Date.now();
      const page = await open({ cert: operatorP12 });

      // ---- ダッシュボード
      const answer = await page.goto(`${origin}/`);
      assert.equal(answer?.status(), 200);
      assert.equal(await page.locator("html").getAttribute("lang"), "ja");
      assert.equal(await heading(page), "ダッシュボード");
      await page.getByText("行員 一郎").first().waitFor();
      const before = await weekly(page);
      assert.equal(before.bars.length, 13, "one bar for each of the 13 weeks");
      assert.equal(before.table.length, 13);
      // three weeks of validity: kuser01 and kuser02 end in the week after next, kuser03 and kuser04 the week after that
      assert.deepEqual(before.table, [0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      const max = 2; // niceMax(2)
      assert.deepEqual(
        before.bars.map((b) => b.height),
        before.table.map((n) => Number(((n / max) * PLOT_H).toFixed(1))),
        "each bar is as tall as its count",
      );
      before.bars.forEach((b, i) => assert.match(b.title, new RegExp(`: ${before.table[i]}$`)));
      assert.equal(await page.locator("svg[aria-labelledby^='daily-chart-title']").count(), 1);
      // the per-day chart: 30 days, two series
      const dailyBars = await page.locator("svg[aria-labelledby^='daily-chart-title'] rect.bar title").count();
      assert.equal(dailyBars, 2 * (await page.locator("#daily-table tbody tr").count()));
      for (const at of issuedAt) assert.equal((await daily(page, jstDay(at))).issued, 1, jstDay(at));
      assert.deepEqual(await daily(page, jstDay(t0 + 2 * DAY)), { issued: 0, revoked: 0 });
      assert.deepEqual(await daily(page, jstDay(t0 + 10 * DAY)), { issued: 0, revoked: 0 });
      await shot(page, "01-dashboard");

      // ---- 契約一覧 → 契約詳細 → 利用者
      await follow(page, page.locator("nav").getByRole("link", { name: "契約一覧" }), /\/contracts$/, "契約一覧");
      await shot(page, "02-contracts");
      await follow(page, page.getByRole("link", { name: "K001" }), /\/contracts\/K001$/, "契約詳細");
      await shot(page, "03-contract");
      await page.getByRole("link", { name: "利用者を表示する" }).click();
      await page.waitForURL(/\/contracts\/K001\/users$/);
      for (const u of users) await page.locator("main tbody tr", { hasText: u }).first().waitFor();
      await shot(page, "04-users");

      // ---- 証明書失効: form → confirmation → 実行 → result
      await follow(page, page.locator("main tbody tr", { hasText: "kuser04" }).getByRole("link", { name: "証明書失効" }), /\/revoke\?target=kuser04$/, "証明書失効");
      assert.equal(await page.locator("#target").inputValue(), "kuser04");
      await page.locator("#reason").selectOption("affiliationChanged");
      await page.locator("#reference").fill("FORM-B-0001");
      await shot(page, "05-revoke-form");
      await page.getByRole("button", { name: "確認へ進む" }).click();
      await page.waitForURL(/\/confirm\/revoke$/);
      assert.match(await heading(page), /証明書失効\s*確認/);
      await page.locator("dl.facts dd", { hasText: ids.kuser04!.serial.toLowerCase() }).waitFor();
      await page.locator("dl.facts dd", { hasText: "FORM-B-0001" }).waitFor();
      assert.equal((await h.rt.store.getCertificate(BANK, ids.kuser04!.serial))?.state, "pending", "the confirmation changes nothing (issued over EST, not used yet)");
      await shot(page, "06-revoke-confirm");
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/result\/[A-Za-z0-9_-]{32}$/);
      assert.match(await heading(page), /証明書失効\s*結果/);
      await page.getByText("kuser04 の証明書を失効しました").waitFor();
      assert.equal((await h.rt.store.getCertificate(BANK, ids.kuser04!.serial))?.state, "revoked");
      await shot(page, "07-revoke-result");

      // the dashboard now: kuser04 gone from its week, one revocation today
      await page.locator("nav").getByRole("link", { name: "ダッシュボード" }).click();
      await page.waitForURL(`${origin}/`);
      const after = await weekly(page);
      assert.deepEqual(after.table, [0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(
        after.bars.map((b) => b.height),
        after.table.map((n) => Number(((n / max) * PLOT_H).toFixed(1))),
      );
      assert.deepEqual(await daily(page, jstDay(t0 + 10 * DAY)), { issued: 0, revoked: 1 });
      await shot(page, "08-dashboard-after-revoke");

      // ---- 監査ログ検索
      await follow(page, page.locator("nav").getByRole("link", { name: "監査ログ検索" }), /\/audit$/, "監査ログ検索");
      await shot(page, "09-audit-form");
      await page.locator("#loginId").fill("kuser04");
      await page.locator("#operation").selectOption("revoke");
      await page.getByRole("button", { name: "検索" }).click();
      await page.waitForURL(/\/audit\?.*operation=revoke/);
      const rows = await page.$$eval("table.audit tbody tr", (trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((c) => (c.textContent ?? "").trim())));
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0]![2], "staff:op01");
      assert.equal(rows[0]![3], "certificate.revoke");
      assert.match(rows[0]![8]!, /FORM-B-0001/);
      await shot(page, "10-audit-results");

      // ---- 監査ログ検証
      await follow(page, page.locator("nav").getByRole("link", { name: "監査ログ検証" }), /\/audit\/verify$/, "監査ログ検証");
      assert.match(await page.locator("[data-verify=ok]").innerText(), /^OK：監査ログ \d+件に改ざんは検出されませんでした。$/);
      await shot(page, "11-audit-verify");

      // ---- in English (Accept-Language en-US)
      const en = await open({ cert: operatorP12, locale: "en-US" });
      await en.goto(`${origin}/`);
      assert.equal(await en.locator("html").getAttribute("lang"), "en");
      assert.equal(await heading(en), "Dashboard");
      assert.deepEqual((await weekly(en)).table, after.table);
      await en.locator("nav").getByRole("link", { name: "Contracts" }).waitFor();
      await shot(en, "12-dashboard-english");

      assert.deepEqual(problems.splice(0), []);
      console.log(`staff console in Chromium (${db}): ${shots} screens in ${Date.now() - started} ms`);
    });

    test("a bank user's certificate on the staff origin: the refusal page, Japanese then English", async () => {
      const page = await open({ cert: { keyPem: ids.kuser01!.keyPem, certPem: ids.kuser01!.certPem } });
      const answer = await page.goto(`${origin}/`);
      assert.equal(answer?.status(), 403);
      await page.getByText("選択された証明書では行員用画面をご利用できません。").waitFor();
      await page.getByText("提示された証明書は行員用の電子証明書ではありません。").waitFor();
      await page.getByText("The certificate presented is not a staff certificate.").waitFor();
      assert.equal(await page.locator("nav a[href='/revoke']").count(), 0, "no menu for a refused certificate");
      await shot(page, "13-refusal-customer-certificate");
      assert.deepEqual(problems.splice(0), []);
    });

    test("the dashboard warns when the issuing CA nears the end of what it may sign (issue 12), Japanese and English", async () => {
      const horizon = h.rt.lifecycle.issuerHorizon(HORIZON)!;
      assert.equal(horizon.state, "warn");
      for (const [locale, text] of [
        [undefined, "発行CAの有効期限が近づいています。"],
        ["en-US", "The issuing CA is nearing its end: from "],
      ] as const) {
        const page = await open({ cert: horizonP12, locale });
        assert.equal((await page.goto(`${origin}/`))?.status(), 200);
        const warning = page.locator("#issuer-warning[role=alert]");
        assert.match(await warning.innerText(), new RegExp(`^${text}`));
        assert.match(await warning.innerText(), /inkan ca rollover/);
        await shot(page, `${locale ? "en" : "ja"}-14-dashboard-issuer-warning`);
      }
      // the other bank's issuer has years to spare: no warning there
      const page = await open({ cert: operatorP12 });
      await page.goto(`${origin}/`);
      assert.equal(await page.locator("#issuer-warning").count(), 0);
      assert.deepEqual(problems.splice(0), []);
    });

    // the same path in each language: a certificate contract in Japanese, an ID/password one in English
    const LETTER_RUNS = [
      { lang: "ja", locale: undefined, code: "K101", method: "certificate", next: "確認へ進む", execute: "実行", printed: "印刷が終わりました（結果へ）", switchTo: "ID・パスワード方式に変更する", once: "初期パスワードはこの画面に一度だけ表示します。", done: "ログイン方式をID・パスワード方式に変更しました", showUsers: "利用者を表示する", register: "トークン登録", reset: "ワンタイムパスワード再設定", registered: "のトークンを登録しました", resetDone: "のワンタイムパスワードを再設定しました", reissue: "パスワード再発行", reissued: "のパスワードを再発行しました。", newPasswords: "パスワード再発行のお知らせ" },
      { lang: "en", locale: "en-US", code: "K102", method: "password", next: "Continue", execute: "Execute", printed: "Printed (to the result)", switchTo: "Switch to client certificates", once: "The initial passwords are shown on this screen once", done: "now logs in with client certificates", showUsers: "Show the users", register: "Register a token", reset: "Reset a one-time password", registered: "A token was registered for", resetDone: "was reset. The user registers again", reissue: "Reissue passwords", reissued: "were reissued; the old ones no longer work.", newPasswords: "Your new passwords" },
    ] as const;
    for (const r of LETTER_RUNS) {
      test(`(${r.lang}) 契約開設 → マスターユーザ登録 → the initial-password letter, printed and shown once → ログイン方式の変更 → トークン登録 (token letter) → ワンタイムパスワード再設定`, async () => {
        const page = await open({ cert: operatorP12, locale: r.locale });
        const n = (s: string) => `${r.lang}-${s}`;
        await page.goto(`${origin}/contracts/new`);
        await page.locator("#code").fill(r.code);
        await page.locator("#name").fill(r.lang === "ja" ? "株式会社通知商事" : "Letter Trading Co.");
        await page.locator(`#method-${r.method}`).check();
        await page.getByRole("button", { name: r.next }).click();
        await page.waitForURL(/\/confirm\/contract-open$/);
        await page.getByRole("button", { name: r.execute }).click();
        await page.waitForURL(/\/result\//);
        await shot(page, n("20-contract-opened"));

        // on to マスターユーザ登録 from the result: no password to type
        await page.locator(`main a[href="/contracts/${r.code}/master"]`).click();
        await page.waitForURL(new RegExp(`/contracts/${r.code}/master$`));
        assert.equal(await page.locator("input[type=password]").count(), 0);
        await page.locator("#loginId").fill(`${r.code.toLowerCase()}mast`);
        await page.locator("#name").fill(r.lang === "ja" ? "通知 太郎" : "Taro Tsuchi");
        await page.locator("#email").fill(`${r.code.toLowerCase()}@example.jp`);
        await shot(page, n("21-master-form"));
        await page.getByRole("button", { name: r.next }).click();
        await page.waitForURL(/\/confirm\/master-register$/);
        await shot(page, n("22-master-confirm"));
        await page.getByRole("button", { name: r.execute }).click();
        await page.waitForURL(/\/execute\/master-register$/);
        await page.getByText(r.once).waitFor();
        const password = (await page.locator("section[lang=ja] [data-letter=password]").innerText()).trim();
        assert.match(password, /^[A-Za-z0-9]{10}$/);
        assert.equal((await page.locator("section[lang=en] [data-letter=password]").innerText()).trim(), password);
        // this bank asks no one-time password, so no token step; the first step follows the login method
        const steps = await page.$$eval("section[lang=ja] .letter-steps li", (lis) => lis.map((li) => li.getAttribute("data-step")));
        assert.deepEqual(steps, [r.method === "certificate" ? "acquire_certificate" : "log_in", "change_password"]);
        await shot(page, n("23-letter"));
        // printed: the sheet alone, none of the console around it
        await page.emulateMedia({ media: "print" });
        assert.equal(await page.locator("nav.menu").isVisible(), false);
        assert.equal(await page.locator(".no-print").first().isVisible(), false);
        assert.equal(await page.locator("section[lang=ja] [data-letter=password]").isVisible(), true);
        await shot(page, n("24-letter-print"));
        await page.emulateMedia({ media: "screen" });

        const html = () => page.evaluate(() => document.documentElement.outerHTML);
        if (r.lang === "ja") {
          // a reload sends the same 実行 again: the result, without the passwords
          await page.reload();
          await page.waitForURL(/\/result\/[A-Za-z0-9_-]{32}$/);
        } else {
          // on to the result, then back to the letter: no-store, so the browser has no copy of it
          // and offers only its own resend page (a resend would be a repeat: the result)
          await page.getByRole("link", { name: r.printed }).click();
          await page.waitForURL(/\/result\/[A-Za-z0-9_-]{32}$/);
          const result = page.url();
          const back = await page.goBack({ waitUntil: "load" }).catch((e: Error) => e);
          assert.ok(back instanceof Error && /ERR_CACHE_MISS/.test(back.message), `going back: ${String(back)}`);
          await page.waitForURL(/^chrome-error:/);
          assert.ok(!(await html()).includes(password), "not shown going back");
          await page.goto(result);
        }
        assert.ok(!(await html()).includes(password), "not shown again");
        await shot(page, n("25-master-result"));
        await page.goto(`${origin}/contracts/${r.code}`);
        assert.ok(!(await page.content()).includes(password));

        // ログイン方式の変更 on the contract screen: the form's reference, confirmation, result
        await shot(page, n("26-contract-method-form"));
        await page.locator("#reference").fill("APP-2026-0100");
        await page.getByRole("button", { name: r.switchTo }).click();
        await page.waitForURL(/\/confirm\/contract-method$/);
        await page.locator("dl.facts dd", { hasText: "APP-2026-0100" }).waitFor();
        await shot(page, n("27-contract-method-confirm"));
        await page.getByRole("button", { name: r.execute }).click();
        await page.waitForURL(/\/result\//);
        await page.getByText(r.done).waitFor();
        await shot(page, n("28-contract-method-result"));
        assert.equal((await h.rt.store.getContractByCode(BANK, r.code))!.loginMethod, r.method === "certificate" ? "password" : "certificate");

        // トークン登録 from the users list: the token letter with its QR code, once
        const loginId = `${r.code.toLowerCase()}mast`;
        await page.goto(`${origin}/contracts/${r.code}`);
        await page.getByRole("link", { name: r.showUsers }).click();
        await page.waitForURL(/\/users$/);
        await shot(page, n("29-users-token-links"));
        await page.locator("main tbody tr", { hasText: loginId }).getByRole("link", { name: r.register }).click();
        await page.waitForURL(/\/otp-register\?loginId=/);
        assert.equal(await page.locator("#loginId").inputValue(), loginId);
        await page.locator("#reference").fill("OTP-2026-0100");
        await shot(page, n("30-otp-register-form"));
        await page.getByRole("button", { name: r.next }).click();
        await page.waitForURL(/\/confirm\/otp-register$/);
        await shot(page, n("31-otp-register-confirm"));
        await page.getByRole("button", { name: r.execute }).click();
        await page.waitForURL(/\/execute\/otp-register$/);
        const key = (await page.locator("section[lang=ja] [data-letter=key]").innerText()).replace(/\s/g, "");
        assert.equal((await h.rt.store.getUserByLoginId(BANK, loginId))!.totpSecret, key);
        const qr = page.locator("section[lang=ja] p.qr img");
        assert.equal(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth > 0), true, "the QR code is drawn");
        await shot(page, n("32-token-letter"));
        await page.emulateMedia({ media: "print" });
        assert.equal(await page.locator("nav.menu").isVisible(), false);
        await shot(page, n("33-token-letter-print"));
        await page.emulateMedia({ media: "screen" });
        await page.getByRole("link", { name: r.printed }).click();
        await page.waitForURL(/\/result\//);
        await page.getByText(r.registered).waitFor();
        assert.ok(!(await page.content()).includes(key));
        await shot(page, n("34-otp-register-result"));

        // ワンタイムパスワード再設定 of the same user
        await page.goto(`${origin}/contracts/${r.code}/users`);
        await page.locator("main tbody tr", { hasText: loginId }).getByRole("link", { name: r.reset }).click();
        await page.waitForURL(/\/otp-reset\?loginId=/);
        await page.locator("#reference").fill("OTP-2026-0101");
        await shot(page, n("35-otp-reset-form"));
        await page.getByRole("button", { name: r.next }).click();
        await page.waitForURL(/\/confirm\/otp-reset$/);
        await shot(page, n("36-otp-reset-confirm"));
        await page.getByRole("button", { name: r.execute }).click();
        await page.waitForURL(/\/result\//);
        await page.getByText(r.resetDone).waitFor();
        await shot(page, n("37-otp-reset-result"));
        assert.equal((await h.rt.store.getUserByLoginId(BANK, loginId))!.totpSecret, null);

        // パスワード再発行 of the same user: the initial-password letter again, with new passwords
        await page.goto(`${origin}/contracts/${r.code}/users`);
        await page.locator("main tbody tr", { hasText: loginId }).getByRole("link", { name: r.reissue }).click();
        await page.waitForURL(/\/reissue\?loginId=/);
        assert.equal(await heading(page), r.reissue);
        await page.locator("#reference").fill("PWD-2026-0100");
        await shot(page, n("38-reissue-form"));
        await page.getByRole("button", { name: r.next }).click();
        await page.waitForURL(/\/confirm\/password-reissue$/);
        await page.locator("dl.facts dd", { hasText: "PWD-2026-0100" }).waitFor();
        await shot(page, n("39-reissue-confirm"));
        await page.getByRole("button", { name: r.execute }).click();
        await page.waitForURL(/\/execute\/password-reissue$/);
        await page.getByText(r.once).waitFor();
        await page.locator(`section[lang=${r.lang}] h2`, { hasText: r.newPasswords }).waitFor();
        const reissued = (await page.locator("section[lang=ja] [data-letter=password]").innerText()).trim();
        assert.match(reissued, /^[A-Za-z0-9]{10}$/);
        assert.notEqual(reissued, password);
        // the contract's login method now is the other one; the user holds no certificate yet
        const after = await page.$$eval("section[lang=en] .letter-steps li", (lis) => lis.map((li) => li.getAttribute("data-step")));
        assert.deepEqual(after, [r.method === "certificate" ? "log_in" : "acquire_certificate", "change_password"]);
        await shot(page, n("40-reissue-letter"));
        await page.getByRole("link", { name: r.printed }).click();
        await page.waitForURL(/\/result\//);
        await page.getByText(r.reissued).waitFor();
        assert.ok(!(await page.content()).includes(reissued));
        await shot(page, n("41-reissue-result"));
        assert.deepEqual(problems.splice(0), []);
      });
    }
  });
}
