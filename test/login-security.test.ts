import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { outboxMailCode } from "./support/smtp.js";
import { newKeyAndCsr, estEnroll, estReenroll, apiLogin, api, https, type Identity, type Session } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";

const SEEDS = "お客様が選択された証明書は本サービスではご利用できません。";

for (const db of DATABASES) {
  describe(`login, lockout, one-time passwords, refusals and rights over mutual TLS (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-03-01T00:00:00Z");
    const ids: Record<string, Identity> = {};
    before(async () => {
      h = await startHarness({
        db,
        clock,
        serve: true,
        banks: [testBank("b1", { policy: { masterSelfRevokeOnline: false } }), testBank("b2"), testBank("botp", { policy: { otp: { acquisition: true, renewal: true } } })],
      });
      const c1 = await h.addContract("b1", "C1");
      const c2 = await h.addContract("b1", "C2");
      const d1 = await h.addContract("b2", "C1");
      const o1 = await h.addContract("botp", "C1");
      const people: Array<[string, number, string, "master" | "admin" | "general"]> = [
        ["b1", c1, "master01", "master"],
        ["b1", c1, "admin01", "admin"],
        ["b1", c1, "admin02", "admin"],
        ["b1", c1, "user01", "general"],
        ["b1", c1, "user02", "general"],
        ["b1", c1, "user03", "general"],
        ["b1", c2, "master02", "master"],
        ["b1", c2, "user21", "general"],
        ["b2", d1, "master01", "master"],
        ["botp", o1, "master01", "master"],
      ];
      for (const [bank, c, id, role] of people) {
        await h.addUser(bank, c, id, role);
        // the one-time-password bank's master holds a token (the bank's token letter)
        if (bank === "botp") await h.registerToken(bank, id);
        if (bank !== "botp") {
          const r = await estEnroll(h, bank, id, "Pass1234", await newKeyAndCsr());
          assert.equal(r.status, 200, r.text);
          ids[`${bank}/${id}`] = r.identity!;
        }
      }
    });
    after(async () => h?.close());

    const login = async (who: string) => {
      const [bank] = who.split("/");
      const r = await apiLogin(h, bank!, ids[who], "Pass1234");
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      return r.session!;
    };
    const op = (s: Session, bank: string, target: string, what: string, body: object) => api(h, s, `/api/${bank}/users/${target}/${what}`, body);

    test("six wrong login passwords lock the login; the right one is then refused too; the master unlocks it with the confirmation password", async () => {
      for (let i = 1; i <= 5; i++) {
        const r = await apiLogin(h, "b1", ids["b1/user03"], "Wrong" + i + "xx");
        assert.equal(r.status, 401, `attempt ${i}`);
        assert.equal(r.json.error, "auth_failed");
      }
      // the sixth locks, but a wrong password never tells it (issue 13): only the right one does
      const sixth = await apiLogin(h, "b1", ids["b1/user03"], "Wrong6xx");
      assert.equal(sixth.status, 401);
      assert.equal(sixth.json.error, "auth_failed");
      assert.equal((await apiLogin(h, "b1", ids["b1/user03"], "Wrong7xx")).json.error, "auth_failed", "locked, a wrong password answers as any wrong password");
      assert.equal((await apiLogin(h, "b1", ids["b1/user03"], "Pass1234")).json.error, "user_locked", "locked even with the right password");
      const master = await login("b1/master01");
      const list = await api(h, master, "/api/b1/users");
      assert.equal(list.json.users.find((u: any) => u.loginId === "user03").locked, true);
      const wrongConfirm = await op(master, "b1", "user03", "unlock", { confirmPassword: "Nope1234" });
      assert.equal(wrongConfirm.status, 401);
      assert.equal(wrongConfirm.json.error, "confirm_password_failed");
      assert.equal((await op(master, "b1", "user03", "unlock", { confirmPassword: "Conf5678" })).status, 200);
      assert.equal((await apiLogin(h, "b1", ids["b1/user03"], "Pass1234")).status, 200);
    });

    test("a one-time password is accepted once and refused on replay; a wrong one counts", async () => {
      const u = (await h.rt.store.getUserByLoginId("botp", "master01"))!;
      clock.advance(60_000);
      const code = totpCode(u.totpSecret!, clock.now());
      const first = await estEnroll(h, "botp", "master01", "Pass1234", await newKeyAndCsr(), code);
      assert.equal(first.status, 200, first.text);
      const replay = await estEnroll(h, "botp", "master01", "Pass1234", await newKeyAndCsr(), code);
      assert.equal(replay.status, 401);
      assert.match(replay.text, /すでに使用されています[\s\S]*already been used/);
      // the CSR's challengePassword carries it too (RFC 7030 clients)
      clock.advance(30_000);
      const viaCsr = await estEnroll(h, "botp", "master01", "Pass1234", await newKeyAndCsr({ challengePassword: totpCode(u.totpSecret!, clock.now()) }));
      assert.equal(viaCsr.status, 200, viaCsr.text);
      const wrong = await estEnroll(h, "botp", "master01", "Pass1234", await newKeyAndCsr(), "000000");
      assert.equal(wrong.status, 401);
      assert.match(wrong.text, /ワンタイムパスワードが正しくありません/);
      assert.equal((await h.rt.store.getUserByLoginId("botp", "master01"))!.failedLogins, 1);

      // renewal takes the code from the CSR too: the refusal is then about the window, not the code
      clock.advance(30_000);
      const renewal = await estReenroll(h, "botp", viaCsr.identity!, "master01", "Pass1234", await newKeyAndCsr({ challengePassword: totpCode(u.totpSecret!, clock.now()) }));
      assert.equal(renewal.status, 403, renewal.text);
      assert.match(renewal.text, /更新は有効期限の30日前/);
      // csrattrs asks for the challengePassword, and says whether the presented certificate took
      const attrs = await https(h, { path: "/.well-known/est/botp/csrattrs", identity: viaCsr.identity });
      assert.equal(attrs.headers["x-inkan-certificate"], "active");
      const old = await https(h, { path: "/.well-known/est/botp/csrattrs", identity: first.identity });
      assert.equal(old.headers["x-inkan-certificate"], "refused; cause=superseded");
    });

    test("a session is bound to its certificate: another certificate, or none, on the same cookie is refused; changes need the CSRF token", async () => {
      const s = await login("b1/user01");
      assert.equal((await api(h, s, "/api/b1/me")).status, 200);
      const other = await api(h, s, "/api/b1/me", undefined, { identity: ids["b1/user02"] });
      assert.equal(other.status, 401);
      assert.equal(other.json.error, "session_invalid");
      const s2 = await login("b1/user01");
      assert.equal((await api(h, s2, "/api/b1/me", undefined, { identity: null })).json.error, "session_invalid");
      const s3 = await login("b1/user01");
      const noCsrf = await api(h, s3, "/api/b1/password", { current: "Pass1234", next: "Next1234" }, { csrf: "forged" });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.json.error, "csrf_invalid");
    });

    test("foreign certificates are refused: another bank's, and one from a CA of nobody's", async () => {
      const r = await apiLogin(h, "b1", ids["b2/master01"], "Pass1234");
      assert.equal(r.status, 403);
      assert.ok(r.json.message.ja.startsWith(SEEDS));
      assert.equal(r.json.cause, "foreign");
      const none = await apiLogin(h, "b1", undefined, "Pass1234");
      assert.equal(none.json.cause, "none");
      // a certificate with the same subject, self-made: not ours
      const { execFileSync } = await import("node:child_process");
      const dir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/inkan-forge-`);
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${dir}/k.pem`, "-out", `${dir}/c.pem`, "-days", "400", "-subj", "/O=Test Bank, Ltd./OU=Test Bank TEST CA - G1/CN=user01 A004 20270301090000000000"], { stdio: "ignore" });
      const fs = await import("node:fs");
      const forged = await apiLogin(h, "b1", { keyPem: fs.readFileSync(`${dir}/k.pem`, "utf8"), certPem: fs.readFileSync(`${dir}/c.pem`, "utf8"), serial: "x" }, "Pass1234");
      assert.equal(forged.status, 403);
      assert.equal(forged.json.cause, "foreign");
    });

    test("rights over the API: general and admin limits, other contracts and banks not found, the master's own by paper", async () => {
      const user = await login("b1/user01");
      const admin = await login("b1/admin01");
      const master = await login("b1/master01");
      const master2 = await login("b1/master02");
      const expect = async (s: Session, target: string, what: string, status: number, error?: string) => {
        const r = await op(s, "b1", target, what, { confirmPassword: "Conf5678", reason: "unspecified" });
        assert.equal(r.status, status, `${what} ${target}: ${r.text}`);
        if (error) assert.equal(r.json.error, error);
      };
      await expect(user, "user02", "revoke", 403, "not_permitted");
      await expect(user, "user02", "suspend", 403, "not_permitted");
      // an admin may revoke the master's or another admin's certificate (the last test), never reset it
      await expect(admin, "master01", "reset", 403, "not_permitted");
      await expect(admin, "admin02", "reset", 403, "not_permitted");
      await expect(admin, "admin02", "suspend", 403, "not_permitted");
      await expect(admin, "user21", "revoke", 404, "user_not_found");
      await expect(master2, "user02", "revoke", 404, "user_not_found");
      await expect(master, "nobody99", "revoke", 404, "user_not_found");
      await expect(master, "master01", "revoke", 403, "master_revocation_by_paper");
      await expect(master, "master01", "suspend", 403, "not_permitted");
      // the b2 bank's master01 is not b1's: same login ID, other bank
      const b2master = await login("b2/master01");
      const cross = await api(h, b2master, "/api/b2/users/user02/revoke", { confirmPassword: "Conf5678" });
      assert.equal(cross.status, 404);
      // and nothing was revoked by any of that
      for (const id of ["user02", "master01", "admin02"]) assert.match((await h.rt.store.getCertificate("b1", ids[`b1/${id}`]!.serial))!.state, /^(active|pending)$/, id);
    });

    test("revocation by the master refuses the very next request; so does one made by the CLI in another process", async () => {
      const s = await login("b1/user02");
      const admin = await login("b1/admin01");
      assert.equal((await op(admin, "b1", "user02", "revoke", { confirmPassword: "Conf5678", reason: "keyCompromise" })).status, 200);
      assert.notEqual((await api(h, s, "/api/b1/me")).status, 200);
      const again = await apiLogin(h, "b1", ids["b1/user02"], "Pass1234");
      assert.equal(again.status, 403);
      assert.equal(again.json.cause, "revoked");
      assert.match(again.json.message.ja, /失効しています[\s\S]*電子証明書発行/);

      const s21 = await login("b1/user21");
      assert.equal((await api(h, s21, "/api/b1/me")).status, 200);
      const cli = await h.cli(["cert", "revoke", ids["b1/user21"]!.serial, "--bank", "b1", "--reason", "affiliationChanged"]);
      assert.equal(cli.status, 0, cli.stderr);
      const next = await api(h, s21, "/api/b1/me");
      assert.equal(next.status, 403, "no cache, no poll: the very next request");
      assert.equal(next.json.cause, "revoked");
      // revocation does not switch anyone to password login
      const pw = await https(h, { path: "/api/b1/login", body: { loginId: "user21", password: "Pass1234" } });
      assert.equal(pw.status, 403);
      assert.equal(pw.json.error, "certificate_refused");
    });

    test("suspension ends the session at once and refuses login; resumption restores it", async () => {
      const s = await login("b1/user03");
      const master = await login("b1/master01");
      // 利用者停止・解除 are confirmed with a メール通知パスワード mailed to the master (here: the outbox folder)
      const mailed = async (what: string) => {
        clock.advance(60_000); // one code a minute at the most (mailCodeInterval)
        assert.equal((await op(master, "b1", "user03", `${what}/mail-code`, {})).status, 200);
        return { mailCode: await outboxMailCode(h.dataDir, "master01@example.jp") };
      };
      assert.equal((await op(master, "b1", "user03", "suspend", await mailed("suspend"))).status, 200);
      assert.notEqual((await api(h, s, "/api/b1/me")).status, 200);
      const r = await apiLogin(h, "b1", ids["b1/user03"], "Pass1234");
      assert.equal(r.json.error, "user_suspended");
      assert.equal((await op(master, "b1", "user03", "resume", await mailed("resume"))).status, 200);
      assert.equal((await apiLogin(h, "b1", ids["b1/user03"], "Pass1234")).status, 200);
    });

    test("first login forces a password change; a new one-time password secret is enrolled with the confirmation password and confirmed by a code; logout ends the session", async () => {
      const c = (await h.rt.store.getContractByCode("b1", "C1"))!;
      await h.rt.lifecycle.addUser("b1", { contractId: c.id, loginId: "newbie01", name: "新人 太郎", email: "n@example.jp", role: "general", password: "Init1234", confirmPassword: "Conf5678" }, { actorKind: "cli", actorId: "test" });
      const cert = (await estEnroll(h, "b1", "newbie01", "Init1234", await newKeyAndCsr())).identity!;
      const r = await apiLogin(h, "b1", cert, "Init1234");
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.passwordChangeRequired, true);
      const s = r.session!;
      const blocked = await api(h, s, "/api/b1/users");
      assert.equal(blocked.status, 403);
      assert.equal(blocked.json.error, "password_change_required");
      const weak = await api(h, s, "/api/b1/password", { current: "Init1234", next: "newbie01" });
      assert.equal(weak.json.error, "password_invalid");
      assert.equal((await api(h, s, "/api/b1/password", { current: "Init1234", next: "Fresh5678" })).status, 200);
      assert.equal((await api(h, s, "/api/b1/users")).status, 200);
      const otp = await api(h, s, "/api/b1/otp", { confirmPassword: "Conf5678" });
      assert.equal(otp.status, 200, otp.text);
      assert.match(otp.json.secret, /^[A-Z2-7]{32}$/);
      assert.match(otp.json.uri, new RegExp(`^otpauth://totp/Test%20Bank:newbie01\\?issuer=Test%20Bank&secret=${otp.json.secret}&`));
      assert.equal(otp.json.confirmed, false);
      assert.equal((await h.rt.store.getUserByLoginId("b1", "newbie01"))!.totpSecret, null, "shown, not yet confirmed: no token");
      const wrongCode = await api(h, s, "/api/b1/otp/confirm", { otp: "000000" });
      assert.equal(wrongCode.json.error, "otp_invalid");
      assert.equal((await api(h, s, "/api/b1/otp/confirm", { otp: totpCode(otp.json.secret, clock.now()) })).status, 200);
      assert.equal((await h.rt.store.getUserByLoginId("b1", "newbie01"))!.totpSecret, otp.json.secret);
      assert.equal((await api(h, s, "/api/b1/logout", {})).status, 200);
      assert.equal((await api(h, s, "/api/b1/me")).json.error, "session_invalid");
      assert.equal((await apiLogin(h, "b1", cert, "Init1234")).json.error, "auth_failed", "the old password is gone");
    });

    test("an idle session ends after the policy's idle time", async () => {
      const s = await login("b1/admin02");
      clock.advance(14 * 60_000);
      assert.equal((await api(h, s, "/api/b1/me")).status, 200);
      clock.advance(15 * 60_000 + 1000);
      assert.equal((await api(h, s, "/api/b1/me")).json.error, "session_invalid");
    });

    test("the master's certificate deleted by mistake: another user with admin rights revokes it (the seeds' way besides the paper form); it is refused at once and a new one stays the bank's", async () => {
      const admin = await login("b1/admin01");
      const master = await login("b1/master01");
      const r = await op(admin, "b1", "master01", "revoke", { confirmPassword: "Conf5678", reason: "keyCompromise" });
      assert.equal(r.status, 200, r.text);
      assert.notEqual((await api(h, master, "/api/b1/me")).status, 200);
      const again = await apiLogin(h, "b1", ids["b1/master01"], "Pass1234");
      assert.equal(again.status, 403);
      assert.equal(again.json.cause, "revoked");
      assert.equal((await h.rt.store.getCertificate("b1", ids["b1/master01"]!.serial))!.state, "revoked");
      // the admin cannot hand the master a new certificate: that is the bank's reset on paper
      const reset = await op(admin, "b1", "master01", "reset", { confirmPassword: "Conf5678" });
      assert.equal(reset.status, 403);
      assert.equal(reset.json.error, "not_permitted");
    });
  });
}
