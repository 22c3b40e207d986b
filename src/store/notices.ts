import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { Dialect } from "./migrations.js";

export interface NoticeRow {
  id: number;
  bankId: string;
  kind: string;
  certSerial: string;
  offsetKey: string;
  userId: number;
  recipientUserId: number;
  dueAt: Date;
  status: string;
  attempts: number;
  sentAt: Date | null;
  readAt: Date | null;
}

function toNotice(r: Database["notices"] & { id: number }): NoticeRow {
  return {
    id: Number(r.id),
    bankId: r.bank_id,
    kind: r.kind,
    certSerial: r.cert_serial,
    offsetKey: r.offset_key,
    userId: Number(r.user_id),
    recipientUserId: Number(r.recipient_user_id),
    dueAt: new Date(Number(r.due_at)),
    status: r.status,
    attempts: Number(r.attempts),
    sentAt: r.sent_at === null ? null : new Date(Number(r.sent_at)),
    readAt: r.read_at === null ? null : new Date(Number(r.read_at)),
  };
}

/**
 * The notice outbox. Planning is set-based (INSERT … SELECT), so a run costs in proportion to the
 * certificates whose moment has come, found through the (bank_id, not_after) index between the
 * last run's cursor and now; the unique key makes every notice exist once, whichever node plans.
 */
export class NoticeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async cursor(bankId: string, kind: string, offsetKey: string): Promise<number | undefined> {
    const r = await this.db.selectFrom("notice_cursors").select("planned_until").where("bank_id", "=", bankId).where("kind", "=", kind).where("offset_key", "=", offsetKey).executeTakeFirst();
    return r ? Number(r.planned_until) : undefined;
  }

  async setCursor(bankId: string, kind: string, offsetKey: string, until: number): Promise<void> {
    await this.db
      .insertInto("notice_cursors")
      .values({ bank_id: bankId, kind, offset_key: offsetKey, planned_until: until })
      .onConflict((oc) =>
        oc.columns(["bank_id", "kind", "offset_key"]).doUpdateSet({
          planned_until: sql`CASE WHEN notice_cursors.planned_until > ${until} THEN notice_cursors.planned_until ELSE ${until} END`,
        }),
      )
      .execute();
  }

  /**
   * Plans one kind of notice for certificates ending in (from, to], still valid (pending or
   * active) and not renewed (no newer valid certificate of the same user): one to the user and,
   * with managers, one to each master and admin of the contract. Returns how many were new.
   */
  async plan(p: { bankId: string; kind: string; offsetKey: string; from: number; to: number; dueOffsetMs: number; now: number; managers: boolean }): Promise<number> {
    const base = () =>
      this.db
        .selectFrom("certificates as c")
        .where("c.bank_id", "=", p.bankId)
        .where("c.state", "in", ["pending", "active"])
        .where("c.not_after", ">", p.from)
        .where("c.not_after", "<=", p.to)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("certificates as n")
                .select(sql`1`.as("one"))
                .whereRef("n.bank_id", "=", "c.bank_id")
                .whereRef("n.user_id", "=", "c.user_id")
                .whereRef("n.created_at", ">", "c.created_at")
                .where("n.state", "in", ["pending", "active", "signing"]),
            ),
          ),
        );
    const columns = ["bank_id", "kind", "cert_serial", "offset_key", "user_id", "recipient_user_id", "due_at", "status", "attempts", "next_attempt_at", "created_at"] as const;
    // parameters in a SELECT list need their types spelled out for PostgreSQL
    const text = (v: string) => sql<string>`CAST(${v} AS text)`;
    const num = (v: number) => sql<number>`CAST(${v} AS bigint)`;
    const select = (recipient: "c.user_id" | "m.id") =>
      [
        text(p.bankId).as("bank_id"),
        text(p.kind).as("kind"),
        sql.ref<string>("c.serial").as("cert_serial"),
        text(p.offsetKey).as("offset_key"),
        sql.ref<number>("c.user_id").as("user_id"),
        sql.ref<number>(recipient).as("recipient_user_id"),
        sql<number>`c.not_after - ${num(p.dueOffsetMs)}`.as("due_at"),
        text("queued").as("status"),
        num(0).as("attempts"),
        num(p.now).as("next_attempt_at"),
        num(p.now).as("created_at"),
      ] as const;
    const own = await this.db
      .insertInto("notices")
      .columns([...columns])
      .expression(base().select([...select("c.user_id")]))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    let n = Number(own.numInsertedOrUpdatedRows ?? 0);
    if (p.managers) {
      const copies = await this.db
        .insertInto("notices")
        .columns([...columns])
        .expression(
          base()
            .innerJoin("users as m", (j) => j.onRef("m.contract_id", "=", "c.contract_id").onRef("m.id", "!=", "c.user_id"))
            .where("m.role", "in", ["master", "admin"])
            .where("m.status", "=", "active")
            .select([...select("m.id")]),
        )
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      n += Number(copies.numInsertedOrUpdatedRows ?? 0);
    }
    return n;
  }

  /**
   * Takes up to `limit` notices that are due, for `leaseMs`: no other worker takes them meanwhile;
   * a worker that dies leaves them to be taken again once the lease has passed.
   */
  async claim(now: number, leaseMs: number, limit: number): Promise<NoticeRow[]> {
    const due = this.db
      .selectFrom("notices")
      .select("id")
      .where("status", "in", ["queued", "sending"])
      .where("next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .orderBy("id")
      .limit(limit);
    const ids = this.dialect === "postgres" ? due.forUpdate().skipLocked() : due;
    const rows = await this.db
      .updateTable("notices")
      .set((eb) => ({ status: "sending", lease_until: now + leaseMs, attempts: eb("attempts", "+", 1) }))
      .where("id", "in", ids)
      .returningAll()
      .execute();
    return rows.map((r) => toNotice(r as any));
  }

  async markSent(id: number, now: number): Promise<void> {
    await this.db.updateTable("notices").set({ status: "sent", sent_at: now, lease_until: null, last_error: null }).where("id", "=", id).execute();
  }

  async markRetry(id: number, next: number, error: string): Promise<void> {
    await this.db.updateTable("notices").set({ status: "queued", next_attempt_at: next, lease_until: null, last_error: error.slice(0, 500) }).where("id", "=", id).execute();
  }

  async markCancelled(id: number, reason: string): Promise<void> {
    await this.db.updateTable("notices").set({ status: "cancelled", lease_until: null, last_error: reason }).where("id", "=", id).execute();
  }

  /** Whether a newer valid certificate of the same user exists: the notice is no longer needed. */
  async renewedSince(bankId: string, userId: number, serial: string): Promise<boolean> {
    const c = await this.db.selectFrom("certificates").select(["created_at", "state"]).where("bank_id", "=", bankId).where("serial", "=", serial).executeTakeFirst();
    if (!c) return true;
    const newer = await this.db
      .selectFrom("certificates")
      .select("serial")
      .where("bank_id", "=", bankId)
      .where("user_id", "=", userId)
      .where("created_at", ">", Number(c.created_at))
      .where("state", "in", ["pending", "active"])
      .executeTakeFirst();
    return Boolean(newer);
  }

  /** 重要なお知らせ: the user's own notices about its certificates, newest first. */
  async forRecipient(bankId: string, userId: number, kinds: string[]): Promise<NoticeRow[]> {
    const rows = await this.db
      .selectFrom("notices")
      .selectAll()
      .where("bank_id", "=", bankId)
      .where("recipient_user_id", "=", userId)
      .where("user_id", "=", userId)
      .where("kind", "in", kinds)
      .where("status", "!=", "cancelled")
      .orderBy("due_at", "desc")
      .execute();
    return rows.map((r) => toNotice(r as any));
  }

  async markRead(bankId: string, userId: number, id: number, now: number): Promise<boolean> {
    const r = await this.db.updateTable("notices").set({ read_at: now }).where("bank_id", "=", bankId).where("recipient_user_id", "=", userId).where("id", "=", id).where("read_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** For tests and operations: counts by status. */
  async counts(bankId?: string): Promise<Record<string, number>> {
    let q = this.db.selectFrom("notices").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status");
    if (bankId) q = q.where("bank_id", "=", bankId);
    const rows = await q.execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async all(bankId: string): Promise<NoticeRow[]> {
    return (await this.db.selectFrom("notices").selectAll().where("bank_id", "=", bankId).orderBy("id").execute()).map((r) => toNotice(r as any));
  }
}
