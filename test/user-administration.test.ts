import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASES, startHarness, testBank, run, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, apiLogin, api, https, type Identity, type Session } from "./support/client.js";
import * as x509 from "../src/ca/x509.js";

/**
 * 利用者管理 over the real HTTPS JSON API with client certificates: 利用者登録, 利用者変更, 利用者削除,
 * パスワード再設定, by the rights table, confirmed with the 確認用パスワード, audited in the chain.
 */
const BANK = "ua";
const LIMIT = 6;
const CONFIRM = "Conf5678";

for (const db of DATABASES) {
  describe(`user administration over the API: add, change, delete, password reset (${db})`, () => {
    let h: Harness;
    let dir: string;
    const ids: Record<string, Identity> = {};
    const sessions: Record<string, Session> = {};
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "inkan-ua-"));
      h = await startHarness({ db, serve: true, banks: [testBank(BANK, { policy: { maxUsersPerContract: LIMIT } })] });
      const c1 = await h.addContract(BANK, "C1");
      const c2 = await h.addContract(BANK, "C2");
      await h.addUser(BANK, c1, "master01", "master");
      await h.addUser(BANK, c2, "master02", "master");
      await h.addUser(BANK, c2, "user21", "general");
      for (const id of ["master01", "master02"]) ids[id] = await enroll(id, "Pass1234");
      sessions.master01 = await login("master01", "Pass1234");
      sessions.master02 = await login("master02", "Pass1234");
    });
    after(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function enroll(loginId: string, password: string): Promise<Identity> {
      const r = await estEnroll(h, BANK, loginId, password, await newKeyAndCsr());
      assert.equal(r.status, 200, `${loginId}: ${r.text}`);
      return r.identity!;
    }
    async function login(loginId: string, password: string): Promise<Session> {
      const r = await apiLogin(h, BANK, ids[loginId], password);
      assert.equal(r.status, 200, `${loginId}: ${r.text}`);
      return r.session!;
    }
    const add = (s: Session, u: { loginId: string; role: string; name?: string; email?: string; initialPassword?: string; initialConfirmPassword?: string }, confirmPassword = CONFIRM) =>
      api(h, s, `/api/${BANK}/users`, { name: `利用者 ${u.loginId}`, email: `${u.loginId}@example.jp`, initialPassword: "Init1234", initialConfirmPassword: "Kaku5678", ...u, confirmPassword });
    const op = (s: Session, target: string, what: "change" | "delete" | "password" | "revoke", body: object) => api(h, s, `/api/${BANK}/users/${target}/${what}`, { confirmPassword: CONFIRM, ...body });
    const expect = (r: { status: number; text: string; json: any }, status: number, error?: string) => {
      assert.equal(r.status, status, r.text);
      if (error) assert.equal(r.json.error, error, r.text);
    };
    const listed = async (s: Session) => (await api(h, s, `/api/${BANK}/users`)).json.users as Array<{ loginId: string; userNo: string; name: string; email: string; role: string }>;

    test("the master adds an admin and a general user (A002, A003); the new user must change the password before anything else", async () => {
      const master = sessions.master01!;
      const a = await add(master, { loginId: "admin01", role: "admin" });
      expect(a, 200);
      assert.equal(a.json.user.userNo, "A002");
      // no token comes with a registration: the user enrols one at the first login (issue 11)
      assert.equal(a.json.otp, undefined);
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "admin01"))!.totpSecret, null);
      assert.equal(a.headers["cache-control"], "no-store");
      const g = await add(master, { loginId: "user01", role: "general", name: "一般 花子" });
      expect(g, 200);
      assert.equal(g.json.user.userNo, "A003");
      const users = await listed(master);
      assert.deepEqual(users.map((u) => [u.loginId, u.userNo, u.role]), [["admin01", "A002", "admin"], ["master01", "A001", "master"], ["user01", "A003", "general"]]);
      assert.equal(users.find((u) => u.loginId === "user01")!.email, "user01@example.jp");

      // bad input is refused before anything is decided
      expect(await add(master, { loginId: "ab", role: "general" }), 400, "login_id_invalid");
      expect(await add(master, { loginId: "user09", role: "general", initialConfirmPassword: "Init1234" }), 400, "password_invalid");
      expect(await add(master, { loginId: "user09", role: "general", name: "あ".repeat(31) }), 400, "user_name_invalid");
      expect(await add(master, { loginId: "user09", role: "general", email: "not-an-address" }), 400, "email_invalid");
      expect(await add(master, { loginId: "user09", role: "master" }), 400, "user_role_invalid");

      // first login of the admin: with the certificate it acquired with the initial password
      ids.admin01 = await enroll("admin01", "Init1234");
      const first = await apiLogin(h, BANK, ids.admin01, "Init1234");
      expect(first, 200);
      assert.equal(first.json.passwordChangeRequired, true);
      const s = first.session!;
      expect(await api(h, s, `/api/${BANK}/users`), 403, "password_change_required");
      expect(await add(s, { loginId: "user02", role: "general" }, "Kaku5678"), 403, "password_change_required");
      expect(await op(s, "user01", "change", { name: "x", confirmPassword: "Kaku5678" }), 403, "password_change_required");
      expect(await api(h, s, `/api/${BANK}/password`, { current: "Init1234", next: "Admin123" }), 200);
      sessions.admin01 = s;
      expect(await api(h, s, `/api/${BANK}/users`), 200);
    });

    test("an admin adds a general user but not an admin; changes a general user's name but not the master, and grants no admin right", async () => {
      const admin = sessions.admin01!;
      const g = await add(admin, { loginId: "user02", role: "general" }, "Kaku5678");
      expect(g, 200);
      assert.equal(g.json.user.userNo, "A004");
      expect(await add(admin, { loginId: "admin02", role: "admin" }, "Kaku5678"), 403, "not_permitted");

      expect(await op(admin, "user01", "change", { name: "一般 花子（経理）", email: "hanako@example.jp", confirmPassword: "Kaku5678" }), 200);
      const u1 = (await listed(admin)).find((u) => u.loginId === "user01")!;
      assert.deepEqual([u1.name, u1.email, u1.role], ["一般 花子（経理）", "hanako@example.jp", "general"]);
      expect(await op(admin, "master01", "change", { name: "乗っ取り", confirmPassword: "Kaku5678" }), 403, "not_permitted");
      expect(await op(admin, "user01", "change", { role: "admin", confirmPassword: "Kaku5678" }), 403, "not_permitted");
      expect(await op(admin, "admin01", "change", { name: "自分", confirmPassword: "Kaku5678" }), 403, "not_permitted");
      // the master grants admin and takes it back; never to or from the master itself
      const master = sessions.master01!;
      expect(await op(master, "user01", "change", { role: "admin" }), 200);
      assert.equal((await listed(master)).find((u) => u.loginId === "user01")!.role, "admin");
      expect(await op(master, "user01", "change", { role: "general" }), 200);
      expect(await op(master, "user01", "change", { role: "master" }), 400, "user_role_invalid");
      expect(await op(master, "master01", "change", { name: "社長" }), 403, "not_permitted");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "master01"))!.name, "利用者 master01");
    });

    test("利用者一覧's 並び順 over the API; 自身の情報の変更 changes oneself only, with the 確認用パスワード", async () => {
      const master = sessions.master01!;
      const byRole = (await api(h, master, `/api/${BANK}/users?sort=role&order=desc`)).json.users as Array<{ loginId: string; role: string }>;
      assert.equal(byRole.at(-1)!.role, "master");
      assert.equal(byRole.at(-2)!.role, "admin");
      assert.deepEqual((await listed(master)).map((u) => u.loginId), [...(await listed(master)).map((u) => u.loginId)].sort(), "login ID ascending unless asked");
      const self = (body: object, target = "master01") => api(h, master, `/api/${BANK}/users/${target}/self_change`, { confirmPassword: CONFIRM, ...body });
      expect(await self({ name: "マスター 一郎" }), 200);
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "master01"))!.name, "マスター 一郎");
      expect(await self({ name: "他人 の名前" }, "user01"), 403, "not_permitted");
      assert.notEqual((await h.rt.store.getUserByLoginId(BANK, "user01"))!.name, "他人 の名前");
      expect(await self({ email: "bad address" }), 400, "email_invalid");
      expect(await self({ name: "利用者 master01" }), 200);
    });

    test("a user of another contract is not found, never forbidden; nor is anyone unknown", async () => {
      for (const s of [sessions.master01!, sessions.admin01!]) {
        const confirmPassword = s === sessions.admin01 ? "Kaku5678" : CONFIRM;
        for (const what of ["change", "delete", "password"] as const) {
          expect(await op(s, "user21", what, { name: "x", password: "Temp1234", confirmPassword }), 404, "user_not_found");
          expect(await op(s, "nobody99", what, { name: "x", password: "Temp1234", confirmPassword }), 404, "user_not_found");
        }
      }
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "user21"))!.status, "active");
    });

    test("a login ID already used (in this contract or another) is 409; the contract's limit (the master included) is 409", async () => {
      const master = sessions.master01!;
      expect(await add(master, { loginId: "user01", role: "general" }), 409, "login_id_taken");
      expect(await add(master, { loginId: "user21", role: "general" }), 409, "login_id_taken");
      expect(await add(master, { loginId: "user03", role: "general" }), 200);
      expect(await add(master, { loginId: "user04", role: "general" }), 200);
      assert.equal((await listed(master)).length, LIMIT);
      const full = await add(master, { loginId: "user05", role: "general" });
      expect(full, 409, "user_limit_reached");
      assert.match(full.json.message.ja, new RegExp(`上限（${LIMIT}名）`));
    });

    test("password reset: a temporary password chosen by the master, forced change at next login, the lockout cleared", async () => {
      ids.user02 = await enroll("user02", "Init1234");
      for (let i = 1; i <= 6; i++) await apiLogin(h, BANK, ids.user02, `Wrong${i}xx`);
      expect(await apiLogin(h, BANK, ids.user02, "Init1234"), 403, "user_locked");
      expect(await op(sessions.master01!, "user02", "password", { password: "user02" }), 400, "password_invalid");
      expect(await op(sessions.master01!, "user02", "password", { password: "Temp4321" }), 200);
      const r = await apiLogin(h, BANK, ids.user02, "Temp4321");
      expect(r, 200);
      assert.equal(r.json.passwordChangeRequired, true);
      expect(await apiLogin(h, BANK, ids.user02, "Init1234"), 401, "auth_failed");
      // an admin may reset a general user's, not the master's nor its own
      expect(await op(sessions.admin01!, "user02", "password", { password: "Temp9876", confirmPassword: "Kaku5678" }), 200);
      expect(await op(sessions.admin01!, "master01", "password", { password: "Temp9876", confirmPassword: "Kaku5678" }), 403, "not_permitted");
      expect(await op(sessions.admin01!, "admin01", "password", { password: "Temp9876", confirmPassword: "Kaku5678" }), 403, "not_permitted");
    });

    test("delete: the certificate is revoked at once (next mTLS request, OCSP, CRL), sessions end, the login fails like an unknown ID, the login ID stays taken", async () => {
      const master = sessions.master01!;
      // user01 holds an active certificate and an open session
      ids.user01 = await enroll("user01", "Init1234");
      const s = await login("user01", "Init1234");
      expect(await api(h, s, `/api/${BANK}/me`), 200);
      const serial = ids.user01.serial;
      const user01Id = (await h.rt.store.getUserByLoginId(BANK, "user01"))!.id;
      const certFile = join(dir, "user01.pem");
      writeFileSync(certFile, ids.user01.certPem);
      const issuing = join(h.dataDir, "ca", BANK, "issuing.pem");
      const chain = join(h.dataDir, "ca", BANK, "chain.pem");
      const cert = new x509.X509Certificate(ids.user01.certPem);
      const ocspUrl = cert.getExtension(x509.AuthorityInfoAccessExtension)!.ocsp[0]!.value;
      const cdp = cert.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
      const ocsp = () => run("openssl", ["ocsp", "-issuer", issuing, "-cert", certFile, "-url", ocspUrl, "-CAfile", chain, "-no_nonce"], undefined, { allowFail: true });
      assert.match((await ocsp()).stdout, /: good/);

      expect(await op(master, "master01", "delete", {}), 403, "not_permitted");
      expect(await op(sessions.admin01!, "admin01", "delete", { confirmPassword: "Kaku5678" }), 403, "not_permitted");
      expect(await op(sessions.admin01!, "master01", "delete", { confirmPassword: "Kaku5678" }), 403, "not_permitted");
      const del = await op(master, "user01", "delete", {});
      expect(del, 200);
      assert.deepEqual(del.json.revoked, [serial]);

      // the very next request with that certificate, and the open session, are refused
      const again = await apiLogin(h, BANK, ids.user01, "Init1234");
      expect(again, 403, "certificate_refused");
      assert.equal(again.json.cause, "revoked");
      assert.notEqual((await api(h, s, `/api/${BANK}/me`)).status, 200);
      const est = await https(h, { path: `/.well-known/est/${BANK}/csrattrs`, identity: ids.user01 });
      assert.equal(est.headers["x-inkan-certificate"], "refused; cause=revoked");
      // OCSP and the CRL say so before the delete answered
      const o = await ocsp();
      assert.match(o.stdout, /: revoked/);
      assert.match(o.stdout, /Reason: cessationOfOperation/);
      assert.match(o.stderr + o.stdout, /Response verify OK/);
      const crl = await run("curl", ["-s", "-f", cdp]);
      const crlText = (await run("openssl", ["crl", "-inform", "DER", "-noout", "-text"], crl.raw)).stdout;
      assert.match(crlText, new RegExp(`Serial Number: 0*${serial.replace(/^0+/, "").toUpperCase()}\\s+Revocation Date: [^\\n]+\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Cessation Of Operation`));

      // a login with the password fails exactly as for an unknown login ID
      const byPassword = await https(h, { path: `/api/${BANK}/login`, body: { loginId: "user01", password: "Init1234" } });
      const unknown = await https(h, { path: `/api/${BANK}/login`, body: { loginId: "nobody01", password: "Init1234" } });
      expect(byPassword, 401, "auth_failed");
      assert.deepEqual([byPassword.status, byPassword.json], [unknown.status, unknown.json]);
      const enrollAgain = await estEnroll(h, BANK, "user01", "Init1234", await newKeyAndCsr());
      assert.equal(enrollAgain.status, 401, enrollAgain.text);

      // gone from the list and from every operation; its place frees up, its login ID does not
      assert.ok(!(await listed(master)).some((u) => u.loginId === "user01"));
      expect(await op(master, "user01", "revoke", { reason: "unspecified" }), 404, "user_not_found");
      expect(await op(master, "user01", "delete", {}), 404, "user_not_found");
      expect(await add(master, { loginId: "user01", role: "general" }), 409, "login_id_taken");
      const next = await add(master, { loginId: "user05", role: "general" });
      expect(next, 200);
      assert.equal(next.json.user.userNo, "A007", "user numbers are never reused");
      const row = await h.rt.store.getUser(BANK, user01Id);
      assert.equal(row?.loginId, "user01");
      assert.equal(row?.status, "deleted", "the row is kept, marked deleted");
    });

    test("wrong confirmation passwords lock the actor's confirmation; every operation is in the history; the audit chain verifies", async () => {
      const admin = sessions.admin01!;
      for (let i = 1; i < 6; i++) expect(await op(admin, "user03", "change", { name: "x", confirmPassword: `Bad${i}pass` }), 401, "confirm_password_failed");
      expect(await op(admin, "user03", "change", { name: "x", confirmPassword: "Bad6pass" }), 401, "confirm_password_failed");
      expect(await op(admin, "user03", "change", { name: "x", confirmPassword: "Kaku5678" }), 403, "confirm_locked");
      expect(await add(admin, { loginId: "user06", role: "general" }, "Kaku5678"), 403, "confirm_locked");
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "user03"))!.name, "利用者 user03", "nothing changed");
      // the master unlocks it
      expect(await api(h, sessions.master01!, `/api/${BANK}/users/admin01/unlock`, { confirmPassword: CONFIRM }), 200);
      expect(await op(admin, "user03", "change", { name: "一般 三郎", confirmPassword: "Kaku5678" }), 200);

      const history = await api(h, sessions.master01!, `/api/${BANK}/history`);
      expect(history, 200);
      const entries = history.json.entries as Array<{ action: string; actor: string; target: string | null; result: string }>;
      const has = (action: string, actor: string, target: string | null, result = "ok") => assert.ok(entries.some((e) => e.action === action && e.actor === actor && e.target === target && e.result === result), `${action} by ${actor} on ${target}: ${result}`);
      has("user.add", "master01", "admin01");
      has("user.add", "admin01", "user02");
      has("user.add", "admin01", null, "refused");
      has("user.change", "admin01", "user01");
      has("user.change", "admin01", "master01", "refused");
      has("user.password_reset", "master01", "user02");
      has("user.delete", "master01", "user01", "ok");
      has("certificate.revoke", "master01", null, "refused");
      has("user.change", "admin01", "admin01", "refused"); // the wrong confirmation passwords count against the actor
      const users = await api(h, sessions.master01!, `/api/${BANK}/history?operation=users`);
      assert.ok((users.json.entries as Array<{ action: string }>).every((e) => ["user.add", "user.change", "user.change_self", "user.delete", "user.password_reset"].includes(e.action)));
      assert.ok((users.json.entries as Array<{ action: string; target: string }>).some((e) => e.action === "user.delete" && e.target === "user01"), "the deleted user is still named");
      // another contract's master sees none of it: only its own contract's registrations by the bank
      const other = await api(h, sessions.master02!, `/api/${BANK}/history?operation=users`);
      assert.deepEqual((other.json.entries as Array<{ target: string }>).map((e) => e.target).sort(), ["master02", "user21"]);

      const verify = await h.cli(["audit", "verify", "--bank", BANK]);
      assert.equal(verify.status, 0, verify.stderr);
      assert.match(verify.stdout, /chain intact/);
    });
  });
}
