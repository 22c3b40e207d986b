import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DATABASES, run, startHarness, testBank, type Harness } from "./support/harness.js";
import { estEnroll, newKeyAndCsr, type Identity } from "./support/client.js";
import { autoSelectClientCertificates, inspect, launchChromium, newPortalContext, watchPage, type ClientCert } from "./support/browser.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";

/**
 * The customer portal in real Chromium against a real Inkan (HTTPS with client certificates) on
 * SQLite and again on PostgreSQL: every scenario runs on both databases (about a minute each).
 *
 * The clock is a FakeClock starting at the real time (Chromium's own NSS client authentication
 * offers only certificates valid by the wall clock); it moves a day for the history filters, and
 * into the renewal window for the last scenario. Each screen visited is photographed to
 * test-artifacts/screenshots/<db>-<screen>.png and checked by axe-core (no serious or critical
 * finding). Page errors and Content-Security-Policy refusals fail the scenario they happen in.
 */

const BANK = "pbank";
const OTP_BANK = "obank";
const PASSWORD = "Pass1234";
const CONFIRM = "Conf5678";
const P12_PASS = "p12-pass-word";
const DAY = 86_400_000;

const CERT_PRESENTED = (id: string) => `電子証明書（ログインID：${id}）が選択されています`;
const REFUSAL = "お客様が選択された証明書は本サービスではご利用できません。";

interface Acquired {
  file: string;
  pfx: Buffer;
  fields: Record<string, string>;
}

/** A tiny RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    } else cell += c;
  }
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows;
}

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
/** The bank's local day (Asia/Tokyo) of an instant, as a date input wants it. */
const jstDay = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

for (const db of DATABASES) {
  describe(`customer portal in Chromium (${db})`, () => {
    let h: Harness;
    let browser: Browser;
    let work: string;
    const clock = new FakeClock(wholeSeconds(new Date()));
    const ids: Record<string, Identity> = {};
    const contexts: BrowserContext[] = [];
    /** page errors and CSP refusals of every page opened, until a scenario checks them */
    const problems: string[] = [];
    const shot = (page: Page, name: string) => inspect(page, `${db}-${name}`);
    const url = (bank: string, path: string) => `${h.https}/${bank}${path}`;

    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK), testBank(OTP_BANK, { policy: { otp: { acquisition: true, renewal: true } } })] });
      const c = await h.addContract(BANK, "C0001");
      for (const [id, role] of [
        ["master01", "master"],
        ["admin01", "admin"],
        ["user01", "general"],
        ["user02", "general"],
        ["user03", "general"],
        ["user04", "general"],
      ] as const)
        await h.addUser(BANK, c, id, role);
      // a user whose password must be changed at first login
      await h.rt.lifecycle.addUser(
        BANK,
        { contractId: c, loginId: "newbie01", name: "新人 太郎", email: "newbie01@example.jp", role: "general", password: PASSWORD, confirmPassword: CONFIRM, mustChangePassword: true },
        { actorKind: "cli", actorId: "test" },
      );
      const oc = await h.addContract(OTP_BANK, "C0001");
      await h.addUser(OTP_BANK, oc, "omaster01", "master");
      await h.addUser(OTP_BANK, oc, "otpuser01", "general");
      // a token holder (the bank's token letter): the page's acquisition asks for the code
      await h.registerToken(OTP_BANK, "otpuser01");
      // the actors a scenario does not acquire in the page get their certificates over EST
      for (const id of ["master01", "user02", "user03", "user04", "newbie01"]) {
        const r = await estEnroll(h, BANK, id, PASSWORD, await newKeyAndCsr({ kind: "rsa2048" }));
        assert.equal(r.status, 200, r.text);
        ids[id] = r.identity!;
      }
      browser = await launchChromium();
      work = mkdtempSync(join(tmpdir(), "inkan-portal-browser-"));
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await h?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    /** A fresh browser session (its own cookies), presenting `cert` if given. */
    async function open(o: { cert?: ClientCert | Identity; locale?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
      const cert = o.cert && "serial" in o.cert ? { keyPem: o.cert.keyPem, certPem: o.cert.certPem } : o.cert;
      const context = await newPortalContext(browser, h.https, { cert, locale: o.locale });
      contexts.push(context);
      const page = await context.newPage();
      watchPage(page, problems);
      return { context, page };
    }
    /** No page error and no CSP refusal so far. */
    function noPageProblems() {
      assert.deepEqual(problems.splice(0), []);
    }

    async function heading(page: Page): Promise<string> {
      return (await page.locator("main h1").innerText()).trim();
    }

    /** ログイン with the presented certificate: the screen names the user and asks only the password. */
    async function certLogin(page: Page, bank: string, loginId: string, password = PASSWORD, shotName?: string) {
      await page.goto(url(bank, "/login"));
      await page.getByText(CERT_PRESENTED(loginId)).waitFor();
      if (shotName) await shot(page, shotName);
      await page.locator("#cert-password").fill(password);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/${bank}/login`),
        page.locator("form:has(#cert-password) button[type=submit]").click(),
      ]);
      assert.equal(answer.status(), 303, `login of ${loginId}: ${answer.status()}`);
      await page.waitForURL((u) => !u.pathname.endsWith("/login"));
    }

    async function logout(page: Page) {
      await page.locator("header").getByRole("button", { name: "ログアウト" }).click();
      await page.waitForURL(/\/login\?out=1$/);
    }

    /**
     * 電子証明書発行 from the login screen, all in the page: 証明書取得認証 → 証明書発行確認 → 発行 (the
     * key is made by /assets/issue.js) → 証明書発行結果 → the .p12 download → 閉じる.
     */
    async function acquireInPage(bank: string, loginId: string, o: { otp?: boolean; shots?: string } = {}): Promise<Acquired> {
      const { context, page } = await open();
      await page.goto(url(bank, "/login"));
      await page.getByText("電子証明書が選択されていません。").waitFor();
      if (o.shots) await shot(page, `${o.shots}login-without-certificate`);
      await page.getByRole("link", { name: "電子証明書発行" }).click();
      await page.waitForURL(/\/certificate\/issue$/);
      assert.equal(await heading(page), "証明書取得認証");
      await page.locator("#loginId").fill(loginId);
      await page.locator("#password").fill(PASSWORD);
      if (o.otp) {
        const secret = (await h.rt.store.getUserByLoginId(bank, loginId))!.totpSecret!;
        await page.locator("#otp").fill(totpCode(secret, clock.now()));
      } else assert.equal(await page.locator("#otp").count(), 0, "no one-time password field when the policy is off");
      if (o.shots) await shot(page, `${o.shots}issue-auth`);
      await page.getByRole("button", { name: "認証" }).click();
      await page.waitForURL(/\/certificate\/issue\/confirm$/);
      assert.equal(await heading(page), "証明書発行確認");
      await page.locator("#p12-password").fill(P12_PASS);
      await page.locator("#p12-confirm").fill(P12_PASS);
      if (o.shots) await shot(page, `${o.shots}issue-confirm`);
      await page.getByRole("button", { name: "発行" }).click();
      await page.locator("#issue-result").waitFor({ state: "visible" });
      assert.ok(await page.locator("#issue-form").isHidden());
      const fields = await readFields(page);
      if (o.shots) await shot(page, `${o.shots}issue-result`);
      const acquired = await download(page, loginId);
      await page.getByRole("link", { name: "閉じる" }).click();
      await page.waitForURL(/\/login$/);
      await context.close();
      return { ...acquired, fields };
    }

    async function readFields(page: Page): Promise<Record<string, string>> {
      const fields: Record<string, string> = {};
      for (const el of await page.locator("#issue-result [data-field]").all()) fields[(await el.getAttribute("data-field"))!] = (await el.innerText()).trim();
      return fields;
    }

    /** #p12-download: the file OpenSSL opens with its passphrase (and not without). */
    async function download(page: Page, loginId: string): Promise<{ file: string; pfx: Buffer }> {
      const [dl] = await Promise.all([page.waitForEvent("download"), page.locator("#p12-download").click()]);
      assert.equal(dl.suggestedFilename(), `${loginId}.p12`);
      const file = join(work, `${loginId}-${randomBytes(4).toString("hex")}.p12`);
      await dl.saveAs(file);
      await run("openssl", ["pkcs12", "-noout", "-in", file, "-passin", `pass:${P12_PASS}`]);
      const wrong = await run("openssl", ["pkcs12", "-noout", "-in", file, "-passin", "pass:not-the-password"], undefined, { allowFail: true });
      assert.notEqual(wrong.status, 0, "the file is protected by its passphrase");
      return { file, pfx: readFileSync(file) };
    }

    /** The serial and subject of the certificate inside a .p12, as OpenSSL reads them. */
    async function p12Certificate(file: string): Promise<{ serial: string; subject: string }> {
      const pem = (await run("openssl", ["pkcs12", "-in", file, "-passin", `pass:${P12_PASS}`, "-nokeys", "-clcerts"])).stdout;
      const x = await run("openssl", ["x509", "-noout", "-serial", "-subject", "-nameopt", "RFC2253"], pem);
      return { serial: /serial=([0-9A-F]+)/.exec(x.stdout)![1]!.toLowerCase(), subject: /subject=(.*)/.exec(x.stdout)![1]!.trim() };
    }

    async function userListStatus(page: Page, loginId: string): Promise<string> {
      await page.goto(url(BANK, "/admin/users?task=revoke"));
      const row = page.locator("tbody tr", { has: page.locator(`input[type=radio][value="${loginId}"]`) });
      return (await row.locator("td").nth(4).innerText()).trim();
    }

    async function historyTable(page: Page): Promise<string[][]> {
      if ((await page.locator("table#history").count()) === 0) return [];
      const rows = await page.$$eval("table#history tbody tr", (trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => (td.textContent ?? "").trim())));
      // Japanese screens print 2026年11月22日 17時53分19秒 (the bank's zone, JST here); the CSV keeps
      // 2026-11-22 17:53:19 +09:00 — compare them as the same moment
      return rows.map(([at, ...rest]) => [at!.replace(/^(\d{4})年(\d{2})月(\d{2})日 (\d{2})時(\d{2})分(\d{2})秒$/, "$1-$2-$3 $4:$5:$6 +09:00"), ...rest]);
    }

    test("a. 電子証明書発行 in the page: download, 証明書発行結果, login with only the password; 発行済み in the master's list; with the one-time password policy too", async () => {
      const got = await acquireInPage(BANK, "user01", { shots: "a-" });
      assert.equal(got.fields.organization, "Test Bank, Ltd.");
      assert.equal(got.fields.organizationUnit, "Test Bank TEST CA - G1");
      assert.ok(got.fields.commonName!.startsWith("user01"), got.fields.commonName);
      assert.match(got.fields.serial!, /^[0-9a-f]{32}$/);
      const inFile = await p12Certificate(got.file);
      assert.equal(inFile.serial, got.fields.serial, "the downloaded file holds the certificate the result shows");
      assert.match(inFile.subject, new RegExp(`CN=${got.fields.commonName}`));
      assert.equal((await h.rt.store.getCertificate(BANK, got.fields.serial!))?.state, "pending");

      // a new browser session with the downloaded file: the login screen knows the user, asks only the password
      const { page } = await open({ cert: { pfx: got.pfx, passphrase: P12_PASS } });
      await certLogin(page, BANK, "user01", PASSWORD, "a-login-with-certificate");
      await page.waitForURL(/\/top$/);
      assert.equal(await heading(page), "トップページ");
      await page.getByText("電子証明書有効期限").waitFor();
      assert.equal(await page.locator("main").getByRole("link", { name: "更新" }).count(), 0, "not inside the renewal window");
      await shot(page, "a-top");
      assert.equal((await h.rt.store.getCertificate(BANK, got.fields.serial!))?.state, "active");

      // the master's 利用者一覧 shows it 発行済み
      const m = await open({ cert: ids.master01 });
      await certLogin(m.page, BANK, "master01");
      assert.equal(await userListStatus(m.page, "user01"), "発行済み");
      assert.equal(await userListStatus(m.page, "user04"), "発行済み");

      // with the bank's one-time password policy on: the code from the user's authenticator secret
      const o = await acquireInPage(OTP_BANK, "otpuser01", { otp: true, shots: "a-otp-" });
      assert.ok(o.fields.commonName!.startsWith("otpuser01"));
      const op = await open({ cert: { pfx: o.pfx, passphrase: P12_PASS } });
      await certLogin(op.page, OTP_BANK, "otpuser01");
      await op.page.waitForURL(/\/top$/);
      noPageProblems();
    });

    test("f. Chromium's own client authentication from NSS (pk12util of the page's .p12) logs in to the top page", async () => {
      const got = await acquireInPage(BANK, "admin01");
      const home = join(work, "nss-home");
      const nss = join(home, ".pki", "nssdb");
      mkdirSync(nss, { recursive: true });
      await run("certutil", ["-N", "-d", `sql:${nss}`, "--empty-password"]);
      await run("pk12util", ["-i", got.file, "-d", `sql:${nss}`, "-W", P12_PASS]);
      await run("certutil", ["-A", "-d", `sql:${nss}`, "-n", "Inkan test server CA", "-t", "C,,", "-a", "-i", h.serverCaFile]);
      const listed = await run("certutil", ["-L", "-d", `sql:${nss}`]);
      assert.match(listed.stdout, /u,u,u/, listed.stdout);
      const policyGone = autoSelectClientCertificates();
      let native: Browser | undefined;
      try {
        native = await launchChromium({ home });
        // no clientCertificates and no ignoreHTTPSErrors: NSS holds the key, and trusts the server's CA
        const context = await native.newContext({ locale: "ja-JP" });
        const page = await context.newPage();
        const w = watchPage(page);
        await certLogin(page, BANK, "admin01", PASSWORD, "f-nss-login-with-certificate");
        await page.waitForURL(/\/top$/);
        assert.equal(await heading(page), "トップページ");
        await page.getByText(got.fields.serial!).waitFor();
        await shot(page, "f-nss-top");
        assert.deepEqual(w, []);
      } finally {
        await native?.close().catch(() => undefined);
        policyGone();
      }
      assert.equal((await h.rt.store.getCertificate(BANK, got.fields.serial!))?.state, "active");
    });

    test("c. the master revokes a logged-in general user: 管理 → 証明書失効 → 次へ → 確認 → 実行 → 失効済み; a second submission acts not; the user is refused at once", async () => {
      // user02 is logged in in another browser
      const u = await open({ cert: ids.user02 });
      await certLogin(u.page, BANK, "user02");
      await u.page.waitForURL(/\/top$/);

      const { page } = await open({ cert: ids.master01 });
      await certLogin(page, BANK, "master01");
      await page.locator("nav.menu").getByRole("link", { name: "管理" }).click();
      await page.waitForURL(/\/business$/);
      assert.equal(await heading(page), "業務選択");
      await page.locator("main").getByRole("link", { name: "利用者管理" }).click();
      await page.waitForURL(/\/admin$/);
      assert.equal(await heading(page), "利用者管理　作業内容選択");
      await shot(page, "c-admin");
      await page.getByRole("link", { name: "証明書失効" }).click();
      await page.waitForURL(/\/admin\/users\?task=revoke$/);
      assert.match(await heading(page), /利用者一覧/);
      await shot(page, "c-user-list");
      await page.getByRole("radio", { name: "選択 user02" }).check();
      await page.getByRole("button", { name: "次へ" }).click();
      await page.waitForURL(/\/admin\/confirm\?/);
      assert.equal(await heading(page), "証明書失効確認");
      await page.locator("#confirmPassword").fill(CONFIRM);
      await shot(page, "c-confirm");
      const form = await page.locator("form:has(#confirmPassword)").evaluate((f) => Object.fromEntries(new FormData(f as HTMLFormElement) as unknown as Iterable<[string, string]>));
      assert.ok(form.submission && form.csrf, JSON.stringify(Object.keys(form)));
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/admin\/done\?/);
      assert.equal(await heading(page), "証明書失効結果");
      await page.getByText("以下の内容で受け付けました。").waitFor();
      await page.locator("dl.facts dd", { hasText: "失効済み" }).waitFor();
      await shot(page, "c-done");
      assert.equal((await h.rt.store.getCertificate(BANK, ids.user02!.serial))?.state, "revoked");

      // the same confirmation form sent once more (a double click, a reload of the POST): answered, not acted on
      // (Playwright's request API is no browser: it is told the Origin a browser sends on a resend)
      const again = await page.request.post(url(BANK, "/admin/confirm"), { form, headers: { origin: h.https, "sec-fetch-site": "same-origin" } });
      assert.equal(again.status(), 200);
      assert.match(await again.text(), /この操作はすでに実行済みです/);
      await page.goto(again.url());
      await page.getByText("この操作はすでに実行済みです").waitFor();
      await shot(page, "c-done-again");
      await page.goto(url(BANK, "/history?operation=revoke&user=user02"));
      const revocations = await historyTable(page);
      assert.equal(revocations.length, 1, JSON.stringify(revocations));
      assert.equal(revocations[0]![1], "master01");
      assert.equal(revocations[0]![3], "user02");

      // user02's very next request: the refusal screen, with the way out for a revoked certificate
      const refused = await u.page.goto(url(BANK, "/top"));
      assert.equal(refused?.status(), 403);
      await u.page.getByText(REFUSAL).waitFor();
      await u.page.getByText("この電子証明書は失効しています。").waitFor();
      assert.equal(await heading(u.page), "電子証明書エラー");
      await shot(u.page, "c-refusal-revoked");
      // and a new browser session with it: the login screen says it cannot be used
      const fresh = await open({ cert: ids.user02 });
      await fresh.page.goto(url(BANK, "/login"));
      await fresh.page.getByText("選択された電子証明書はご利用いただけません。").waitFor();
      assert.equal(await fresh.page.locator("#cert-password").count(), 0);
      noPageProblems();
    });

    test("d. 操作履歴照会 per role: the master sees the contract, a general user itself; filters narrow; the CSV equals the table", async () => {
      // a new day, so that a date filter has something to leave out
      clock.advance(DAY);
      const today = jstDay(clock.now());
      const u = await open({ cert: ids.user03 });
      await certLogin(u.page, BANK, "user03");
      await u.page.locator("nav.menu").getByRole("link", { name: "操作履歴照会" }).click();
      await u.page.waitForURL(/\/history$/);
      await u.page.getByText("ご自身の操作履歴を表示しています。").waitFor();
      assert.equal(await u.page.locator("#user").count(), 0, "no user filter for a general user");
      const mine = await historyTable(u.page);
      assert.ok(mine.length >= 2, JSON.stringify(mine));
      assert.ok(
        mine.every((r) => r[1] === "user03" || r[3] === "user03"),
        JSON.stringify(mine.filter((r) => r[1] !== "user03" && r[3] !== "user03")),
      );
      await shot(u.page, "d-history-general");

      const { page } = await open({ cert: ids.master01 });
      await certLogin(page, BANK, "master01");
      await page.goto(url(BANK, "/history"));
      await page.getByText("ご契約のすべての利用者の操作履歴を表示しています。").waitFor();
      const all = await historyTable(page);
      for (const other of ["user01", "user02", "user03", "admin01"]) assert.ok(all.some((r) => r[1] === other || r[3] === other), `${other}'s operations are shown to the master`);
      assert.ok(all.some((r) => !r[0]!.startsWith(today)) && all.some((r) => r[0]!.startsWith(today)));
      await shot(page, "d-history-master");

      // a date range of today only, in the form
      await page.locator("#from").fill(today);
      await page.locator("#to").fill(today);
      await page.getByRole("button", { name: "照会" }).click();
      await page.waitForURL(/from=/);
      const todays = await historyTable(page);
      assert.ok(todays.length > 0 && todays.length < all.length, `${todays.length} of ${all.length}`);
      assert.ok(todays.every((r) => r[0]!.startsWith(today)));
      // and one operation
      await page.locator("#from").fill("");
      await page.locator("#to").fill("");
      await page.locator("#operation").selectOption("login");
      await page.getByRole("button", { name: "照会" }).click();
      await page.waitForURL(/operation=login/);
      const logins = await historyTable(page);
      assert.ok(logins.length > 0 && logins.length < all.length);
      assert.ok(logins.every((r) => r[2] === "ログイン"), JSON.stringify(logins));
      await shot(page, "d-history-filtered");

      // the CSV of what the table shows: BOM, CRLF, the same rows
      await page.goto(url(BANK, "/history"));
      const table = await historyTable(page);
      const [dl] = await Promise.all([page.waitForEvent("download"), page.locator("#history-csv").click()]);
      const csvFile = join(work, `history-${db}.csv`);
      await dl.saveAs(csvFile);
      const bytes = readFileSync(csvFile);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte-order mark");
      const text = bytes.toString("utf8").slice(1);
      assert.ok(text.endsWith("\r\n"));
      assert.equal(text.split("\r\n").length - 1, text.split("\n").length - 1, "every line ends with CRLF");
      const [head, ...rows] = parseCsv(text);
      assert.deepEqual(head, ["日時", "操作者", "操作", "対象者", "結果", "接続元", "証明書シリアル番号"]);
      // where the record has no target, address or serial the table shows "-" and the CSV an empty cell
      const shown = table.map((r) => r.map((c, i) => ([3, 5, 6].includes(i) && c === "-" ? "" : c)));
      assert.deepEqual(rows, shown);
      noPageProblems();
    });

    test("e. in English: Accept-Language en-US gives English login, top and admin pages; the toggle goes back to 日本語", async () => {
      const { page } = await open({ cert: ids.master01, locale: "en-US" });
      await page.goto(url(BANK, "/login"));
      assert.equal(await page.locator("html").getAttribute("lang"), "en");
      assert.equal(await heading(page), "Log in");
      await page.getByText("Your certificate (login ID master01) is selected.").waitFor();
      await shot(page, "e-login-english");
      await page.locator("#cert-password").fill(PASSWORD);
      await page.locator("form:has(#cert-password) button[type=submit]").click();
      await page.waitForURL(/\/top$/);
      assert.equal(await heading(page), "Top page");
      await page.getByText("Certificate expiry").first().waitFor();
      await shot(page, "e-top-english");
      await page.locator("nav.menu").getByRole("link", { name: "Administration" }).click();
      await page.waitForURL(/\/business$/);
      await page.locator("main").getByRole("link", { name: "User management" }).click();
      await page.waitForURL(/\/admin$/);
      assert.equal(await heading(page), "User management: choose a task");
      await page.getByRole("link", { name: "Revoke a certificate" }).click();
      await page.waitForURL(/\/admin\/users\?task=revoke$/);
      assert.equal(await heading(page), "Revoke a certificate: Users");
      await page.getByRole("columnheader", { name: "Certificate status" }).waitFor();
      await shot(page, "e-user-list-english");
      // the toggle: 日本語, remembered by a cookie over the browser's English
      await page.locator("header").getByRole("link", { name: "日本語" }).click();
      await page.locator('html[lang="ja"]').waitFor({ state: "attached" });
      assert.match(page.url(), /\/admin\/users\?task=revoke$/, "back where the switch was pressed");
      assert.match(await heading(page), /利用者一覧/);
      await page.goto(url(BANK, "/top"));
      assert.equal(await heading(page), "トップページ");
      await page.locator("header").getByRole("link", { name: "English" }).click();
      await page.locator('html[lang="en"]').waitFor({ state: "attached" });
      assert.match(page.url(), /\/top$/);
      assert.equal(await heading(page), "Top page");
      noPageProblems();
    });

    test("g. the other screens: forced password change, one-time password enrolment (QR), notices, help, the bank list", async () => {
      const { page } = await open({ cert: ids.newbie01 });
      await certLogin(page, BANK, "newbie01");
      await page.waitForURL(/\/password$/);
      assert.equal(await heading(page), "ログインパスワード変更");
      await page.getByText("ログインパスワードを変更してください").waitFor();
      await shot(page, "g-password-forced");
      // nothing else opens before the change
      await page.goto(url(BANK, "/top"));
      await page.waitForURL(/\/password$/);
      await page.locator("#current").fill(PASSWORD);
      await page.locator("#next").fill("Newpass99");
      await page.locator("#again").fill("Newpass99");
      await page.getByRole("button", { name: "変更" }).click();
      await page.waitForURL(/\/top$/);
      assert.equal(await heading(page), "トップページ");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "newbie01"))!.mustChangePassword, false);

      const before = (await h.rt.store.getUserByLoginId(BANK, "newbie01"))!.totpSecret;
      await page.locator("nav.menu").getByRole("link", { name: "ワンタイムパスワード" }).click();
      await page.waitForURL(/\/otp$/);
      assert.equal(await heading(page), "ワンタイムパスワード登録");
      await shot(page, "g-otp");
      await page.locator("#confirmPassword").fill(CONFIRM);
      await page.getByRole("button", { name: "次へ" }).click();
      await page.getByRole("img", { name: "ワンタイムパスワード登録用QRコード" }).waitFor();
      const secret = (await page.locator("dl.facts dd.mono").innerText()).trim();
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.notEqual(secret, before);
      // shown, not yet confirmed: the user's token is still what it was
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "newbie01"))!.totpSecret, before);
      await shot(page, "g-otp-shown");
      await page.locator("#otp").fill(totpCode(secret, clock.now()));
      await page.getByRole("button", { name: "登録" }).click();
      await page.getByText("ワンタイムパスワードを登録しました。").waitFor();
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "newbie01"))!.totpSecret, secret);
      await shot(page, "g-otp-enrolled");

      await page.locator("nav.menu").getByRole("link", { name: "重要なお知らせ" }).click();
      await page.waitForURL(/\/notices$/);
      assert.equal(await heading(page), "重要なお知らせ");
      await shot(page, "g-notices");
      await page.locator("nav.menu").getByRole("link", { name: "ヘルプ" }).click();
      await page.waitForURL(/\/help$/);
      assert.equal(await heading(page), "ヘルプ（困ったときは）");
      await shot(page, "g-help");
      await page.goto(`${h.https}/`);
      await page.getByRole("link", { name: "テスト銀行" }).first().waitFor();
      await shot(page, "g-bank-list");
      noPageProblems();
    });

    test("b. renewal: 証明書更新選択 → 次回ログイン時に更新する → top with 更新; next login → 更新する → 発行 → the new certificate logs in, the old one is refused", async () => {
      const old = ids.user04!;
      const notAfter = (await h.rt.store.getCertificate(BANK, old.serial))!.notAfter;
      clock.set(notAfter.getTime() - 20 * DAY);
      // the server's notice planner, run now rather than on its timer: 重要なお知らせ from the window's first day
      assert.ok((await h.serving!.notifier.planner.run()) > 0);
      const { context, page } = await open({ cert: old });
      await certLogin(page, BANK, "user04");
      await page.waitForURL(/\/renewal\/select$/);
      assert.equal(await heading(page), "証明書更新選択");
      await page.getByText("電子証明書の有効期限が近づいています。").first().waitFor();
      await shot(page, "b-renewal-select");
      await page.getByRole("radio", { name: "次回ログイン時に更新する。" }).check();
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/top$/);
      const renewLink = page.locator("main").getByRole("link", { name: "更新", exact: true });
      await renewLink.waitFor();
      await shot(page, "b-top-in-window");
      await page.locator("nav.menu").getByRole("link", { name: "重要なお知らせ" }).click();
      await page.getByText("電子証明書の更新をお願いします").waitFor();
      await page.getByRole("link", { name: "電子証明書の更新はこちら" }).waitFor();
      await shot(page, "b-notices");

      await logout(page);
      await shot(page, "b-logged-out");
      await certLogin(page, BANK, "user04");
      await page.waitForURL(/\/renewal\/select$/);
      assert.equal(await page.getByRole("radio", { name: "更新する", exact: true }).isChecked(), true, "renewing now is the default");
      await page.getByRole("button", { name: "実行" }).click();
      await page.waitForURL(/\/renewal$/);
      assert.equal(await heading(page), "証明書発行確認（更新）");
      await page.locator("#password").fill(PASSWORD);
      await page.locator("#p12-password").fill(P12_PASS);
      await page.locator("#p12-confirm").fill(P12_PASS);
      await shot(page, "b-renewal");
      await page.getByRole("button", { name: "発行" }).click();
      await page.locator("#issue-result").waitFor({ state: "visible" });
      const fields = await readFields(page);
      assert.notEqual(fields.serial, old.serial);
      assert.ok(fields.commonName!.startsWith("user04"));
      await shot(page, "b-renewal-result");
      const renewed = await download(page, "user04");
      assert.equal((await p12Certificate(renewed.file)).serial, fields.serial);
      assert.equal((await h.rt.store.getCertificate(BANK, fields.serial!))?.state, "pending");
      assert.equal((await h.rt.store.getCertificate(BANK, old.serial))?.state, "active", "the old one works until the new one is used");

      // the new certificate logs in: outside the window again, straight to the top page
      const n = await open({ cert: { pfx: renewed.pfx, passphrase: P12_PASS } });
      await certLogin(n.page, BANK, "user04");
      await n.page.waitForURL(/\/top$/);
      await n.page.getByText(fields.serial!).waitFor();
      assert.equal(await n.page.locator("main").getByRole("link", { name: "更新", exact: true }).count(), 0);
      assert.equal((await h.rt.store.getCertificate(BANK, old.serial))?.state, "superseded");

      // the old certificate: its open session is refused at the next request
      const refused = await page.goto(url(BANK, "/top"));
      assert.equal(refused?.status(), 403);
      await page.getByText(REFUSAL).waitFor();
      await page.getByText("この電子証明書は更新済みのため利用できません。").waitFor();
      await shot(page, "b-refusal-superseded");
      await context.close();
      // a new browser session with the old certificate: the login screen sends it to the same way out
      const again = await open({ cert: old });
      await again.page.goto(url(BANK, "/login"));
      await again.page.getByText("選択された電子証明書はご利用いただけません。").waitFor();
      await again.page.locator("main").getByRole("link", { name: "対処方法" }).click();
      await again.page.waitForURL(/\/refused\/superseded$/);
      await again.page.getByText(REFUSAL).waitFor();
      await again.page.getByText("この電子証明書は更新済みのため利用できません。").waitFor();
      noPageProblems();
    });
  });
}
