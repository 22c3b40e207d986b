import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { startSmtp, type ReceivedMail } from "./support/smtp.js";
import { newKeyAndCsr } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { Notifier } from "../src/notify/notifier.js";
import { acquire } from "../src/lifecycle/acquisition.js";
import { hashPassword } from "../src/credentials/passwords.js";
import { userNumber } from "../src/domain/roles.js";
import { formatJaDateTime } from "../src/domain/time-zone.js";

const DAY = 86_400_000;
const PER_BANK = 500;
const START = Date.UTC(2026, 0, 1, 0, 30); // 09:30 JST, when the daily run happens
const DAYS = 730;

const BANKS = [
  { id: "n30", offsets: [30, 10], managers: false, policy: { renewalWindow: "P30D", noticeOffsets: ["P30D", "P10D"], noticeToManagers: false, maxUsersPerContract: 999 } },
  { id: "n40", offsets: [40], managers: true, policy: { renewalWindow: "P40D", noticeOffsets: ["P40D"], noticeToManagers: true, maxUsersPerContract: 999 } },
];

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The daily run (00:32 UTC, after the day's issuances) that first sees a moment. */
const TICK = START + 120_000;
const tickAfter = (ms: number) => TICK + Math.ceil((ms - TICK) / DAY) * DAY;

for (const db of DATABASES) {
  describe(`expiry notices over a year, real SMTP (${db})`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const clock = new FakeClock(START);
    before(async () => {
      smtp = await startSmtp(() => clock.now().getTime());
      h = await startHarness({ db, clock, banks: BANKS.map((b) => testBank(b.id, { policy: b.policy })), config: { mail: { from: "Inkan <no-reply@bank.example>", smtp: { host: "127.0.0.1", port: smtp.port }, pollMs: 1000 } } });
    });
    after(async () => {
      await h?.close();
      await smtp?.close();
    });

    test(`${PER_BANK * BANKS.length} certificates, a 30/10-day bank and a 40-day bank: every mail on its day, exactly once, none for renewed certificates`, async () => {
      const pw = await hashPassword("Pass1234");
      const plan: Array<{ bank: string; loginId: string; userId: number; contractId: number; issueDay: number; renew: boolean }> = [];
      for (const b of BANKS) {
        const contractId = await h.addContract(b.id);
        await h.rt.store.write(b.id, async (w) => {
          for (let i = 0; i < PER_BANK; i++) {
            const role = i === 0 ? "master" : i === 1 ? "admin" : "general";
            const loginId = `${b.id}u${String(i).padStart(4, "0")}`;
            const userNo = userNumber(await w.takeUserIndex(contractId));
            const id = await w.addUser({ contractId, loginId, userNo, name: `利用者${i}`, email: `${loginId}@example.jp`, role, passwordHash: pw, confirmHash: pw, totpSecret: null, mustChangePassword: false, at: clock.now() });
            // issued across 2026; one in ten renews 20 days before expiry (inside both windows)
            plan.push({ bank: b.id, loginId, userId: id, contractId, issueDay: (i * 7) % 365, renew: i % 10 === 3 });
          }
        });
      }
      const notifier = new Notifier(h.rt.store, clock, h.rt.config, { warn: () => undefined, error: (o) => assert.fail(JSON.stringify(o)) });
      const certs = new Map<string, { der: Uint8Array; notAfter: number }>();
      const renewals = new Map<number, typeof plan>();
      for (let d = 0; d < DAYS; d++) {
        const today = START + d * DAY;
        clock.set(today);
        for (const p of plan.filter((x) => x.issueDay === d)) {
          clock.set(today + 60_000);
          const bank = h.rt.lifecycle.bank(p.bank);
          const user = (await h.rt.store.getUser(p.bank, p.userId))!;
          const issued = await acquire({ deps: h.rt, bank: bank, ctx: { actorKind: "user", actorId: p.loginId } }, { user, contract: (await h.rt.store.getContract(p.bank, p.contractId))! }, (await newKeyAndCsr()).csrB64);
          await h.rt.lifecycle.useCertificate(p.bank, issued.der, {}, "test");
          certs.set(`${p.bank}/${p.loginId}`, { der: issued.der, notAfter: issued.notAfter.getTime() });
          if (p.renew) {
            const at = tickAfter(issued.notAfter.getTime() - 20 * DAY) - 120_000;
            renewals.set(at, [...(renewals.get(at) ?? []), p]);
          }
        }
        for (const p of renewals.get(today) ?? []) {
          clock.set(today + 60_000);
          const cur = certs.get(`${p.bank}/${p.loginId}`)!;
          const r = await h.rt.lifecycle.renew(p.bank, { presented: cur.der, loginId: p.loginId, password: "Pass1234", csrBody: (await newKeyAndCsr()).csrB64 }, {});
          await h.rt.lifecycle.useCertificate(p.bank, r.der, {}, "test");
          certs.set(`${p.bank}/${p.loginId}`, { der: r.der, notAfter: r.notAfter.getTime() });
        }
        clock.set(today + 120_000);
        await notifier.tick();
      }
      notifier.stop();
      const end = START + (DAYS - 1) * DAY + 120_000;

      // what the rules say should have arrived, worked out from the certificates themselves
      const expected: string[] = [];
      for (const b of BANKS) {
        const users = await h.rt.store.listUsers(b.id);
        const managers = users.filter((u) => u.role !== "general");
        for (const u of users) {
          const mine = (await h.rt.store.userCertificates(b.id, u.id)).sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime());
          for (const [k, c] of mine.entries()) {
            const next = mine[k + 1];
            expected.push(`${u.email}|issued|${dayOf(tickAfter(c.createdAt.getTime()))}`);
            const moments: Array<[string, number]> = [...b.offsets.map((o): [string, number] => ["warning", c.notAfter.getTime() - o * DAY]), ["expired", c.notAfter.getTime()]];
            for (const [kind, due] of moments) {
              const tick = tickAfter(due);
              if (tick > end) continue;
              // renewed by the time the run comes: no mail
              if (next && next.createdAt.getTime() <= tick) continue;
              const to = [u, ...(b.managers ? managers.filter((m) => m.id !== u.id) : [])];
              for (const r of to) expected.push(`${r.email}|${kind}|${dayOf(tick)}`);
            }
          }
        }
      }
      const kindOf = (m: ReceivedMail) => (m.subject.includes("電子証明書更新のお知らせ") ? "warning" : m.subject.includes("有効期限切れ") ? "expired" : m.subject.includes("発行のお知らせ") ? "issued" : "other");
      const received = smtp.mails.map((m) => `${m.to}|${kindOf(m)}|${dayOf(m.at)}`);
      assert.equal(smtp.mails.length, expected.length, `mail count (${db})`);
      assert.deepEqual([...received].sort(), [...expected].sort());
      assert.equal(new Set(smtp.mails.map((m) => m.messageId)).size, smtp.mails.length, "no mail twice");
      assert.ok(expected.filter((e) => e.includes("|warning|")).length > 1000, "a real year of warnings");

      // the mail itself: Japanese first, the expiry as users read it, no link
      const sample = smtp.mails.find((m) => kindOf(m) === "warning" && m.to.startsWith("n30u0005"))!;
      const c = (await h.rt.store.listCertificates("n30")).find((x) => x.subject.includes("n30u0005"))!;
      assert.match(sample.subject, /^【テスト銀行】電子証明書更新のお知らせ \/ /);
      assert.ok(sample.text.indexOf("有効期限") < sample.text.indexOf("English"));
      assert.match(sample.text, new RegExp(`有効期限：${formatJaDateTime(c.notAfter, 540).replace(/[()]/g, "\\\\$&")}`));
      assert.match(sample.text, /ブックマーク/);
      assert.doesNotMatch(sample.text + sample.html, /https?:\/\//);
    });
  });
}
