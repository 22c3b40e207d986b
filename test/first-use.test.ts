import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { startSmtp } from "./support/smtp.js";
import { newKeyAndCsr, estEnroll, estReenroll, apiLogin, api, https, type Identity, type Session } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";
import { Notifier } from "../src/notify/notifier.js";

/**
 * Issue 11, first use at a bank whose policy asks for one-time passwords (the default): a user the
 * bank or the master registered has no token; the first certificate is had with the login ID and
 * the password; the first login forces the password change, then the token's enrolment, which a
 * code confirms; renewal without a token is refused; a token reset (master, admin, staff) makes the
 * user enrol again and mails a security notice. Over real HTTPS (EST, portal forms, JSON API).
 */
const BANK = "fu";
const CONFIRM = "Conf5678";
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

for (const db of DATABASES) {
  describe(`first use with one-time passwords: acquisition, forced enrolment, renewal, token reset (${db})`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const clock = new FakeClock("2027-04-01T01:00:00Z");
    const ids: Record<string, Identity> = {};
    before(async () => {
      smtp = await startSmtp(() => clock.now().getTime());
      h = await startHarness({
        db,
        clock,
        serve: true,
        // renewal always open (a window longer than the validity): the one-time password is what is tried
        banks: [testBank(BANK, { policy: { renewalWindow: "P400D", otp: { acquisition: true, renewal: true } } })],
        config: { mail: { from: "Inkan <no-reply@bank.example>", smtp: { host: "127.0.0.1", port: smtp.port }, pollMs: 60_000 } },
      });
      const c = await h.addContract(BANK);
      await h.addUser(BANK, c, "master01", "master");
      await h.addUser(BANK, c, "admin01", "admin");
      for (const u of ["user01", "user02", "user03"]) await h.addUser(BANK, c, u, "general");
    });
    after(async () => {
      await h?.close();
      await smtp?.close();
    });

    /** The next code of a secret: the clock moves to a new 30-second step first, as a person waits. */
    const code = (secret: string) => {
      clock.advance(30_000);
      return totpCode(secret, clock.now());
    };
    const audit = async (action: string) =>
      (await h.rt.store.auditChain(BANK)).rows.filter((r) => r.action === action).map((r) => ({ action: r.action, actorKind: r.actor_kind, actorId: r.actor_id, result: r.result, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    async function login(loginId: string): Promise<Session> {
      const r = await apiLogin(h, BANK, ids[loginId], "Pass1234");
      assert.equal(r.status, 200, `${loginId}: ${r.text}`);
      return r.session!;
    }
    /** Enrolment over the API: the secret shown, then confirmed by a code from it. */
    async function enrol(s: Session): Promise<string> {
      const shown = await api(h, s, `/api/${BANK}/otp`, { confirmPassword: CONFIRM });
      assert.equal(shown.status, 200, shown.text);
      assert.equal((await api(h, s, `/api/${BANK}/otp/confirm`, { otp: code(shown.json.secret) })).status, 200);
      return shown.json.secret;
    }

    test("a user with no token acquires with login ID and password only, over EST and in the portal; nothing else is asked", async () => {
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "master01"))!.totpSecret, null, "registration makes no token");
      const r = await estEnroll(h, BANK, "master01", "Pass1234", await newKeyAndCsr());
      assert.equal(r.status, 200, r.text);
      ids.master01 = r.identity!;
      for (const u of ["admin01", "user01", "user02"]) {
        const e = await estEnroll(h, BANK, u, "Pass1234", await newKeyAndCsr());
        assert.equal(e.status, 200, e.text);
        ids[u] = e.identity!;
      }
      // 証明書取得認証: the field is there for token holders, not required; without it the grant opens
      const page = await https(h, { path: `/${BANK}/certificate/issue` });
      assert.match(page.text, /<input id="otp" name="otp" type="text"[^>]*>/);
      assert.doesNotMatch(/<input id="otp"[^>]*>/.exec(page.text)![0], /required/);
      assert.match(page.text, /初めて電子証明書を取得する方（未登録の方）は入力不要です/);
      const grant = await https(h, { path: `/${BANK}/certificate/issue`, body: form({ loginId: "user03", password: "Pass1234" }), headers: FORM });
      assert.equal(grant.status, 303, grant.text);
      assert.match(String(grant.headers.location), /\/certificate\/issue\/confirm$/);
    });

    test("renewal without a token is refused while the policy asks for one: log in and enrol first", async () => {
      const r = await estReenroll(h, BANK, ids.user01!, "user01", "Pass1234", await newKeyAndCsr());
      assert.equal(r.status, 403, r.text);
      assert.match(r.text, /ワンタイムパスワードが登録されていないため、電子証明書を更新できません。ポータルにログインし/);
      assert.match(r.text, /register your one-time password first/);
      assert.equal((await audit("certificate.renew")).filter((e) => e.result === "refused" && e.detail.reason === "otp_enrol_first").length, 1);
    });

    test("the first login: the password change (when due), then the token's enrolment is forced on every page and API call", async () => {
      // portal: the login leads to enrolment, and every other page back to it
      const li = await https(h, { path: `/${BANK}/login`, identity: ids.user01, body: form({ password: "Pass1234" }), headers: FORM });
      assert.equal(li.status, 303, li.text);
      assert.match(String(li.headers.location), /\/otp$/);
      const cookie = String(li.headers["set-cookie"]).split(";")[0]!;
      for (const path of ["/top", "/admin", "/history", "/notices", "/renewal"]) {
        const r = await https(h, { path: `/${BANK}${path}`, identity: ids.user01, headers: { cookie } });
        assert.equal(r.status, 303, `${path}: ${r.text}`);
        assert.match(String(r.headers.location), /\/otp$/, path);
      }
      const otpPage = await https(h, { path: `/${BANK}/otp`, identity: ids.user01, headers: { cookie } });
      assert.equal(otpPage.status, 200);
      assert.match(otpPage.text, /ご利用を始める前に、ワンタイムパスワードの登録が必要です/);
      assert.doesNotMatch(otpPage.text, /<nav aria-label="メニュー"/, "no menu while the enrolment is due");
      // API: the same, said as an error
      const s = await login("user02");
      assert.equal(s.login.due, "enrol_otp");
      const blocked = await api(h, s, `/api/${BANK}/history`);
      assert.equal(blocked.status, 403);
      assert.equal(blocked.json.error, "otp_enrolment_required");
      assert.equal((await api(h, s, `/api/${BANK}/me`)).json.due, "enrol_otp");
      await enrol(s);
      assert.equal((await api(h, s, `/api/${BANK}/me`)).json.due, null);
      assert.equal((await api(h, s, `/api/${BANK}/history`)).status, 200);
    });

    test("an ID/password contract acquires and renews nothing: its users are not made to enrol a token", async () => {
      const pc = await h.rt.lifecycle.addContract(BANK, { code: "P1", name: "株式会社パスワード", loginMethod: "password" }, { actorKind: "cli", actorId: "test" });
      await h.addUser(BANK, pc, "pmaster01", "master");
      const r = await apiLogin(h, BANK, undefined, "Pass1234", "pmaster01");
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.due, null);
      assert.equal((await api(h, r.session!, `/api/${BANK}/history`)).status, 200);
    });

    test("enrolment needs a code from the shown secret; a secret shown but never confirmed does not replace a working one", async () => {
      const li = await https(h, { path: `/${BANK}/login`, identity: ids.user01, body: form({ password: "Pass1234" }), headers: FORM });
      const cookie = String(li.headers["set-cookie"]).split(";")[0]!;
      const start = await https(h, { path: `/${BANK}/otp`, identity: ids.user01, headers: { cookie } });
      const csrf = hidden(start.text, "csrf");
      const wrongConfirm = await https(h, { path: `/${BANK}/otp`, identity: ids.user01, body: form({ csrf, confirmPassword: "Nope9999" }), headers: { ...FORM, cookie } });
      assert.equal(wrongConfirm.status, 400);
      assert.match(wrongConfirm.text, /確認用パスワードが正しくありません/);
      const shown = await https(h, { path: `/${BANK}/otp`, identity: ids.user01, body: form({ csrf, confirmPassword: CONFIRM }), headers: { ...FORM, cookie } });
      assert.equal(shown.status, 200, shown.text);
      const secret = /<dd class="mono">([A-Z2-7]{32})<\/dd>/.exec(shown.text)![1]!;
      assert.match(shown.text, /alt="ワンタイムパスワード登録用QRコード"/);
      const wrong = await https(h, { path: `/${BANK}/otp/confirm`, identity: ids.user01, body: form({ csrf, otp: "000000" }), headers: { ...FORM, cookie } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /ワンタイムパスワードが正しくありません/);
      assert.doesNotMatch(wrong.text, new RegExp(secret), "the key is shown once only");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "user01"))!.totpSecret, null, "not confirmed: no token yet");
      assert.match(String((await https(h, { path: `/${BANK}/top`, identity: ids.user01, headers: { cookie } })).headers.location), /\/otp$/, "still due");
      const ok = await https(h, { path: `/${BANK}/otp/confirm`, identity: ids.user01, body: form({ csrf, otp: code(secret) }), headers: { ...FORM, cookie } });
      assert.equal(ok.status, 200, ok.text);
      assert.match(ok.text, /ワンタイムパスワードを登録しました/);
      assert.equal((await https(h, { path: `/${BANK}/top`, identity: ids.user01, headers: { cookie } })).status, 200);

      // a second enrolment shown but not confirmed: the first token still works, the new secret does not
      const again = await https(h, { path: `/${BANK}/otp`, identity: ids.user01, body: form({ csrf, confirmPassword: CONFIRM }), headers: { ...FORM, cookie } });
      const unconfirmed = /<dd class="mono">([A-Z2-7]{32})<\/dd>/.exec(again.text)![1]!;
      assert.notEqual(unconfirmed, secret);
      const byNew = await estReenroll(h, BANK, ids.user01!, "user01", "Pass1234", await newKeyAndCsr(), code(unconfirmed));
      assert.equal(byNew.status, 401, byNew.text);
      const byOld = await estReenroll(h, BANK, ids.user01!, "user01", "Pass1234", await newKeyAndCsr(), code(secret));
      assert.equal(byOld.status, 200, byOld.text);
      ids.user01 = byOld.identity!;
      assert.equal((await audit("user.otp_enrol")).filter((e) => e.result === "ok").length, 2, "user02's and user01's");
    });

    test("with a token, acquisition and renewal ask for the code (EST)", async () => {
      // user03 has no certificate yet in use and no token: enrol through the API after the first login
      const got = await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr());
      assert.equal(got.status, 200, got.text);
      ids.user03 = got.identity!;
      const secret = await enrol(await login("user03"));
      const renewNoCode = await estReenroll(h, BANK, ids.user03!, "user03", "Pass1234", await newKeyAndCsr());
      assert.equal(renewNoCode.status, 401);
      assert.match(renewNoCode.text, /ワンタイムパスワードを入力してください/);
      const renewed = await estReenroll(h, BANK, ids.user03!, "user03", "Pass1234", await newKeyAndCsr(), code(secret));
      assert.equal(renewed.status, 200, renewed.text);
      // acquisition after a reset of the certificate: now the code is asked
      const master = await login("master01");
      await enrol(master);
      assert.equal((await api(h, master, `/api/${BANK}/users/user03/reset`, { confirmPassword: CONFIRM })).status, 200);
      const acqNoCode = await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr());
      assert.equal(acqNoCode.status, 401);
      assert.match(acqNoCode.text, /ワンタイムパスワードを入力してください/);
      const acq = await estEnroll(h, BANK, "user03", "Pass1234", await newKeyAndCsr(), code(secret));
      assert.equal(acq.status, 200, acq.text);
      ids.user03 = acq.identity!;
      // the portal's grant too
      const grantNoCode = await https(h, { path: `/${BANK}/certificate/issue`, body: form({ loginId: "user02", password: "Pass1234" }), headers: FORM });
      assert.equal(grantNoCode.status, 400);
      assert.match(grantNoCode.text, /ワンタイムパスワードを入力してください/);
    });

    test("token reset: by the rights table, with the confirmation password, audited, a security notice mailed; the user enrols again", async () => {
      const master = await login("master01");
      const admin = await login("admin01");
      await enrol(admin);
      const reset = (s: Session, target: string, confirmPassword = CONFIRM) => api(h, s, `/api/${BANK}/users/${target}/otp_reset`, { confirmPassword });
      // never the master's by a user, never one's own; an admin resets general users only
      assert.equal((await reset(admin, "master01")).json.error, "not_permitted");
      assert.equal((await reset(master, "master01")).json.error, "not_permitted");
      const u3 = await login("user03");
      assert.equal((await reset(u3, "user02")).json.error, "not_permitted");
      // a token letter is the bank's: no customer registers one
      assert.equal((await api(h, master, `/api/${BANK}/users/user02/otp_register`, { confirmPassword: CONFIRM })).json.error, "not_permitted");
      const wrong = await reset(master, "user03", "Nope9999");
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error, "confirm_password_failed");
      assert.notEqual((await h.rt.store.getUserByLoginId(BANK, "user03"))!.totpSecret, null, "a wrong confirmation changes nothing");
      const ok = await reset(admin, "user03");
      assert.equal(ok.status, 200, ok.text);
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "user03"))!.totpSecret, null);
      assert.equal((await api(h, u3, `/api/${BANK}/me`)).json.error, "session_invalid", "the user's sessions end");
      assert.equal((await reset(admin, "user03")).json.error, "otp_not_registered");
      const rows = await audit("user.otp_reset");
      assert.deepEqual(rows.filter((e) => e.result === "ok").map((e) => [e.actorId, e.detail.target]), [["admin01", "user03"]]);
      assert.ok(rows.filter((e) => e.result === "refused").length >= 3, "refusals are audited");
      // the security notice, over real SMTP
      const notifier = new Notifier(h.rt.store, clock, h.rt.config, { warn: () => undefined, error: (o) => assert.fail(JSON.stringify(o)) });
      await notifier.delivery.runOnce();
      const mail = smtp.mails.find((m) => /ワンタイムパスワード初期化のお知らせ/.test(m.subject));
      assert.ok(mail, smtp.mails.map((m) => m.subject).join("\n"));
      assert.equal(mail.to, "user03@example.jp");
      assert.match(mail.text, /ログインID user03 のワンタイムパスワードが初期化されました/);
      assert.match(mail.text, /one-time password of login ID user03 was reset/);
      // the user enrols again at the next login
      const again = await login("user03");
      assert.equal(again.login.due, "enrol_otp");
      // the bank resets the master's (staff), and a token letter registers one at once
      await h.rt.lifecycle.staff(BANK, "op01").resetToken("master01");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "master01"))!.totpSecret, null);
      const letter = await h.rt.lifecycle.staff(BANK, "op01").registerToken("master01");
      assert.match(letter.secret, /^[A-Z2-7]{32}$/);
      assert.match(letter.uri, /^otpauth:\/\/totp\//);
      assert.equal((await login("master01")).login.due, null, "a token letter's token counts at once");
      const staffRows = (await audit("user.otp_reset")).concat(await audit("user.otp_register")).filter((e) => e.actorKind === "staff");
      assert.deepEqual(staffRows.map((e) => [e.action, e.actorId, e.detail.target]).sort(), [["user.otp_register", "op01", "master01"], ["user.otp_reset", "op01", "master01"]]);
    });
  });
}
