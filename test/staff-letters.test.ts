import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { addStaffMember } from "./support/staff.js";
import { api, apiLogin, estEnroll, https, newKeyAndCsr, type Identity, type Answer } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { verifyPassword } from "../src/credentials/passwords.js";
import { staffBrowser } from "./support/staff-browser.js";

/**
 * The staff console's initial-password letter and 申込書 login-method switch, over HTTPS on the
 * real server (SQLite, then PostgreSQL): the system makes the master's initial passwords, the
 * answer to 実行 is the letter and nothing else ever shows them again (a resend, the result page,
 * the database, the audit log, the server's log); the master logs in with them and must change
 * the password; a contract switched certificate ↔ ID/password changes what login asks for, keeps
 * the valid certificates, and is audited with the form's reference.
 */

const BANK = "lbank";
const P12_PASS = "staff-letters-P12";

for (const db of DATABASES) {
  describe(`staff console: initial-password letter and login-method switch (${db})`, () => {
    let h: Harness;
    let origin: string;
    const logLines: string[] = [];
    const clock = new FakeClock(Date.now());
    const staff: Record<string, Identity> = {};
    let password = "";
    let confirmPassword = "";
    let masterCert: Identity | undefined;

    const addStaff = async (id: string, role: "operator" | "auditor"): Promise<Identity> => (await addStaffMember(h, { bank: BANK, id, role, passphrase: P12_PASS })).identity;
    const { get, post, csrfOf } = staffBrowser(() => h, () => origin);
    const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
    /** confirmation, then 実行 (its answer as it comes: a 303 to the result, or the letter itself) */
    async function confirmAndExecute(who: Identity, action: string, form: Record<string, string>): Promise<{ confirm: Answer; execute: Answer; body: Record<string, string> }> {
      const csrf = await csrfOf(who);
      const confirm = await post(`/confirm/${action}`, who, { ...form, csrf });
      assert.equal(confirm.status, 200, confirm.text);
      const body = { ...form, csrf, token: field(confirm.text, "token")! };
      return { confirm, execute: await post(`/execute/${action}`, who, body), body };
    }
    const audits = (actions: string[]) => h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), actions, limit: 50 });
    const loginById = (pw: string) => apiLogin(h, BANK, undefined, pw, "lmaster01");

    before(async () => {
      // three wrong logins lock: a locked master comes to the bank for new passwords
      h = await startHarness({ db, clock, serve: true, logLines, banks: [testBank(BANK, { policy: { lockoutThreshold: 3 } })] });
      origin = `https://localhost:${h.serving!.staffPort}`;
      staff.op = await addStaff("op01", "operator");
      staff.au = await addStaff("au01", "auditor");
      clock.set(Date.now() + 1000);
    });
    after(async () => h?.close());

    test("マスターユーザ登録: the system's initial passwords on a letter shown once; stored hashed, in no log; login with them forces the change", async () => {
      const op = staff.op!;
      const opened = await confirmAndExecute(op, "contract-open", { code: "P001", name: "株式会社レター商事", method: "password" });
      assert.equal(opened.execute.status, 303);
      const openedResult = await get(opened.execute.headers.location as string, op);
      assert.match(openedResult.text, /href="\/contracts\/P001\/master"/, "the contract's result leads on to its master");

      const form = await get("/contracts/P001/master", op);
      assert.equal(form.status, 200);
      assert.doesNotMatch(form.text, /type="password"/, "staff type no password");
      assert.match(form.text, /初期ログインパスワードと初期確認用パスワードはシステムが生成します/);

      const reg = await confirmAndExecute(op, "master-register", { code: "P001", loginId: "lmaster01", name: "佐藤 花子", email: "lmaster01@example.jp" });
      assert.match(reg.confirm.text, /システムが生成し、登録後に一度だけ通知書に表示します/);
      const letter = reg.execute;
      assert.equal(letter.status, 200, letter.text);
      assert.equal(letter.headers["cache-control"], "no-store");
      assert.match(letter.text, /<h1>初期パスワード通知書<\/h1>/);
      assert.match(letter.text, /一度だけ表示します。再読み込みや「戻る」でも再表示はできません/);
      const values = (hook: string) => [...letter.text.matchAll(new RegExp(`data-letter="${hook}">([^<]+)<`, "g"))].map((m) => m[1]!);
      // both sides of the sheet (Japanese, then English) carry the same passwords, login ID and URL
      const pw = values("password");
      const cpw = values("confirm-password");
      assert.equal(pw.length, 2);
      assert.equal(pw[0], pw[1]);
      assert.equal(cpw[0], cpw[1]);
      password = pw[0]!;
      confirmPassword = cpw[0]!;
      assert.match(password, /^[A-Za-z0-9]{10}$/);
      assert.match(password, /[A-Za-z]/);
      assert.match(password, /[0-9]/);
      assert.notEqual(password, confirmPassword);
      assert.deepEqual(values("login-id"), ["lmaster01", "lmaster01"]);
      assert.deepEqual(values("url"), [`${h.https}/${BANK}/login`, `${h.https}/${BANK}/login`]);
      for (const s of ["テスト銀行", "Test Bank", "P001", "株式会社レター商事", "佐藤 花子", "A001", "初期パスワードのお知らせ", "Your initial passwords"]) assert.ok(letter.text.includes(s), s);
      assert.ok(letter.text.indexOf('lang="ja"') < letter.text.indexOf('<section class="letter-side" lang="en"'), "Japanese first");
      // an ID/password contract's first step is a login, then the change; no token (nothing there asks one)
      assert.deepEqual([...letter.text.matchAll(/data-step="(\w+)"/g)].map((m) => m[1]), ["log_in", "change_password", "log_in", "change_password"]);
      assert.match(letter.text, /ログインIDと初期ログインパスワードを入力してログインしてください。[\s\S]*ログインパスワードを変更してください/);

      // the same 実行 again (reload, back and resend): the result, without the passwords
      const again = await post("/execute/master-register", op, reg.body);
      assert.equal(again.status, 303);
      const result = await get(again.headers.location as string, op);
      assert.equal(result.status, 200);
      assert.match(result.text, /マスターユーザ lmaster01（A001）を登録しました。初期パスワード通知書は登録時に一度だけ表示しました（再表示はできません）。/);
      for (const page of [again.text, result.text, (await get(again.headers.location as string, op)).text]) {
        assert.ok(!page.includes(password) && !page.includes(confirmPassword), "not shown again");
      }

      // stored hashed only, must be changed; the audit says the system made them; nothing holds them in clear
      const user = (await h.rt.store.getUserByLoginId(BANK, "lmaster01"))!;
      assert.equal(user.mustChangePassword, true);
      assert.ok(await verifyPassword(password, user.passwordHash));
      assert.ok(await verifyPassword(confirmPassword, user.confirmHash));
      assert.ok(!user.passwordHash.includes(password));
      const adds = await audits(["user.add"]);
      assert.equal(adds.length, 1);
      assert.equal(adds[0]!.actorKind, "staff");
      assert.equal(adds[0]!.actorId, "op01");
      assert.deepEqual(JSON.parse(adds[0]!.detail), { loginId: "lmaster01", userNo: "A001", role: "master", initialPasswords: "generated" });
      const everything = JSON.stringify(await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), limit: 1000 }));
      const sub = await h.rt.store.submissions.find(BANK, reg.body.token!, `staff:${(await h.rt.store.staff.getStaff(BANK, "op01"))!.rowId}`);
      assert.ok(sub?.result, "the outcome is kept for a repeat");
      assert.ok(logLines.length > 0, "the server logged its requests");
      for (const [where, text] of [["audit", everything], ["submission", sub!.result!], ["log", logLines.join("")]] as const) {
        assert.ok(!text.includes(password) && !text.includes(confirmPassword), `${where} holds no initial password`);
      }

      // the master logs in with the letter's login ID and password, and must change it first
      const login = await loginById(password);
      assert.equal(login.status, 200, login.text);
      assert.equal(login.json.passwordChangeRequired, true);
      const history = await api(h, login.session!, `/api/${BANK}/history`);
      assert.equal(history.json.error, "password_change_required");
      const changed = await api(h, login.session!, `/api/${BANK}/password`, { current: password, next: "Chosen2468" });
      assert.equal(changed.status, 200, changed.text);
      assert.equal((await loginById(password)).status, 401, "the initial password is gone");
      const after = await loginById("Chosen2468");
      assert.equal(after.json.passwordChangeRequired, false);
      password = "Chosen2468";
    });

    test("ログイン方式の変更 on a 申込書: certificate ↔ ID/password, confirmed and audited; login asks for what the contract says; certificates stay valid", async () => {
      const op = staff.op!;
      const page = await get("/contracts/P001", op);
      assert.match(page.text, /action="\/confirm\/contract-method"/);
      assert.match(page.text, /name="method" value="certificate"/);
      assert.match(page.text, /電子証明書方式に変更する/);
      // the form's reference is required (the form again, with the error)
      const noRef = await post("/confirm/contract-method", op, { code: "P001", method: "certificate", reference: " ", csrf: await csrfOf(op) });
      assert.equal(noRef.status, 400);
      assert.match(noRef.text, /依頼書番号を入力してください/);
      assert.equal((await h.rt.store.getContractByCode(BANK, "P001"))!.loginMethod, "password", "the confirmation changes nothing");

      // to certificates: the ID/password login is refused from then on
      const toCert = await confirmAndExecute(op, "contract-method", { code: "P001", method: "certificate", reference: "APP-2026-0007" });
      assert.match(toCert.confirm.text, /ID・パスワード方式 \/ ID and password[\s\S]*電子証明書方式 \/ Client certificate/);
      assert.equal(toCert.execute.status, 303);
      assert.match((await get(toCert.execute.headers.location as string, op)).text, /契約 P001 のログイン方式を電子証明書方式に変更しました。/);
      const refusedById = await loginById(password);
      assert.equal(refusedById.status, 403, refusedById.text);
      assert.equal(refusedById.json.error, "certificate_refused");
      const enrolled = await estEnroll(h, BANK, "lmaster01", password, await newKeyAndCsr());
      assert.equal(enrolled.status, 200, enrolled.text);
      const cert = enrolled.identity!;
      masterCert = cert;
      assert.equal((await apiLogin(h, BANK, cert, password)).status, 200, "the certificate and the password");

      // back to ID/password: the valid certificate is not revoked, but login no longer takes it
      const page2 = await get("/contracts/P001", op);
      assert.match(page2.text, /name="method" value="password"/);
      const toPw = await confirmAndExecute(op, "contract-method", { code: "P001", method: "password", reference: "APP-2026-0008" });
      assert.match(toPw.confirm.text, /1件（失効せず、有効期限まで有効のまま）/);
      assert.match((await get(toPw.execute.headers.location as string, op)).text, /ID・パスワード方式に変更しました。有効な電子証明書 1件は有効のままです。/);
      assert.notEqual((await h.rt.store.getCertificate(BANK, cert.serial))!.state, "revoked");
      assert.equal((await loginById(password)).status, 200, "login ID and password");
      const byCert = await apiLogin(h, BANK, cert, password);
      assert.equal(byCert.status, 403, byCert.text);
      assert.equal(byCert.json.error, "contract_not_certificate");
      // and to certificates once more: the same certificate works again, no new acquisition
      await confirmAndExecute(op, "contract-method", { code: "P001", method: "certificate", reference: "APP-2026-0009" });
      assert.equal((await apiLogin(h, BANK, cert, password)).status, 200);

      const switches = await audits(["contract.login_method"]);
      assert.deepEqual(
        switches.map((a) => ({ a, d: JSON.parse(a.detail) })).map(({ a, d }) => [a.actorId, a.result, d.from, d.method, d.reference, d.validCertificates]).reverse(),
        [
          ["op01", "ok", "password", "certificate", "APP-2026-0007", 0],
          ["op01", "ok", "certificate", "password", "APP-2026-0008", 1],
          ["op01", "ok", "password", "certificate", "APP-2026-0009", 1],
        ],
      );
      assert.ok(switches.every((a) => a.actorKind === "staff" && a.certSerial === op.serial));
    });

    test("トークン登録 and ワンタイムパスワード再設定 for the master, on paper forms: the token letter shown once, audited, the secret in no log", async () => {
      const op = staff.op!;
      const users = await get("/contracts/P001/users", op);
      assert.match(users.text, /href="\/otp-register\?loginId=lmaster01"/);
      assert.match(users.text, /href="\/otp-reset\?loginId=lmaster01"/);
      assert.match((await get("/otp-register?loginId=lmaster01", op)).text, /<h1>トークン登録<\/h1>/);
      // nothing to reset yet: said on the confirmation, with the form again
      const none = await post("/confirm/otp-reset", op, { loginId: "lmaster01", reference: "OTP-1", csrf: await csrfOf(op) });
      assert.equal(none.status, 409);
      assert.match(none.text, /この利用者のワンタイムパスワードは登録されていません。/);

      const reg = await confirmAndExecute(op, "otp-register", { loginId: "lmaster01", reference: "OTP-2026-0001" });
      assert.match(reg.confirm.text, /未登録 \/ Not registered/);
      assert.equal(reg.execute.status, 200, reg.execute.text);
      assert.equal(reg.execute.headers["cache-control"], "no-store");
      assert.match(reg.execute.text, /<h1>トークン登録通知書<\/h1>/);
      assert.match(reg.execute.text, /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="ワンタイムパスワード登録用QRコード"/);
      assert.doesNotMatch(reg.execute.text, /otpauth:/, "the URI is only the picture");
      const keys = [...reg.execute.text.matchAll(/data-letter="key">([A-Z2-7 ]+)</g)].map((m) => m[1]!.replace(/ /g, ""));
      assert.equal(keys.length, 2, "both languages");
      assert.equal(keys[0], keys[1]);
      const secret = keys[0]!;
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "lmaster01"))!.totpSecret, secret, "the key on the letter is the token registered");
      const again = await post("/execute/otp-register", op, reg.body);
      assert.equal(again.status, 303);
      const result = await get(again.headers.location as string, op);
      assert.match(result.text, /lmaster01 のトークンを登録しました。トークン登録通知書は登録時に一度だけ表示しました/);
      assert.ok(!result.text.includes(secret) && !again.text.includes(secret));

      const reset = await confirmAndExecute(op, "otp-reset", { loginId: "lmaster01", reference: "OTP-2026-0002" });
      assert.match(reset.confirm.text, /登録済み \/ Registered/);
      assert.equal(reset.execute.status, 303);
      assert.match((await get(reset.execute.headers.location as string, op)).text, /lmaster01 のワンタイムパスワードを再設定しました。/);
      const after = (await h.rt.store.getUserByLoginId(BANK, "lmaster01"))!;
      assert.equal(after.totpSecret, null);

      const rows = (await audits(["user.otp_register", "user.otp_reset", "staff.paper_form"])).reverse();
      assert.deepEqual(
        rows.map((a) => [a.action, a.actorKind, a.actorId, a.result, a.action === "staff.paper_form" ? JSON.parse(a.detail).reference : "-"]),
        [
          ["user.otp_register", "staff", "op01", "ok", "-"],
          ["staff.paper_form", "staff", "op01", "ok", "OTP-2026-0001"],
          ["user.otp_reset", "staff", "op01", "ok", "-"],
          ["staff.paper_form", "staff", "op01", "ok", "OTP-2026-0002"],
        ],
      );
      const everything = JSON.stringify(await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), limit: 1000 }));
      for (const [where, text] of [["audit", everything], ["log", logLines.join("")]] as const) assert.ok(!text.includes(secret), `${where} holds no token secret`);

      // an auditor has neither form and is refused (403, audited)
      const au = staff.au!;
      assert.equal((await get("/otp-register?loginId=lmaster01", au)).status, 403);
      assert.doesNotMatch((await get("/contracts/P001/users", au)).text, /otp-reset/);
      assert.equal((await post("/confirm/otp-reset", au, { loginId: "lmaster01", reference: "X", csrf: await csrfOf(au) })).status, 403);
      const refused = (await audits(["user.otp_reset"]))[0]!;
      assert.deepEqual([refused.actorId, refused.result], ["au01", "refused"]);
    });

    test("パスワード再発行 on a paper form for a locked master: a new letter shown once, the old passwords and sessions gone, the change forced, audited; the CLI too; an auditor refused", async () => {
      const op = staff.op!;
      const cert = masterCert!;
      const open = await apiLogin(h, BANK, cert, password);
      assert.equal(open.status, 200, open.text);
      // three wrong passwords: locked; the right one is told so
      for (let i = 0; i < 3; i++) assert.equal((await apiLogin(h, BANK, cert, "Wrong2468")).status, 401);
      const locked = await apiLogin(h, BANK, cert, password);
      assert.equal(locked.status, 403, locked.text);
      assert.equal(locked.json.error, "user_locked");

      assert.match((await get("/contracts/P001/users", op)).text, /href="\/reissue\?loginId=lmaster01"/);
      const form = await get("/reissue?loginId=lmaster01", op);
      assert.match(form.text, /<h1>パスワード再発行<\/h1>/);
      assert.doesNotMatch(form.text, /type="password"/, "staff type no password");
      const noRef = await post("/confirm/password-reissue", op, { loginId: "lmaster01", reference: "", csrf: await csrfOf(op) });
      assert.equal(noRef.status, 400);
      const r = await confirmAndExecute(op, "password-reissue", { loginId: "lmaster01", reference: "PWD-2026-0001" });
      assert.match(r.confirm.text, /<dt>ログインパスワード誤り回数<\/dt><dd>3<\/dd>/);
      assert.match(r.confirm.text, /（システムが生成し、実行後に一度だけ通知書に表示します）/);

      const letter = r.execute;
      assert.equal(letter.status, 200, letter.text);
      assert.equal(letter.headers["cache-control"], "no-store");
      assert.match(letter.text, /<h1>初期パスワード通知書<\/h1>/);
      for (const s of ["パスワード再発行のお知らせ", "Your new passwords", "これまでのログインパスワードと確認用パスワードはご利用いただけません", "ご利用再開の手順"]) assert.ok(letter.text.includes(s), s);
      const values = (hook: string) => [...letter.text.matchAll(new RegExp(`data-letter="${hook}">([^<]+)<`, "g"))].map((m) => m[1]!);
      const [pw, pwEn] = values("password");
      const [cpw, cpwEn] = values("confirm-password");
      assert.equal(pw, pwEn);
      assert.equal(cpw, cpwEn);
      assert.match(pw!, /^[A-Za-z0-9]{10}$/);
      assert.notEqual(pw, cpw);
      // the master holds a valid certificate: logs in with it (no acquisition), then changes the password
      assert.deepEqual([...letter.text.matchAll(/data-step="(\w+)"/g)].map((m) => m[1]), ["log_in_certificate", "change_password", "log_in_certificate", "change_password"]);
      assert.match(letter.text, /お使いの電子証明書を選び、初期ログインパスワードでログインしてください/);

      // a resend: the result, without the passwords
      const again = await post("/execute/password-reissue", op, r.body);
      assert.equal(again.status, 303);
      const result = await get(again.headers.location as string, op);
      assert.match(result.text, /lmaster01 のパスワードを再発行しました。これまでのパスワードは使えません。/);
      assert.ok(!result.text.includes(pw!) && !result.text.includes(cpw!));

      // the old password and the open session are over; the lock with them; the new one must be changed
      assert.equal((await api(h, open.session!, `/api/${BANK}/history`)).status, 401, "the session ended");
      assert.equal((await apiLogin(h, BANK, cert, password)).status, 401, "the old password is refused");
      const user = (await h.rt.store.getUserByLoginId(BANK, "lmaster01"))!;
      assert.deepEqual([user.failedLogins, user.failedConfirms, user.mustChangePassword], [1, 0, true], "the counts started again (one wrong try since: the old password)");
      assert.ok(await verifyPassword(cpw!, user.confirmHash), "the new confirmation password");
      assert.ok(!(await verifyPassword(confirmPassword, user.confirmHash)), "not the old one");
      const fresh = await apiLogin(h, BANK, cert, pw!);
      assert.equal(fresh.status, 200, fresh.text);
      assert.equal(fresh.json.passwordChangeRequired, true);
      assert.equal((await api(h, fresh.session!, `/api/${BANK}/history`)).json.error, "password_change_required");

      const rows = (await audits(["user.password_reissue", "staff.paper_form"])).slice(0, 2).reverse();
      assert.deepEqual(rows.map((a) => [a.action, a.actorKind, a.actorId, a.result]), [["user.password_reissue", "staff", "op01", "ok"], ["staff.paper_form", "staff", "op01", "ok"]]);
      assert.deepEqual(JSON.parse(rows[0]!.detail), { target: "lmaster01", passwords: "generated" });
      assert.equal(JSON.parse(rows[1]!.detail).reference, "PWD-2026-0001");
      const everything = JSON.stringify(await h.rt.store.auditEvents({ bankId: BANK, from: new Date(0), to: new Date(8.64e15), limit: 1000 }));
      const sub = await h.rt.store.submissions.find(BANK, r.body.token!, `staff:${(await h.rt.store.staff.getStaff(BANK, "op01"))!.rowId}`);
      for (const [where, text] of [["audit", everything], ["submission", sub!.result!], ["log", logLines.join("")]] as const) {
        assert.ok(!text.includes(pw!) && !text.includes(cpw!), `${where} holds no reissued password`);
      }

      // the bank's command line does the same, and prints them once
      const cli = await h.cli(["user", "password-reissue", "lmaster01", "--bank", BANK]);
      assert.equal(cli.status, 0, cli.stderr);
      const printed = /initial login password: (\S+)/.exec(cli.stdout)![1]!;
      assert.match(cli.stdout, /initial confirmation password: \S+/);
      assert.equal((await apiLogin(h, BANK, cert, pw!)).status, 401, "the letter's password is over too");
      const viaCli = await apiLogin(h, BANK, cert, printed);
      assert.equal(viaCli.status, 200, viaCli.text);
      assert.equal(viaCli.json.passwordChangeRequired, true);
      const changed = await api(h, viaCli.session!, `/api/${BANK}/password`, { current: printed, next: "Chosen1357" });
      assert.equal(changed.status, 200, changed.text);
      password = "Chosen1357";

      // an auditor has no form and is refused (403, audited); a customer has no such right (the rights table)
      const au = staff.au!;
      assert.equal((await get("/reissue?loginId=lmaster01", au)).status, 403);
      assert.doesNotMatch((await get("/contracts/P001/users", au)).text, /reissue/);
      assert.equal((await post("/confirm/password-reissue", au, { loginId: "lmaster01", reference: "X", csrf: await csrfOf(au) })).status, 403);
      const refused = (await audits(["user.password_reissue"]))[0]!;
      assert.deepEqual([refused.actorId, refused.result], ["au01", "refused"]);
    });

    test("an auditor sees no switch and is refused one (403, audited)", async () => {
      const au = staff.au!;
      const page = await get("/contracts/P001", au);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /contract-method/);
      const refused = await post("/confirm/contract-method", au, { code: "P001", method: "password", reference: "APP-X", csrf: await csrfOf(au) });
      assert.equal(refused.status, 403);
      assert.equal((await h.rt.store.getContractByCode(BANK, "P001"))!.loginMethod, "certificate");
      const last = (await audits(["contract.login_method"]))[0]!;
      assert.deepEqual([last.actorId, last.result, JSON.parse(last.detail).reason], ["au01", "refused", "not_permitted"]);
    });
  });
}
