import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DATABASES, startHarness, testBank, run, type Harness } from "./support/harness.js";
import { startSmtp } from "./support/smtp.js";
import { newKeyAndCsr, estEnroll } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { Notifier } from "../src/notify/notifier.js";
import { backoffMs } from "../src/notify/delivery.js";

for (const db of DATABASES) {
  describe(`notice delivery when SMTP fails (${db})`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const clock = new FakeClock("2027-05-01T00:00:00Z");
    before(async () => {
      smtp = await startSmtp(() => clock.now().getTime());
      h = await startHarness({ db, clock, serve: true, banks: [testBank("dbank")], config: { mail: { from: "Inkan <no-reply@bank.example>", smtp: { host: "127.0.0.1", port: smtp.port }, pollMs: 60_000 } } });
      const c = await h.addContract("dbank");
      await h.addUser("dbank", c, "master01", "master");
      for (let i = 1; i <= 6; i++) await h.addUser("dbank", c, `user0${i}`, "general");
    });
    after(async () => {
      await h?.close();
      await smtp?.close();
    });

    test("SMTP down for a simulated day, then back: nothing lost, nothing doubled; retries back off to an hour", async () => {
      smtp.setDown(true);
      for (let i = 1; i <= 6; i++) assert.equal((await estEnroll(h, "dbank", `user0${i}`, "Pass1234", await newKeyAndCsr())).status, 200);
      const notifier = new Notifier(h.rt.store, clock, h.rt.config, { warn: () => undefined, error: (o) => assert.fail(JSON.stringify(o)) });
      let tries = 0;
      const start = clock.now().getTime();
      while (clock.now().getTime() - start < 86_400_000) {
        const r = await notifier.delivery.runOnce();
        assert.equal(r.sent, 0);
        tries += r.retried;
        clock.advance(10 * 60_000);
      }
      assert.equal(smtp.mails.length, 0);
      // 1, 2, 4, 8, 16, 32 minutes, then hourly: about 24 attempts per notice in a day, not 144
      assert.ok(tries >= 6 * 20 && tries <= 6 * 30, `attempts ${tries}`);
      assert.equal(backoffMs(1), 60_000);
      assert.equal(backoffMs(20), 3_600_000);
      assert.deepEqual(await h.rt.store.notices.counts("dbank"), { queued: 6 });
      smtp.setDown(false);
      clock.advance(3_600_000);
      const r = await notifier.delivery.runOnce();
      assert.equal(r.sent, 6);
      assert.equal((await notifier.delivery.runOnce()).sent, 0);
      notifier.stop();
      assert.equal(smtp.mails.length, 6);
      assert.deepEqual(smtp.mails.map((m) => m.to).sort(), [1, 2, 3, 4, 5, 6].map((i) => `user0${i}@example.jp`));
      assert.ok(smtp.mails.every((m) => /電子証明書発行のお知らせ/.test(m.subject)));
    });

    if (db === "postgres") {
      test("two worker processes on one PostgreSQL outbox: every notice sent once, none twice", async () => {
        smtp.mails.length = 0;
        // 300 reminders for the certificates there are, one per (made-up) offset, due now
        const certs = (await h.rt.store.listCertificates("dbank")).filter((c) => c.state === "pending" || c.state === "active");
        await h.rt.store.write("dbank", async (w) => {
          for (let i = 0; i < 300; i++) {
            const c = certs[i % certs.length]!;
            await w.queueNotice({ kind: "expiry_warning", serial: c.serial, userId: c.userId, offsetKey: `PT${i + 1}S`, at: new Date(Date.now() - 1000) });
          }
        });
        const queued = (await h.rt.store.notices.counts("dbank")).queued ?? 0;
        assert.equal(queued, 300);
        const worker = join(process.cwd(), "test", "support", "notice-worker.ts");
        const [a, b] = await Promise.all([run(process.execPath, ["--import", "tsx", worker, h.dataDir]), run(process.execPath, ["--import", "tsx", worker, h.dataDir])]);
        const sentA = JSON.parse(a.stdout).sent;
        const sentB = JSON.parse(b.stdout).sent;
        assert.equal(sentA + sentB, queued);
        assert.equal(smtp.mails.length, queued);
        assert.equal(new Set(smtp.mails.map((m) => m.messageId)).size, queued, "no notice twice");
        assert.deepEqual(await h.rt.store.notices.counts("dbank"), { sent: 6 + queued });
      });
    }
  });
}
