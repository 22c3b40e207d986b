import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, apiLogin, api, type Identity, type Session } from "./support/client.js";
import { startSmtp } from "./support/smtp.js";
import { FakeClock } from "../src/domain/clock.js";

/**
 * メール通知パスワード for 利用者停止・解除 (issue 11, Build 5) over the real HTTPS API and a real SMTP
 * server, on SQLite and PostgreSQL: the acting user gets a six-digit code by mail, good once, for
 * the policy's mailCodeValidity (the injected clock moves past it), for that operation on that user
 * only; wrong codes count toward the confirmation lockout; the code is in no log line and no audit
 * record; a user is mailed at most one a minute and ten an hour (429, Retry-After, ja/en).
 */
const BANK = "mc";
const MINUTE = 60_000;

for (const db of DATABASES) {
  describe(`メール通知パスワード over SMTP (${db})`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const clock = new FakeClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const logLines: string[] = [];
    const ids: Record<string, Identity> = {};
    const sessions: Record<string, Session> = {};
    before(async () => {
      smtp = await startSmtp(() => clock.now().getTime());
      h = await startHarness({ db, clock, serve: true, logLines, banks: [testBank(BANK, { policy: { lockoutThreshold: 4 } })], config: { mail: { from: "Inkan <no-reply@bank.example>", smtp: { host: "127.0.0.1", port: smtp.port }, pollMs: 3_600_000 } } });
      const c = await h.addContract(BANK, "C1");
      for (const [id, role] of [["master01", "master"], ["admin01", "admin"], ["user01", "general"], ["user02", "general"]] as const) await h.addUser(BANK, c, id, role);
      for (const id of ["master01", "admin01", "user01"]) {
        const r = await estEnroll(h, BANK, id, "Pass1234", await newKeyAndCsr());
        assert.equal(r.status, 200, r.text);
        ids[id] = r.identity!;
        const l = await apiLogin(h, BANK, ids[id], "Pass1234");
        assert.equal(l.status, 200, l.text);
        sessions[id] = l.session!;
      }
    });
    after(async () => {
      await h?.close();
      await smtp?.close();
    });

    const sendCode = (who: string, op: "suspend" | "resume", target: string) => api(h, sessions[who]!, `/api/${BANK}/users/${target}/${op}/mail-code`, {});
    /** one code a minute at the most (mailCodeInterval): a person asking again waits that long */
    const aMinuteLater = () => clock.advance(MINUTE);
    const act = (who: string, op: "suspend" | "resume", target: string, mailCode: string) => api(h, sessions[who]!, `/api/${BANK}/users/${target}/${op}`, { mailCode });
    /** The code of the newest mail to `to`, read from the mail as the user would. */
    const codeFor = (to: string) => {
      const mine = smtp.mails.filter((m) => m.to.includes(to));
      const m = mine.at(-1);
      assert.ok(m, `a mail to ${to}`);
      return /メール通知パスワード：(\d{6})/.exec(m.text)![1]!;
    };
    const statusOf = async (id: string) => (await h.rt.store.getUserByLoginId(BANK, id))!.status;

    test("the code arrives by mail, confirms once the operation it was sent for, and no other", async () => {
      // without a code: refused, nothing changed (the 確認用パスワード is not asked and does not do)
      const none = await api(h, sessions.master01!, `/api/${BANK}/users/user02/suspend`, { confirmPassword: "Conf5678" });
      assert.equal(none.status, 401, none.text);
      assert.equal(none.json.error, "mail_code_failed");
      assert.equal(await statusOf("user02"), "active");

      const sent = await sendCode("master01", "suspend", "user02");
      assert.equal(sent.status, 200, sent.text);
      assert.equal(new Date(sent.json.expiresAt).getTime(), clock.now().getTime() + 10 * MINUTE, "the policy's PT10M");
      const mail = smtp.mails.at(-1)!;
      assert.equal(mail.to, "master01@example.jp", "to the acting user, not the target");
      assert.match(mail.subject, /^【テスト銀行】メール通知パスワードのお知らせ/);
      assert.match(mail.text, /利用者停止（対象：ログインID user02）/);
      assert.doesNotMatch(mail.html, /<a /, "no link");
      const code = codeFor("master01@example.jp");

      // the code for suspending user02 does not resume anyone nor suspend another user
      assert.equal((await act("master01", "suspend", "user01", code)).json.error, "mail_code_failed");
      assert.equal(await statusOf("user01"), "active");
      const ok = await act("master01", "suspend", "user02", code);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(await statusOf("user02"), "suspended");
      // spent: the same code again is refused
      const again = await act("master01", "resume", "user02", code);
      assert.equal(again.json.error, "mail_code_failed");
      assert.equal(await statusOf("user02"), "suspended");

      // a new code; only the newest counts
      aMinuteLater();
      await sendCode("master01", "resume", "user02");
      const first = codeFor("master01@example.jp");
      aMinuteLater();
      await sendCode("master01", "resume", "user02");
      const second = codeFor("master01@example.jp");
      if (first !== second) assert.equal((await act("master01", "resume", "user02", first)).json.error, "mail_code_failed", "a code replaced by a newer one is over");
      assert.equal((await act("master01", "resume", "user02", second)).status, 200);
      assert.equal(await statusOf("user02"), "active");
    });

    test("a code expires after mailCodeValidity (the clock moves); wrong codes count toward the lockout, a right one clears the count", async () => {
      await sendCode("admin01", "suspend", "user02");
      const code = codeFor("admin01@example.jp");
      clock.advance(10 * MINUTE + 1000);
      assert.equal((await act("admin01", "suspend", "user02", code)).json.error, "mail_code_failed", "expired");
      assert.equal(await statusOf("user02"), "active");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "admin01"))!.failedConfirms, 1, "the expired code counted");

      await sendCode("admin01", "suspend", "user02");
      const fresh = codeFor("admin01@example.jp");
      const wrong = fresh === "000000" ? "000001" : "000000";
      assert.equal((await act("admin01", "suspend", "user02", wrong)).json.error, "mail_code_failed");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "admin01"))!.failedConfirms, 2);
      assert.equal((await act("admin01", "suspend", "user02", fresh)).status, 200, "still good after a wrong try");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "admin01"))!.failedConfirms, 0);

      // four wrong answers (the policy's threshold): the actor's confirmation is locked
      aMinuteLater();
      await sendCode("admin01", "resume", "user02");
      const good = codeFor("admin01@example.jp");
      const bad = good === "111111" ? "222222" : "111111";
      for (let i = 0; i < 4; i++) assert.equal((await act("admin01", "resume", "user02", bad)).json.error, "mail_code_failed");
      aMinuteLater();
      await sendCode("admin01", "resume", "user02");
      const locked = await act("admin01", "resume", "user02", codeFor("admin01@example.jp"));
      assert.equal(locked.status, 403, locked.text);
      assert.equal(locked.json.error, "confirm_locked");
      assert.equal(await statusOf("user02"), "suspended");
      // the master unlocks the admin (確認用パスワード) and resumes user02 with a code of their own
      assert.equal((await api(h, sessions.master01!, `/api/${BANK}/users/admin01/unlock`, { confirmPassword: "Conf5678" })).status, 200);
      await sendCode("master01", "resume", "user02");
      assert.equal((await act("master01", "resume", "user02", codeFor("master01@example.jp"))).status, 200);
    });

    test("no code is mailed for what the rights table refuses; the codes are in no log line and no audit record", async () => {
      const before = smtp.mails.length;
      const general = await sendCode("user01", "suspend", "user02");
      assert.equal(general.status, 403, general.text);
      const master = await sendCode("admin01", "suspend", "master01");
      assert.equal(master.status, 403, master.text);
      const unknown = await api(h, sessions.master01!, `/api/${BANK}/users/user02/delete/mail-code`, {});
      assert.equal(unknown.status, 404, "only operations confirmed by mail");
      assert.equal(smtp.mails.length, before, "nothing mailed");

      const codes = smtp.mails.map((m) => /メール通知パスワード：(\d{6})/.exec(m.text)?.[1]).filter((c): c is string => !!c);
      assert.ok(codes.length >= 8, `codes mailed: ${codes.length}`);
      const kdb = (h.rt.store as any).kdb;
      const audit = JSON.stringify(await kdb.selectFrom("audit_events").selectAll().where("bank_id", "=", BANK).execute());
      const logs = logLines.join("\n");
      assert.ok(logLines.length > 0, "the log was captured");
      for (const c of codes) {
        // as a number of its own (timestamps and serials hold digit runs that may contain it)
        const alone = new RegExp(`(?<![0-9a-f])${c}(?![0-9a-f])`);
        assert.doesNotMatch(audit, alone, `code ${c} in the audit`);
        assert.doesNotMatch(logs, alone, `code ${c} in the log`);
      }
      const stored = JSON.stringify(await kdb.selectFrom("mail_codes").selectAll().execute());
      for (const c of codes) assert.ok(!stored.includes(`"${c}"`), "only keyed hashes are stored");
      assert.match(audit, /"action":"mail_code.send"/);
    });

    test("at most one code a minute and ten an hour per user, whatever the operation: 429 with Retry-After and the time to try again, ja and en; audited; nothing mailed", async () => {
      // hours on: the earlier codes no longer count (new logins: the old sessions have idled out)
      clock.advance(2 * 60 * MINUTE);
      for (const id of ["master01", "admin01"]) {
        const l = await apiLogin(h, BANK, ids[id], "Pass1234");
        assert.equal(l.status, 200, l.text);
        sessions[id] = l.session!;
      }
      const mailed = () => smtp.mails.filter((m) => m.to.includes("master01@example.jp")).length;
      const jst = (ms: number) => new Date(ms + 9 * 60 * MINUTE).toISOString().slice(11, 19);

      const t0 = clock.now().getTime();
      assert.equal((await sendCode("master01", "suspend", "user02")).status, 200);
      const before = mailed();
      // at once again, for another operation and user: too soon; it says when, in both languages
      const soon = await sendCode("master01", "resume", "user01");
      assert.equal(soon.status, 429, soon.text);
      assert.equal(soon.json.error, "mail_code_too_soon");
      assert.equal(soon.headers["retry-after"], "60");
      assert.equal(soon.json.message.ja, `メール通知パスワードの送信は60秒に1回、1時間に10回までです。${jst(t0 + MINUTE)}（60秒後）以降に、もう一度「メール通知パスワードを送信」を押してください。`);
      assert.equal(soon.json.message.en, `A mailed password can be sent once every 60 seconds and 10 times an hour. Press Send a mailed password again from ${jst(t0 + MINUTE)} (in 60 seconds).`);
      clock.advance(59_000);
      const still = await sendCode("master01", "suspend", "user02");
      assert.equal(still.status, 429);
      assert.equal(still.headers["retry-after"], "1");
      assert.equal(mailed(), before, "nothing mailed while refused");
      clock.advance(1_000);
      assert.equal((await sendCode("master01", "suspend", "user02")).status, 200, "a minute after the last one");

      // the other actors are not held up by the master's codes
      assert.equal((await sendCode("admin01", "suspend", "user02")).status, 200);

      // ten in the hour (one a minute): the eleventh waits until an hour after the first
      for (let i = 2; i < 10; i++) {
        aMinuteLater();
        assert.equal((await sendCode("master01", "suspend", "user02")).status, 200, `code ${i + 1}`);
      }
      aMinuteLater();
      const eleventh = await sendCode("master01", "suspend", "user02");
      assert.equal(eleventh.status, 429, eleventh.text);
      const wait = Math.ceil((t0 + 60 * MINUTE - clock.now().getTime()) / 1000);
      assert.equal(eleventh.headers["retry-after"], String(wait));
      assert.match(eleventh.json.message.ja, new RegExp(`${jst(t0 + 60 * MINUTE)}（${wait}秒後）以降に`));
      assert.equal(mailed(), before + 9);
      clock.set(t0 + 60 * MINUTE + 1);
      sessions.master01 = (await apiLogin(h, BANK, ids.master01, "Pass1234")).session!;
      assert.equal((await sendCode("master01", "suspend", "user02")).status, 200, "the first has aged out of the hour");

      const kdb = (h.rt.store as any).kdb;
      const refused = await kdb.selectFrom("audit_events").selectAll().where("bank_id", "=", BANK).where("action", "=", "mail_code.send").where("result", "=", "refused").orderBy("seq").execute();
      assert.deepEqual(
        refused.map((a: { detail: string }) => JSON.parse(a.detail)).map((d: Record<string, string>) => [d.reason, d.retryAt]),
        [
          ["mail_code_too_soon", new Date(t0 + MINUTE).toISOString()],
          ["mail_code_too_soon", new Date(t0 + MINUTE).toISOString()],
          ["mail_code_too_soon", new Date(t0 + 60 * MINUTE).toISOString()],
        ],
      );
    });
  });
}
