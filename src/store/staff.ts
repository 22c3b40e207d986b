import type { Generated, Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Bank staff (migration 005): the staff CA, staff members and their certificates, and the reads
 * of its dashboard (its one-time submission tokens live in submissions.ts with the portal's). Times are epoch
 * milliseconds, as everywhere in the schema.
 */
export interface StaffCaTable {
  id: Generated<number>;
  subject: string;
  cert_der: Uint8Array;
  key_ref: string;
  not_after: number;
  current: number;
  created_at: number;
}

export interface StaffTable {
  id: Generated<number>;
  bank_id: string;
  /** unique within the bank; CN= of the staff member's certificates */
  staff_id: string;
  name: string;
  /** operator | auditor */
  role: string;
  created_at: number;
  disabled_at: number | null;
}

export interface StaffCertificateTable {
  serial: string;
  bank_id: string;
  staff_row_id: number;
  ca_id: number;
  not_before: number;
  not_after: number;
  revoked_at: number | null;
  created_at: number;
}


type StaffDatabase = Database & {
  staff_cas: StaffCaTable;
  staff: StaffTable;
  staff_certificates: StaffCertificateTable;
};

export type StaffRole = "operator" | "auditor";

export interface StaffRecord {
  rowId: number;
  bankId: string;
  staffId: string;
  name: string;
  role: StaffRole;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface StaffCertificateRecord {
  serial: string;
  bankId: string;
  staffRowId: number;
  caId: number;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface StaffCaRecord {
  id: number;
  subject: string;
  certDer: Uint8Array;
  keyRef: string;
  notAfter: Date;
}

const ms = (v: number | null) => (v === null || v === undefined ? null : new Date(Number(v)));

function toStaff(r: StaffTable & { id: number }): StaffRecord {
  return { rowId: Number(r.id), bankId: r.bank_id, staffId: r.staff_id, name: r.name, role: r.role as StaffRole, createdAt: new Date(Number(r.created_at)), disabledAt: ms(r.disabled_at) };
}

function toStaffCert(r: StaffCertificateTable): StaffCertificateRecord {
  return { serial: r.serial, bankId: r.bank_id, staffRowId: Number(r.staff_row_id), caId: Number(r.ca_id), notBefore: new Date(Number(r.not_before)), notAfter: new Date(Number(r.not_after)), revokedAt: ms(r.revoked_at), createdAt: new Date(Number(r.created_at)) };
}

/** Reads, and the few writes that belong to no bank's transaction (the CA record). */
export class StaffRepository {
  protected readonly db: Kysely<StaffDatabase>;
  constructor(db: Kysely<Database>) {
    this.db = db as unknown as Kysely<StaffDatabase>;
  }

  // ---- the staff CA
  /** The oldest current staff CA: two processes that each made one at once agree on this one. */
  async currentCa(): Promise<StaffCaRecord | undefined> {
    const r = await this.db.selectFrom("staff_cas").selectAll().where("current", "=", 1).orderBy("id").limit(1).executeTakeFirst();
    return r && { id: Number(r.id), subject: r.subject, certDer: new Uint8Array(r.cert_der), keyRef: r.key_ref, notAfter: new Date(Number(r.not_after)) };
  }

  async insertCa(c: { subject: string; certDer: Uint8Array; keyRef: string; notAfter: Date; at: Date }): Promise<number> {
    const r = await this.db
      .insertInto("staff_cas")
      .values({ subject: c.subject, cert_der: c.certDer, key_ref: c.keyRef, not_after: c.notAfter.getTime(), current: 1, created_at: c.at.getTime() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  // ---- staff members
  async getStaff(bankId: string, staffId: string): Promise<StaffRecord | undefined> {
    const r = await this.db.selectFrom("staff").selectAll().where("bank_id", "=", bankId).where("staff_id", "=", staffId).executeTakeFirst();
    return r && toStaff(r as any);
  }

  async listStaff(bankId: string): Promise<Array<StaffRecord & { certificates: StaffCertificateRecord[] }>> {
    const rows = await this.db.selectFrom("staff").selectAll().where("bank_id", "=", bankId).orderBy("staff_id").execute();
    const certs = await this.db.selectFrom("staff_certificates").selectAll().where("bank_id", "=", bankId).orderBy("created_at", "desc").execute();
    return rows.map((r) => {
      const s = toStaff(r as any);
      return { ...s, certificates: certs.filter((c) => Number(c.staff_row_id) === s.rowId).map(toStaffCert) };
    });
  }

  /** The staff member a presented certificate belongs to, found by its serial (one indexed read). */
  async byCertificate(serial: string, caId: number): Promise<{ staff: StaffRecord; certificate: StaffCertificateRecord } | undefined> {
    const c = await this.db.selectFrom("staff_certificates").selectAll().where("serial", "=", serial).where("ca_id", "=", caId).executeTakeFirst();
    if (!c) return undefined;
    const s = await this.db.selectFrom("staff").selectAll().where("id", "=", c.staff_row_id).where("bank_id", "=", c.bank_id).executeTakeFirst();
    return s && { staff: toStaff(s as any), certificate: toStaffCert(c) };
  }

  // ---- dashboard
  /**
   * Expiry times of the bank's valid certificates (pending or active, never revoked) ending in
   * [from, to): one range read on the (bank_id, not_after) index; the caller buckets them.
   */
  async validExpiring(bankId: string, from: Date, to: Date): Promise<number[]> {
    const rows = await this.db
      .selectFrom("certificates")
      .select("not_after")
      .where("bank_id", "=", bankId)
      .where("not_after", ">=", from.getTime())
      .where("not_after", "<", to.getTime())
      .where("state", "in", ["pending", "active"])
      .where("revoked_at", "is", null)
      .execute();
    return rows.map((r) => Number(r.not_after));
  }

  /** When each of the bank's certificates issued in [from, to) was recorded (a signed one: not `signing`). */
  async issuedBetween(bankId: string, from: Date, to: Date): Promise<number[]> {
    const rows = await this.db
      .selectFrom("certificates")
      .select("created_at")
      .where("bank_id", "=", bankId)
      .where("created_at", ">=", from.getTime())
      .where("created_at", "<", to.getTime())
      .where("state", "!=", "signing")
      .execute();
    return rows.map((r) => Number(r.created_at));
  }

  /** When each revocation in [from, to) happened; replacements by renewal (superseded, reason 4) are not counted. */
  async revokedBetween(bankId: string, from: Date, to: Date): Promise<number[]> {
    const rows = await this.db
      .selectFrom("revocations")
      .select("revoked_at")
      .where("bank_id", "=", bankId)
      .where("revoked_at", ">=", from.getTime())
      .where("revoked_at", "<", to.getTime())
      .where("reason", "!=", 4)
      .execute();
    return rows.map((r) => Number(r.revoked_at));
  }

  /** Counts for the dashboard's summary line. */
  async bankCounts(bankId: string): Promise<{ contracts: number; users: number }> {
    const c = await this.db.selectFrom("contracts").select((eb) => eb.fn.countAll<number>().as("n")).where("bank_id", "=", bankId).executeTakeFirstOrThrow();
    const u = await this.db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).where("bank_id", "=", bankId).where("status", "!=", "deleted").executeTakeFirstOrThrow();
    return { contracts: Number(c.n), users: Number(u.n) };
  }

  /** One audit record by its place in the bank's chain (to show the first broken one). */
  async auditRecord(bankId: string, seq: number) {
    const r = await this.db.selectFrom("audit_events").select(["seq", "at", "actor_kind", "actor_id", "action", "result", "detail"]).where("bank_id", "=", bankId).where("seq", "=", seq).executeTakeFirst();
    return r && { seq: Number(r.seq), at: new Date(Number(r.at)), actorKind: r.actor_kind, actorId: r.actor_id, action: r.action, result: r.result, detail: r.detail };
  }
}

/** Staff writes inside a bank's write transaction (store.writeStaff), beside their audit records. */
export class StaffWriter {
  private readonly db: Kysely<StaffDatabase>;
  constructor(
    db: Kysely<Database>,
    readonly bankId: string,
  ) {
    this.db = db as unknown as Kysely<StaffDatabase>;
  }

  async addStaff(s: { staffId: string; name: string; role: StaffRole; at: Date }): Promise<number> {
    const r = await this.db
      .insertInto("staff")
      .values({ bank_id: this.bankId, staff_id: s.staffId, name: s.name, role: s.role, created_at: s.at.getTime(), disabled_at: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async addCertificate(c: { serial: string; staffRowId: number; caId: number; notBefore: Date; notAfter: Date; at: Date }): Promise<void> {
    await this.db
      .insertInto("staff_certificates")
      .values({ serial: c.serial, bank_id: this.bankId, staff_row_id: c.staffRowId, ca_id: c.caId, not_before: c.notBefore.getTime(), not_after: c.notAfter.getTime(), revoked_at: null, created_at: c.at.getTime() })
      .execute();
  }

  /** Disables the member and revokes every certificate of theirs; false when already disabled. */
  async disable(staffRowId: number, at: Date): Promise<boolean> {
    const r = await this.db.updateTable("staff").set({ disabled_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", staffRowId).where("disabled_at", "is", null).executeTakeFirst();
    await this.db.updateTable("staff_certificates").set({ revoked_at: at.getTime() }).where("bank_id", "=", this.bankId).where("staff_row_id", "=", staffRowId).where("revoked_at", "is", null).execute();
    return Number(r.numUpdatedRows) === 1;
  }

  /** 電子証明書方式 on or off for a contract; false when it already had that method. */
  async setContractLoginMethod(contractId: number, method: "certificate" | "password"): Promise<boolean> {
    const r = await this.db.updateTable("contracts").set({ login_method: method }).where("bank_id", "=", this.bankId).where("id", "=", contractId).where("login_method", "!=", method).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
