import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { DATABASES, PG_URL, startHarness, testBank, type Harness } from "./support/harness.js";
import { FakeClock } from "../src/domain/clock.js";
import { chainHash } from "../src/domain/audit.js";
import { verifyAuditChain } from "../src/audit/verify.js";
import { auditCheckpointer } from "../src/cli/serve.js";
import type { AuditCheckpointer } from "../src/audit/checkpoints.js";

const BANK = "ab";

/** Raw SQL on the harness's database, as someone with write access to it (not through Inkan). */
async function sqlOn(h: Harness): Promise<{ all(q: string, p?: unknown[]): Promise<any[]>; run(q: string, p?: unknown[]): Promise<void>; close(): Promise<void> }> {
  if (h.db === "sqlite") {
    const db = new Database(join(h.dataDir, "inkan.db"));
    return { all: async (q, p = []) => db.prepare(q).all(...(p as any[])), run: async (q, p = []) => void db.prepare(q).run(...(p as any[])), close: async () => void db.close() };
  }
  const schema = new URL(h.databaseUrl).searchParams.get("schema")!;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`SET search_path TO ${schema}`);
  let n = 0;
  const param = (q: string) => q.replace(/\?/g, () => `$${++n}`);
  return {
    all: async (q, p = []) => ((n = 0), (await c.query(param(q), p as any[])).rows),
    run: async (q, p = []) => void ((n = 0), await c.query(param(q), p as any[])),
    close: () => c.end(),
  };
}

/**
 * The attack of issue 13: delete records, re-hash every later one so each links to the one before,
 * and move the bank's head — the chain is self-consistent again and the old verify said "intact".
 */
async function rewriteChain(h: Harness, drop: (r: any) => boolean): Promise<number> {
  const db = await sqlOn(h);
  try {
    const rows = await db.all("SELECT * FROM audit_events WHERE bank_id = ? ORDER BY seq", [BANK]);
    const kept = rows.filter((r) => !drop(r));
    await db.run("DELETE FROM audit_events WHERE bank_id = ?", [BANK]);
    let prev = "";
    let seq = 0;
    for (const r of kept) {
      seq++;
      const entry = { at: new Date(Number(r.at)), actorKind: r.actor_kind, actorId: r.actor_id, address: r.address, certSerial: r.cert_serial, action: r.action, contractId: r.contract_id === null ? null : Number(r.contract_id), targetUserId: r.target_user_id === null ? null : Number(r.target_user_id), result: r.result, detail: JSON.parse(r.detail) };
      const hash = chainHash({ bankId: BANK, seq, prevHash: prev }, entry);
      await db.run("INSERT INTO audit_events (bank_id, seq, at, actor_kind, actor_id, address, cert_serial, action, contract_id, target_user_id, result, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        BANK, seq, r.at, r.actor_kind, r.actor_id, r.address, r.cert_serial, r.action, r.contract_id, r.target_user_id, r.result, r.detail, prev, hash,
      ]);
      prev = hash;
    }
    await db.run("UPDATE banks SET audit_seq = ?, audit_head = ? WHERE id = ?", [seq, prev, BANK]);
    return rows.length - kept.length;
  } finally {
    await db.close();
  }
}

for (const db of DATABASES) {
  describe(`signed audit checkpoints against a rewritten chain (${db})`, () => {
    let h: Harness;
    let cp: AuditCheckpointer;
    let contract = 0;
    const clock = new FakeClock("2027-04-01T00:00:00Z");
    const seqs: number[] = [];
    const sink = () => join(h.dataDir, "audit", "checkpoints.jsonl");
    const verify = () => h.cli(["audit", "verify", "--bank", BANK]);
    before(async () => {
      h = await startHarness({ db, clock, banks: [testBank(BANK)] });
      cp = auditCheckpointer(h.rt);
      contract = await h.addContract(BANK, "C1");
      await h.addUser(BANK, contract, "master01", "master");
      // three rounds a minute apart, each after more events
      for (const batch of [["user01", "user02"], ["user03", "user04"], ["user05"]]) {
        for (const id of batch) await h.addUser(BANK, contract, id, "general");
        clock.advance(60_000);
        assert.equal(await cp.round(), 1, "one checkpoint for the bank whose chain grew");
        seqs.push((await h.rt.store.checkpoints.head(BANK)).seq);
      }
      assert.equal(await cp.round(), 0, "nothing new, no checkpoint");
    });
    after(async () => h?.close());

    test("an untouched chain verifies against three signed checkpoints, in the sink and in the database", async () => {
      const lines = readFileSync(sink(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.seq), seqs);
      assert.deepEqual(lines.map((l) => l.at), ["2027-04-01T00:01:00.000Z", "2027-04-01T00:02:00.000Z", "2027-04-01T00:03:00.000Z"], "times from the injected clock");
      assert.equal((await h.rt.store.checkpoints.last(BANK))?.seq, seqs[2]);
      const r = await verify();
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /3 signed checkpoints match/);
    });

    test("a wholesale rewrite (records deleted, the rest re-hashed, the head moved) fails, naming the first checkpoint that no longer matches", async () => {
      const saved = join(h.dataDir, "sink.saved");
      copyFileSync(sink(), saved);
      // the records of user03's registration: after the first checkpoint, before the second
      const user03 = (await h.rt.store.getUserByLoginId(BANK, "user03"))!;
      const dropped = await rewriteChain(h, (r) => Number(r.target_user_id) === user03.id);
      assert.ok(dropped >= 1);
      assert.equal((await verifyAuditChain(h.rt.store, BANK)).ok, true, "the chain alone looks intact — the attack of issue 13");
      const r = await verify();
      assert.equal(r.status, 5, r.stdout);
      const first = r.stderr.split("\n").find((l) => /no longer matches|records missing/.test(l))!;
      assert.match(first, new RegExp(`checkpoint seq ${seqs[1]} of 2027-04-01T00:02:00.000Z no longer matches: the chain was rewritten or re-hashed`));
      assert.doesNotMatch(r.stderr, new RegExp(`checkpoint seq ${seqs[0]} `), "the first checkpoint, before the change, still matches");
      assert.match(r.stderr, /records missing below it/, "the last checkpoint's seq is now beyond the shortened chain");
    });

    test("a checkpoint whose signature fails, and a sink missing, are named", async () => {
      const lines = readFileSync(sink(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      lines[0].head = "0".repeat(64);
      writeFileSync(sink(), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
      const forged = await verify();
      assert.equal(forged.status, 5);
      assert.match(forged.stderr, new RegExp(`checkpoint seq ${seqs[0]} of 2027-04-01T00:01:00.000Z: its signature fails`));
      rmSync(sink());
      const missing = await verify();
      assert.equal(missing.status, 5);
      assert.match(missing.stderr, /the checkpoint sink .*checkpoints\.jsonl is missing/);
    });
  });
}
