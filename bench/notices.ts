/**
 * Issue 6: the daily planning run over 1,000,000 certificates on PostgreSQL must cost in proportion
 * to the notices due, not to all certificates — timed at 1,000 and at 100,000 due, beside a naive
 * planner that scans every certificate; and delivery to a local SMTP server beside a raw sender
 * (nodemailer, pooled) pushing the same mail to the same server.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import nodemailer from "nodemailer";
import { startHarness, testBank, PG_URL } from "../test/support/harness.js";
import { startSmtp } from "../test/support/smtp.js";
import { FakeClock } from "../src/domain/clock.js";
import { NoticePlanner } from "../src/notify/planner.js";
import { NoticeDelivery } from "../src/notify/delivery.js";
import { smtpTransport } from "../src/notify/transport.js";
import { renderNotice } from "../src/notify/templates.js";
import { effectivePolicy } from "../src/config/schema.js";
import { fmt, log, writeSection, type Row } from "./support.js";

const TOTAL = 1_000_000;
const MAILS = 2000;
const BASE = Date.UTC(2027, 0, 1);

async function main() {
  const out = process.argv[2];
  const clock = new FakeClock(BASE - 40 * 86_400_000);
  const smtp = await startSmtp(() => Date.now());
  const bank = testBank("nbench", { policy: { noticeOffsets: ["P30D"], noticeToManagers: false } });
  const h = await startHarness({ db: "postgres", clock, banks: [bank], config: { mail: { from: "Inkan <no-reply@bank.example>", smtp: { host: "127.0.0.1", port: smtp.port }, pollMs: 60_000 } } });
  const rows: Row[] = [];
  const details: string[] = [];
  try {
    const contract = await h.addContract("nbench");
    const schema = new URL(h.databaseUrl).searchParams.get("schema")!;
    const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await c.connect();
    const caId = h.rt.ca.bank("nbench")!.issuing.id;
    log(`notices: inserting ${fmt(TOTAL)} users and certificates (one per user, not-after one per second from ${new Date(BASE).toISOString()})`);
    const t0 = Date.now();
    await c.query(
      `INSERT INTO users (bank_id, contract_id, login_id, user_no, name, email, role, password_hash, confirm_hash, totp_secret, status, must_change_password, failed_logins, failed_confirms, created_at, updated_at)
       SELECT 'nbench', $1, 'b' || i, 'B' || i, 'user ' || i, 'u' || i || '@example.jp', 'general', 'x', 'x', NULL, 'active', 0, 0, 0, $2, $2 FROM generate_series(1, $3) AS i`,
      [contract, BASE - 400 * 86_400_000, TOTAL],
    );
    await c.query(`INSERT INTO requests (bank_id, user_id, kind, csr_sha256, csr_der, created_at) SELECT 'nbench', min(id), 'acquire', 'x', '\\x00', $1 FROM users`, [BASE]);
    const req = (await c.query("SELECT max(id) AS id FROM requests")).rows[0].id;
    await c.query(
      `INSERT INTO certificates (serial, bank_id, ca_id, contract_id, user_id, state, subject, not_before, not_after, spki_sha256, tbs_der, der, request_id, replaces_serial, revoked_at, revocation_reason, created_at, updated_at)
       SELECT md5('s' || u.id), 'nbench', $1, $2, u.id, 'active', 'CN=' || u.login_id, $3, $4 + (u.id - (SELECT min(id) FROM users WHERE bank_id = 'nbench')) * 1000, md5('k' || u.id), '\\x00', '\\x00', $5, NULL, NULL, NULL, $3, $3
       FROM users u WHERE u.bank_id = 'nbench' AND u.login_id LIKE 'b%'`,
      [caId, contract, BASE - 365 * 86_400_000, BASE, req],
    );
    await c.query("ANALYZE");
    details.push(`Setup: ${fmt(TOTAL)} active certificates on PostgreSQL, one per user, expiring one per second; inserted in ${fmt((Date.now() - t0) / 1000, 1)} s.`);

    const planner = new NoticePlanner(h.rt.store, clock, [{ id: "nbench", policy: effectivePolicy(bank) }]);
    // the cursor starts just before the first expiry minus the offset: each run then sees exactly the span it advances
    const offset = 30 * 86_400_000;
    await h.rt.store.notices.setCursor("nbench", "expiry_warning", "P30D", BASE - 1);
    await h.rt.store.notices.setCursor("nbench", "expired", "", BASE + 10 * TOTAL * 1000);
    const timed = async (due: number) => {
      const cursor = (await h.rt.store.notices.cursor("nbench", "expiry_warning", "P30D"))!;
      clock.set(cursor + due * 1000 - offset);
      const t = process.hrtime.bigint();
      const n = await planner.run();
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      if (n !== due) throw new Error(`planned ${n}, expected ${due}`);
      return s;
    };
    const naive = async () => {
      // the reference: look at every certificate and decide in the application
      const t = process.hrtime.bigint();
      const r = await c.query("SELECT serial, user_id, not_after FROM certificates WHERE bank_id = 'nbench' AND state IN ('active','pending')");
      let due = 0;
      const limit = BASE + 1000 * 1000;
      for (const row of r.rows) if (Number(row.not_after) <= limit) due++;
      return { s: Number(process.hrtime.bigint() - t) / 1e9, due };
    };
    const s1k = await timed(1000);
    const s100k = await timed(100_000);
    const s0 = await timed(0).catch(() => 0);
    const full = await naive();
    rows.push({ bench: "Notices", measure: "daily planning, 1,000 due of 1,000,000", value: s1k, unit: "s", reference: "naive planner scanning all certificates", refValue: full.s, better: "lower", goal: "in proportion to the notices due", met: s1k < full.s / 10 });
    rows.push({ bench: "Notices", measure: "daily planning, 100,000 due of 1,000,000", value: s100k, unit: "s", reference: "same planner, 1,000 due × 100", refValue: s1k * 100, better: "lower", goal: "in proportion to the notices due", met: s100k < s1k * 200 });
    details.push(`Planning: 1,000 due ${fmt(s1k * 1000, 1)} ms (${fmt((s1k / 1000) * 1e6, 1)} µs a notice); 100,000 due ${fmt(s100k, 2)} s (${fmt((s100k / 100_000) * 1e6, 1)} µs a notice); nothing due ${fmt(s0 * 1000, 1)} ms; the naive scan reads ${fmt(TOTAL)} rows in ${fmt(full.s, 2)} s before deciding anything.`);

    // delivery: MAILS notices through the outbox vs the same number of mails sent raw
    await c.query("DELETE FROM notices");
    const ids = (await c.query(`SELECT serial, user_id FROM certificates WHERE bank_id = 'nbench' ORDER BY not_after LIMIT ${MAILS}`)).rows;
    await h.rt.store.write("nbench", async (w) => {
      for (const r of ids) await w.queueNotice({ kind: "issued", serial: r.serial, userId: Number(r.user_id), at: new Date(0) });
    });
    const delivery = new NoticeDelivery(h.rt.store, clock, smtpTransport({ host: "127.0.0.1", port: smtp.port }), [{ id: "nbench", nameJa: bank.nameJa, nameEn: bank.nameEn, policy: effectivePolicy(bank) }], "Inkan <no-reply@bank.example>", { warn: () => undefined });
    let t = process.hrtime.bigint();
    let sent = 0;
    while (sent < MAILS) sent += (await delivery.runOnce(100)).sent;
    const ours = MAILS / (Number(process.hrtime.bigint() - t) / 1e9);
    const raw = nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, secure: false, pool: true, maxConnections: 2, tls: { rejectUnauthorized: false } });
    const mail = renderNotice({ kind: "issued", bank, owner: { loginId: "b1", name: "user 1" }, recipient: { name: "user 1", isOwner: true }, serial: "00", notAfter: new Date(BASE), offsetMinutes: 540, windowDays: 30, graceDays: 90, otpAtRenewal: false });
    t = process.hrtime.bigint();
    for (let i = 0; i < MAILS; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => raw.sendMail({ from: "Inkan <no-reply@bank.example>", to: `u${i + k}@example.jp`, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<raw-${i + k}-${randomBytes(4).toString("hex")}@bench>` })));
    }
    const rawRate = MAILS / (Number(process.hrtime.bigint() - t) / 1e9);
    raw.close();
    rows.push({ bench: "Notices", measure: "delivery to a local SMTP server", value: ours, unit: "/s", reference: "raw nodemailer sender (pooled, 20 in flight)", refValue: rawRate, better: "higher", goal: "—", met: null });
    details.push(`Delivery: ${fmt(MAILS)} notices leased, re-checked, rendered, sent and marked one by one at ${fmt(ours)} /s; the raw sender pushes the same mail at ${fmt(rawRate)} /s. Received by smtp-server: ${fmt(smtp.mails.length)}.`);
    await c.end();
  } finally {
    await h.close();
    await smtp.close();
  }
  writeSection(out, { rows, details });
}

await main();
