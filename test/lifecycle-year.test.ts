import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, estReenroll, apiLogin, api, type Identity } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { totpCode } from "../src/credentials/totp.js";
import { FORTY_DAY_POLICY } from "../src/domain/policy.js";

const DAY = 86_400_000;
const SEEDS = "お客様が選択された証明書は本サービスではご利用できません。";

const BANKS = [
  { id: "b30", window: 30, policy: { otp: { acquisition: true, renewal: true } } },
  { id: "b40", window: 40, policy: { renewalWindow: FORTY_DAY_POLICY.renewalWindow, noticeOffsets: FORTY_DAY_POLICY.noticeOffsets, otp: { acquisition: true, renewal: true } } },
];

for (const db of DATABASES) {
  describe(`a year on a fake clock: issue, window, renew, supersede, expire, grace, reset (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-01-10T01:00:00Z"); // 10:00 JST
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: BANKS.map((b) => testBank(b.id, { policy: b.policy })) });
      for (const b of BANKS) {
        const c = await h.addContract(b.id);
        await h.addUser(b.id, c, "master01", "master");
        await h.addUser(b.id, c, "user01", "general");
        await h.addUser(b.id, c, "user02", "general");
        // their tokens come as a bank's token letter: from then on acquisition asks for the code
        await h.registerToken(b.id, "user01");
        await h.registerToken(b.id, "user02");
      }
    });
    after(async () => h?.close());

    /** The next one-time password: the clock moves to a new 30-second step first, as a person waits. */
    async function otp(bank: string, loginId: string): Promise<string> {
      clock.advance(30_000);
      const u = await h.rt.store.getUserByLoginId(bank, loginId);
      return totpCode(u!.totpSecret!, clock.now());
    }
    async function statusOf(bank: string, loginId: string) {
      const master = (await h.rt.store.getUserByLoginId(bank, "master01"))!;
      const list = await h.rt.lifecycle.userList(bank, { user: master, contract: (await h.rt.store.getContract(bank, master.contractId))!, csrf: "", actor: { kind: "user", bankId: bank, contractId: master.contractId, userId: master.id, role: "master" }, due: null });
      return list.find((e) => e.user.loginId === loginId)!.status;
    }

    for (const b of BANKS) {
      test(`${b.id}: the seeds' year, with a ${b.window}-day renewal window`, async () => {
        clock.set("2027-01-10T01:00:00Z");
        assert.equal(await statusOf(b.id, "user01"), "not_issued");
        // acquisition by a token holder needs the one-time password
        const kA = await newKeyAndCsr();
        const noOtp = await estEnroll(h, b.id, "user01", "Pass1234", kA);
        assert.equal(noOtp.status, 401);
        assert.match(noOtp.text, /ワンタイムパスワードを入力してください/);
        const a = await estEnroll(h, b.id, "user01", "Pass1234", kA, await otp(b.id, "user01"));
        assert.equal(a.status, 200, a.text);
        const A = a.identity!;
        const u2 = await estEnroll(h, b.id, "user02", "Pass1234", await newKeyAndCsr(), await otp(b.id, "user02"));
        assert.equal(u2.status, 200, u2.text);
        const notAfterA = new Date("2028-01-10T23:59:59Z"); // 10:00 JST on 2027-01-10 → 2028-01-11 08:59:59 JST
        assert.equal((await h.rt.store.getCertificate(b.id, A.serial))!.notAfter.toISOString(), notAfterA.toISOString());

        let login = await apiLogin(h, b.id, A, "Pass1234");
        assert.equal(login.status, 200, login.text);
        assert.equal(login.json.renewal.open, false);
        assert.equal(await statusOf(b.id, "user01"), "issued");

        // the window opens exactly N days before expiry
        const opens = notAfterA.getTime() - b.window * DAY;
        clock.set(opens - 120_000);
        assert.equal(await statusOf(b.id, "user01"), "issued");
        const early = await estReenroll(h, b.id, A, "user01", "Pass1234", await newKeyAndCsr(), await otp(b.id, "user01"));
        assert.equal(early.status, 403, early.text);
        assert.match(early.text, new RegExp(`更新は有効期限の${b.window}日前`));
        clock.set(opens);
        assert.equal(await statusOf(b.id, "user01"), "renewable");
        login = await apiLogin(h, b.id, A, "Pass1234");
        assert.equal(login.json.renewal.open, true, "証明書更新選択 is due");
        const users = await api(h, login.session!, `/api/${b.id}/users`);
        assert.deepEqual(users.json.users.map((u: any) => [u.loginId, u.statusLabel.ja]), [["user01", "更新可"]], "a general user sees only itself");

        // renewal: current certificate + password + OTP + a new key; the same key is refused
        const same = await estReenroll(h, b.id, A, "user01", "Pass1234", { keyPem: A.keyPem, csrB64: kA.csrB64 }, await otp(b.id, "user01"));
        assert.equal(same.status, 400);
        assert.match(same.text, /新しい鍵/);
        const kB = await newKeyAndCsr({ kind: "rsa2048" });
        const r1 = await estReenroll(h, b.id, A, "user01", "Pass1234", kB, await otp(b.id, "user01"));
        assert.equal(r1.status, 200, r1.text);
        const B = r1.identity!;
        // interrupted and asked again: the same pending certificate
        const r2 = await estReenroll(h, b.id, A, "user01", "Pass1234", kB, await otp(b.id, "user01"));
        assert.equal(r2.identity!.serial, B.serial);
        assert.equal((await h.rt.store.getCertificate(b.id, B.serial))!.state, "pending");
        // the old one still works until the new one is used
        assert.equal((await apiLogin(h, b.id, A, "Pass1234")).status, 200);
        const withB = await apiLogin(h, b.id, B, "Pass1234");
        assert.equal(withB.status, 200, withB.text);
        assert.equal((await h.rt.store.getCertificate(b.id, B.serial))!.state, "active");
        assert.equal((await h.rt.store.getCertificate(b.id, A.serial))!.state, "superseded");
        const old = await apiLogin(h, b.id, A, "Pass1234");
        assert.equal(old.status, 403);
        assert.ok(old.json.message.ja.startsWith(SEEDS), old.json.message.ja);
        assert.match(old.json.message.ja, /更新済み/);
        assert.equal(old.json.cause, "superseded");
        assert.equal(await statusOf(b.id, "user01"), "issued");

        // user02 never renewed: expired, then past the grace period (90 days) it cannot acquire
        clock.set(notAfterA.getTime() + 1000);
        assert.equal(await statusOf(b.id, "user02"), "expired");
        const expiredLogin = await apiLogin(h, b.id, u2.identity!, "Pass1234");
        assert.equal(expiredLogin.status, 403);
        assert.match(expiredLogin.json.message.ja, /有効期限が切れています[\s\S]*電子証明書発行/);
        clock.set(notAfterA.getTime() + 91 * DAY);
        const late = await estEnroll(h, b.id, "user02", "Pass1234", await newKeyAndCsr(), await otp(b.id, "user02"));
        assert.equal(late.status, 403, late.text);
        assert.match(late.text, /90日を過ぎたため[\s\S]*初期化を依頼/);
        // bank staff reset it (past the grace period), and acquisition works again
        await h.rt.lifecycle.staff(b.id, "op01").reset("user02", "FORM-0042");
        assert.equal(await statusOf(b.id, "user02"), "not_issued");
        const again = await estEnroll(h, b.id, "user02", "Pass1234", await newKeyAndCsr(), await otp(b.id, "user02"));
        assert.equal(again.status, 200, again.text);

        // user01's renewed certificate expires in turn; within the grace period, acquisition applies
        const notAfterB = (await h.rt.store.getCertificate(b.id, B.serial))!.notAfter;
        clock.set(notAfterB.getTime() + 1000);
        assert.equal(await statusOf(b.id, "user01"), "expired");
        const renewLate = await estReenroll(h, b.id, B, "user01", "Pass1234", await newKeyAndCsr(), await otp(b.id, "user01"));
        assert.equal(renewLate.status, 403);
        assert.match(renewLate.text, /有効期限が切れているため更新できません/);
        clock.set(notAfterB.getTime() + 89 * DAY);
        const c = await estEnroll(h, b.id, "user01", "Pass1234", await newKeyAndCsr(), await otp(b.id, "user01"));
        assert.equal(c.status, 200, c.text);
        assert.equal((await apiLogin(h, b.id, c.identity!, "Pass1234")).status, 200);
        assert.equal(await statusOf(b.id, "user01"), "issued");
      });
    }
  });
}
