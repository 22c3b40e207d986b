import type { Kysely } from "kysely";

/** A signed statement that a bank's audit chain had `seq` records ending in `head` at `at`. */
export interface CheckpointRecord {
  bankId: string;
  seq: number;
  head: string;
  at: Date;
  keyId: string;
  signature: string;
}

/**
 * The database's copy of the audit checkpoints (migration 007). The copy that counts is the one in
 * the sink outside the database (audit/checkpoint-sink.ts): a database writer can rewrite this one.
 */
export class CheckpointRepository {
  constructor(private readonly kdb: Kysely<any>) {}

  async head(bankId: string): Promise<{ seq: number; hash: string }> {
    const r = await this.kdb.selectFrom("banks").select(["audit_seq", "audit_head"]).where("id", "=", bankId).executeTakeFirst();
    return { seq: Number(r?.audit_seq ?? 0), hash: String(r?.audit_head ?? "") };
  }

  async last(bankId: string): Promise<CheckpointRecord | undefined> {
    const r = await this.kdb.selectFrom("audit_checkpoints").selectAll().where("bank_id", "=", bankId).orderBy("seq", "desc").limit(1).executeTakeFirst();
    return r ? { bankId: r.bank_id, seq: Number(r.seq), head: r.head, at: new Date(Number(r.at)), keyId: r.key_id, signature: r.signature } : undefined;
  }

  async add(c: CheckpointRecord): Promise<void> {
    await this.kdb.insertInto("audit_checkpoints").values({ bank_id: c.bankId, seq: c.seq, head: c.head, at: c.at.getTime(), key_id: c.keyId, signature: c.signature }).execute();
  }
}
