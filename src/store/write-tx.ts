import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { SecretBox } from "./secret-box.js";
import { Repositories } from "./repositories.js";
import { chainHash, type AuditEntry } from "../domain/audit.js";
import type { CertState } from "../domain/certificate.js";
import type { UserRole, LoginMethod } from "../domain/roles.js";
import type { UserRecord } from "./records.js";

export interface NewCertificate {
  serial: string;
  caId: number;
  contractId: number;
  userId: number;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  spkiSha256: string;
  tbsDer: Uint8Array;
  requestId: number;
  replacesSerial: string | null;
}

/**
 * Everything written in one transaction of one bank. The bank row is locked first, which makes
 * the transaction a writer at once (SQLite) and serialises the bank's audit chain (PostgreSQL);
 * audit records are appended in the same transaction as the change they describe.
 */
/** A user row as registration writes it: the record's own fields, at a moment. */
export type NewUserRow = Pick<UserRecord, "contractId" | "loginId" | "userNo" | "name" | "email" | "role" | "passwordHash" | "confirmHash" | "totpSecret" | "mustChangePassword"> & { at: Date };

export interface SetPasswordParams {
  userId: number;
  kind: "login" | "confirm";
  /** the scrypt hash (credentials/passwords.ts) */
  hash: string;
  /** the user must choose a new one at the next login */
  mustChange: boolean;
  at: Date;
}

/**
 * Rows in one multi-row statement at most: its parameters (up to 15 a row) stay under SQLite's
 * limit of 32,766 and PostgreSQL's of 65,535.
 */
const ROWS_PER_STATEMENT = 1000;

export interface RevocationParams {
  reason: number;
  state: "revoked" | "superseded";
  actor: string;
  reference?: string | null;
  at: Date;
  /** false: the caller queues its own notice (a compromise drill's) */
  notify?: boolean;
}

export interface QueuedNotice {
  kind: "issued" | "revoked" | "expiry_warning" | "otp_reset" | "ca_compromised";
  serial: string;
  userId: number;
  at: Date;
  offsetKey?: string;
  recipientUserId?: number;
}

export class WriteTx extends Repositories {
  private seq = 0;
  private head = "";
  constructor(
    db: Kysely<Database>,
    readonly bankId: string,
    box: SecretBox,
  ) {
    super(db, box);
  }

  async lock(): Promise<void> {
    const r = await this.db
      .updateTable("banks")
      .set((eb) => ({ audit_seq: eb.ref("audit_seq") }))
      .where("id", "=", this.bankId)
      .returning(["audit_seq", "audit_head"])
      .executeTakeFirst();
    if (!r) throw new Error(`bank ${this.bankId} is not in the database`);
    this.seq = Number(r.audit_seq);
    this.head = r.audit_head;
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.auditAll([e]);
  }

  /** Records in order on the bank's chain: one insert and one update of the chain's head however many. */
  async auditAll(entries: readonly AuditEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
      const rows = entries.slice(i, i + ROWS_PER_STATEMENT).map((e) => {
        const seq = this.seq + 1;
        const hash = chainHash({ bankId: this.bankId, seq, prevHash: this.head }, e);
        const row = {
          bank_id: this.bankId,
          seq,
          at: e.at.getTime(),
          actor_kind: e.actorKind,
          actor_id: e.actorId,
          address: e.address ?? null,
          cert_serial: e.certSerial ?? null,
          action: e.action,
          contract_id: e.contractId ?? null,
          target_user_id: e.targetUserId ?? null,
          result: e.result,
          detail: JSON.stringify(e.detail ?? {}),
          prev_hash: this.head,
          hash,
        };
        this.seq = seq;
        this.head = hash;
        return row;
      });
      await this.db.insertInto("audit_events").values(rows).execute();
    }
    if (entries.length > 0) await this.db.updateTable("banks").set({ audit_seq: this.seq, audit_head: this.head }).where("id", "=", this.bankId).execute();
  }

  async addContract(c: { code: string; name: string; loginMethod: LoginMethod; at: Date }): Promise<number> {
    const r = await this.db
      .insertInto("contracts")
      .values({ bank_id: this.bankId, code: c.code, name: c.name, login_method: c.loginMethod, status: "active", next_user_index: 1, created_at: c.at.getTime() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  /** Takes the contract's next user number (A001, A002…); numbers are never reused. */
  async takeUserIndex(contractId: number): Promise<number> {
    const r = await this.db
      .updateTable("contracts")
      .set((eb) => ({ next_user_index: eb("next_user_index", "+", 1) }))
      .where("bank_id", "=", this.bankId)
      .where("id", "=", contractId)
      .returning("next_user_index")
      .executeTakeFirstOrThrow();
    return Number(r.next_user_index) - 1;
  }

  async addUser(u: NewUserRow): Promise<number> {
    const r = await this.db
      .insertInto("users")
      .values({
        bank_id: this.bankId,
        contract_id: u.contractId,
        login_id: u.loginId,
        user_no: u.userNo,
        name: u.name,
        email: u.email,
        role: u.role,
        password_hash: u.passwordHash,
        confirm_hash: u.confirmHash,
        // sealed below, once the row's ID (part of what the seal binds) is known
        totp_secret: null,
        totp_pending: null,
        status: "active",
        must_change_password: u.mustChangePassword ? 1 : 0,
        failed_logins: 0,
        failed_confirms: 0,
        created_at: u.at.getTime(),
        updated_at: u.at.getTime(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (u.totpSecret !== null) await this.sealTotp(Number(r.id), u.totpSecret);
    return Number(r.id);
  }

  async setFailedLogins(userId: number, n: number, at: Date): Promise<void> {
    await this.db.updateTable("users").set({ failed_logins: n, updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  async setFailedConfirms(userId: number, n: number, at: Date): Promise<void> {
    await this.db.updateTable("users").set({ failed_confirms: n, updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  /** メール通知パスワード: a new code for (user, purpose); older unused ones of the same purpose end with it. */
  async addMailCode(c: { id: string; userId: number; purpose: string; codeHash: string; at: Date; expiresAt: Date }): Promise<void> {
    await this.db.updateTable("mail_codes").set({ used_at: c.at.getTime() }).where("bank_id", "=", this.bankId).where("user_id", "=", c.userId).where("purpose", "=", c.purpose).where("used_at", "is", null).execute();
    await this.db.insertInto("mail_codes").values({ id: c.id, bank_id: this.bankId, user_id: c.userId, purpose: c.purpose, code_hash: c.codeHash, created_at: c.at.getTime(), expires_at: c.expiresAt.getTime(), used_at: null }).execute();
  }

  /** When the user's codes (any purpose) mailed after `since` were made: what mailCodeInterval and mailCodesPerHour count. */
  async mailCodesSentSince(userId: number, since: Date): Promise<Date[]> {
    const rows = await this.db.selectFrom("mail_codes").select("created_at").where("bank_id", "=", this.bankId).where("user_id", "=", userId).where("created_at", ">", since.getTime()).execute();
    return rows.map((r) => new Date(Number(r.created_at)));
  }

  /** The newest unused code of (user, purpose), expired or not (the caller decides). */
  async openMailCode(userId: number, purpose: string): Promise<{ id: string; codeHash: string; expiresAt: Date } | undefined> {
    const r = await this.db.selectFrom("mail_codes").select(["id", "code_hash", "expires_at"]).where("bank_id", "=", this.bankId).where("user_id", "=", userId).where("purpose", "=", purpose).where("used_at", "is", null).orderBy("created_at", "desc").executeTakeFirst();
    return r && { id: r.id, codeHash: r.code_hash, expiresAt: new Date(Number(r.expires_at)) };
  }

  /** Spends a code: true only for the one call that marked it used. */
  async useMailCode(id: string, at: Date): Promise<boolean> {
    const r = await this.db.updateTable("mail_codes").set({ used_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", id).where("used_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setUserStatus(userId: number, status: "active" | "suspended" | "deleted", at: Date): Promise<void> {
    await this.db.updateTable("users").set({ status, updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  /** 利用者変更: name, e-mail, role; only the fields given change. */
  async setUserDetails(userId: number, d: { name?: string; email?: string; role?: UserRole }, at: Date): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ ...(d.name !== undefined ? { name: d.name } : {}), ...(d.email !== undefined ? { email: d.email } : {}), ...(d.role !== undefined ? { role: d.role } : {}), updated_at: at.getTime() })
      .where("bank_id", "=", this.bankId)
      .where("id", "=", userId)
      .execute();
  }

  /** A new login or confirmation password; its lockout count starts again. */
  async setPassword(p: SetPasswordParams): Promise<void> {
    const set = p.kind === "login" ? { password_hash: p.hash, must_change_password: p.mustChange ? 1 : 0, failed_logins: 0 } : { confirm_hash: p.hash, failed_confirms: 0 };
    await this.db.updateTable("users").set({ ...set, updated_at: p.at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", p.userId).execute();
  }

  /** The columns hold secrets sealed (secret-box.ts), never in clear: bound to this bank, row and column. */
  private seal(userId: number, secret: string, column: "totp_secret" | "totp_pending"): string {
    return this.box.seal(secret, this.bankId, userId, column);
  }

  private async sealTotp(userId: number, secret: string): Promise<void> {
    await this.db.updateTable("users").set({ totp_secret: this.seal(userId, secret, "totp_secret") }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  /**
   * The user's token from now on: registered by the bank (its token letter, lastStep 0) or an
   * enrolment confirmed by a code (lastStep: that code's time step, so it is not accepted again).
   * Any enrolment under way is dropped.
   */
  async setTotpSecret(userId: number, secret: string, at: Date, lastStep = 0): Promise<void> {
    await this.db.updateTable("users").set({ totp_secret: this.seal(userId, secret, "totp_secret"), totp_pending: null, totp_last_step: lastStep, updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  /** An enrolment's secret, shown to the user; the working token (if any) stays until it is confirmed. */
  async setTotpPending(userId: number, secret: string, at: Date): Promise<void> {
    await this.db.updateTable("users").set({ totp_pending: this.seal(userId, secret, "totp_pending"), updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  /** トークン初期化: no token and no enrolment under way; the user enrols again. */
  async clearTotpSecret(userId: number, at: Date): Promise<void> {
    await this.db.updateTable("users").set({ totp_secret: null, totp_pending: null, totp_last_step: 0, updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "=", userId).execute();
  }

  /** Accepts a one-time password's time step once: false when it (or a later one) was used already. */
  async takeTotpStep(userId: number, step: number): Promise<boolean> {
    const r = await this.db.updateTable("users").set({ totp_last_step: step }).where("bank_id", "=", this.bankId).where("id", "=", userId).where("totp_last_step", "<", step).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markCertificatesReset(userIds: number | readonly number[], at: Date): Promise<void> {
    const ids = typeof userIds === "number" ? [userIds] : userIds;
    if (ids.length === 0) return;
    await this.db.updateTable("users").set({ certs_reset_at: at.getTime(), updated_at: at.getTime() }).where("bank_id", "=", this.bankId).where("id", "in", ids).execute();
  }

  async addSession(s: { idHash: string; userId: number; certSerial: string | null; csrf: string; at: Date; purpose?: string }): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({ id_hash: s.idHash, bank_id: this.bankId, user_id: s.userId, cert_serial: s.certSerial, csrf: s.csrf, created_at: s.at.getTime(), last_seen: s.at.getTime(), purpose: s.purpose ?? "portal" })
      .execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("bank_id", "=", this.bankId).where("id_hash", "=", idHash).execute();
  }

  async deleteUserSessions(userIds: number | readonly number[]): Promise<void> {
    const ids = typeof userIds === "number" ? [userIds] : userIds;
    if (ids.length === 0) return;
    await this.db.deleteFrom("sessions").where("bank_id", "=", this.bankId).where("user_id", "in", ids).execute();
  }

  /** Every session of the user but the one whose (per-session) CSRF token is `keepCsrf`. */
  async deleteOtherSessions(userId: number, keepCsrf: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("bank_id", "=", this.bankId).where("user_id", "=", userId).where("csrf", "!=", keepCsrf).execute();
  }

  async addRequest(r: { userId: number; kind: string; csrSha256: string; csrDer: Uint8Array; at: Date }): Promise<number> {
    const row = await this.db
      .insertInto("requests")
      .values({ bank_id: this.bankId, user_id: r.userId, kind: r.kind, csr_sha256: r.csrSha256, csr_der: r.csrDer, created_at: r.at.getTime() })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async insertSigning(c: NewCertificate, at: Date): Promise<void> {
    await this.db
      .insertInto("certificates")
      .values({
        serial: c.serial,
        bank_id: this.bankId,
        ca_id: c.caId,
        contract_id: c.contractId,
        user_id: c.userId,
        state: "signing",
        subject: c.subject,
        not_before: c.notBefore.getTime(),
        not_after: c.notAfter.getTime(),
        spki_sha256: c.spkiSha256,
        tbs_der: c.tbsDer,
        der: null,
        request_id: c.requestId,
        replaces_serial: c.replacesSerial,
        revoked_at: null,
        revocation_reason: null,
        created_at: at.getTime(),
        updated_at: at.getTime(),
      })
      .execute();
  }

  /** signing → pending, once: a second finisher of the same record changes nothing. */
  async completeSigning(serial: string, der: Uint8Array, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable("certificates")
      .set({ der, state: "pending", updated_at: at.getTime() })
      .where("bank_id", "=", this.bankId)
      .where("serial", "=", serial)
      .where("state", "=", "signing")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setState(serial: string, from: CertState[], to: CertState, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable("certificates")
      .set({ state: to, updated_at: at.getTime() })
      .where("bank_id", "=", this.bankId)
      .where("serial", "=", serial)
      .where("state", "in", from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Marks a certificate revoked (or superseded, which is published as revoked) and bumps its CA's
   * status revision so that every server drops what it cached about that CA's certificates.
   */
  async revoke(p: RevocationParams & { serial: string; caId: number; notAfter: Date }): Promise<boolean> {
    return (await this.revokeAll([p], p)).length === 1;
  }

  /**
   * revoke() for many certificates with the same reason and moment, in a few statements whatever
   * their number: the ones still live are revoked (their serials returned), each CA's status
   * revision bumped once.
   */
  async revokeAll(certs: ReadonlyArray<{ serial: string; caId: number; notAfter: Date }>, p: RevocationParams): Promise<string[]> {
    const done: Array<{ serial: string; caId: number; notAfter: Date; userId: number }> = [];
    for (let i = 0; i < certs.length; i += ROWS_PER_STATEMENT) {
      const chunk = certs.slice(i, i + ROWS_PER_STATEMENT);
      const rows = await this.db
        .updateTable("certificates")
        .set({ state: p.state, revoked_at: p.at.getTime(), revocation_reason: p.reason, updated_at: p.at.getTime() })
        .where("bank_id", "=", this.bankId)
        .where("serial", "in", chunk.map((c) => c.serial))
        .where("state", "in", ["pending", "active", "signing"])
        .returning(["serial", "user_id"])
        .execute();
      const owner = new Map(rows.map((r) => [r.serial, Number(r.user_id)]));
      for (const c of chunk) {
        const userId = owner.get(c.serial);
        if (userId === undefined) continue;
        owner.delete(c.serial);
        done.push({ serial: c.serial, caId: c.caId, notAfter: c.notAfter, userId });
      }
    }
    for (let i = 0; i < done.length; i += ROWS_PER_STATEMENT) {
      await this.db
        .insertInto("revocations")
        .values(done.slice(i, i + ROWS_PER_STATEMENT).map((c) => ({ serial: c.serial, bank_id: this.bankId, ca_id: c.caId, reason: p.reason, revoked_at: p.at.getTime(), not_after: c.notAfter.getTime(), actor: p.actor, reference: p.reference ?? null })))
        .execute();
    }
    for (const caId of new Set(done.map((c) => c.caId))) {
      await this.db
        .updateTable("cas")
        .set((eb) => ({ status_revision: eb("status_revision", "+", 1) }))
        .where("id", "=", caId)
        .execute();
    }
    if (p.state === "revoked" && p.notify !== false) await this.queueNotices(done.map((c) => ({ kind: "revoked", serial: c.serial, userId: c.userId, at: p.at })));
    return done.map((c) => c.serial);
  }

  /** The root revokes one of the bank's issuing CAs (compromise drill); false if it already had. */
  async revokeIssuingCa(caId: number, reason: number, at: Date): Promise<boolean> {
    const r = await this.db.updateTable("cas").set({ revoked_at: at.getTime(), revocation_reason: reason }).where("bank_id", "=", this.bankId).where("id", "=", caId).where("kind", "=", "issuing").where("revoked_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Points a CA record at its key in another store; false unless it pointed at `from`. */
  async moveCaKey(caId: number, from: string, to: string): Promise<boolean> {
    const r = await this.db.updateTable("cas").set({ key_ref: to }).where("bank_id", "=", this.bankId).where("id", "=", caId).where("key_ref", "=", from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A security notice, queued in the same transaction as the change it reports (outbox). */
  async queueNotice(n: QueuedNotice): Promise<void> {
    await this.queueNotices([n]);
  }

  async queueNotices(ns: readonly QueuedNotice[]): Promise<void> {
    for (let i = 0; i < ns.length; i += ROWS_PER_STATEMENT) {
      await this.db
        .insertInto("notices")
        .values(
          ns.slice(i, i + ROWS_PER_STATEMENT).map((n) => ({ bank_id: this.bankId, kind: n.kind, cert_serial: n.serial, offset_key: n.offsetKey ?? "", user_id: n.userId, recipient_user_id: n.recipientUserId ?? n.userId, due_at: n.at.getTime(), status: "queued", attempts: 0, next_attempt_at: n.at.getTime(), lease_until: null, last_error: null, sent_at: null, read_at: null, created_at: n.at.getTime() })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  /**
   * A new CA record, the current one of its kind: of the bank's issuing CAs (the active
   * generation), or of one issuing CA's OCSP responders (each generation has its own).
   */
  async insertCa(c: { kind: string; subject: string; certDer: Uint8Array; keyRef: string; notAfter: Date; at: Date; parentId?: number | null; generation?: number }): Promise<number> {
    let older = this.db.updateTable("cas").set({ current: 0 }).where("bank_id", "=", this.bankId).where("kind", "=", c.kind);
    if (c.kind === "ocsp" && c.parentId != null) older = older.where("parent_id", "=", c.parentId);
    await older.execute();
    const r = await this.db
      .insertInto("cas")
      .values({ bank_id: this.bankId, kind: c.kind, subject: c.subject, cert_der: c.certDer, key_ref: c.keyRef, not_after: c.notAfter.getTime(), current: 1, crl_number: 0, status_revision: 0, created_at: c.at.getTime(), parent_id: c.parentId ?? null, generation: c.generation ?? 1 })
      .returning("id")
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }
}
