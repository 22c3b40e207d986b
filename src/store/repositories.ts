import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { BankRecord, CaRecord, CertificateRecord, ContractRecord, CrlRecord, SessionRecord, UserRecord } from "./records.js";
import type { CertState } from "../domain/certificate.js";
import type { SecretBox } from "./secret-box.js";

type Db = Kysely<Database>;

/** Revoked certificates as parallel columns, for a CRL (see revokedEntries). */
export interface RevokedColumns {
  count: number;
  /** hex, as stored */
  serials: string[];
  /** epoch milliseconds */
  revokedAt: Float64Array;
  reasons: Uint8Array;
}
const bytes = (b: Uint8Array | Buffer) => new Uint8Array(b);

export function toCertificate(r: Database["certificates"]): CertificateRecord {
  return {
    serial: r.serial,
    bankId: r.bank_id,
    caId: Number(r.ca_id),
    contractId: Number(r.contract_id),
    userId: Number(r.user_id),
    state: r.state as CertState,
    subject: r.subject,
    notBefore: new Date(r.not_before),
    notAfter: new Date(r.not_after),
    spkiSha256: r.spki_sha256,
    tbsDer: bytes(r.tbs_der),
    der: r.der ? bytes(r.der) : null,
    requestId: Number(r.request_id),
    replacesSerial: r.replaces_serial,
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
    revocationReason: r.revocation_reason,
    createdAt: new Date(r.created_at),
  };
}

/** A user row as the program sees it: the TOTP secret opened (it is stored sealed: secret-box.ts). */
export function toUser(r: Database["users"] & { id: number }, box: SecretBox): UserRecord {
  return {
    id: Number(r.id),
    bankId: r.bank_id,
    contractId: Number(r.contract_id),
    loginId: r.login_id,
    userNo: r.user_no,
    name: r.name,
    email: r.email,
    role: r.role as UserRecord["role"],
    passwordHash: r.password_hash,
    confirmHash: r.confirm_hash,
    totpSecret: r.totp_secret === null ? null : box.open(r.totp_secret, r.bank_id, Number(r.id), "totp_secret"),
    totpPending: r.totp_pending === null || r.totp_pending === undefined ? null : box.open(r.totp_pending, r.bank_id, Number(r.id), "totp_pending"),
    status: r.status as UserRecord["status"],
    mustChangePassword: r.must_change_password === 1,
    failedLogins: r.failed_logins,
    failedConfirms: r.failed_confirms,
    totpLastStep: Number(r.totp_last_step),
    certsResetAt: r.certs_reset_at === null || r.certs_reset_at === undefined ? null : new Date(Number(r.certs_reset_at)),
  };
}

function toContract(r: Database["contracts"] & { id: number }): ContractRecord {
  return {
    id: Number(r.id),
    bankId: r.bank_id,
    code: r.code,
    name: r.name,
    loginMethod: r.login_method as ContractRecord["loginMethod"],
    status: r.status as ContractRecord["status"],
  };
}

function toCa(r: Database["cas"] & { id: number }): CaRecord {
  return {
    id: Number(r.id),
    bankId: r.bank_id,
    kind: r.kind as CaRecord["kind"],
    subject: r.subject,
    certDer: bytes(r.cert_der),
    keyRef: r.key_ref,
    notAfter: new Date(r.not_after),
    crlNumber: Number(r.crl_number),
    statusRevision: Number(r.status_revision),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    generation: Number(r.generation),
    revokedAt: r.revoked_at === null ? null : new Date(Number(r.revoked_at)),
    revocationReason: r.revocation_reason === null ? null : Number(r.revocation_reason),
    current: Number(r.current) === 1,
  };
}

/** Reads and writes, every one scoped to a bank. Works on the database or inside a transaction. */
export class Repositories {
  constructor(
    protected readonly db: Db,
    /** seals and opens TOTP secrets; its key is handed in, never read from the database */
    protected readonly box: SecretBox,
  ) {}

  // ---- banks
  async getBank(id: string): Promise<BankRecord | undefined> {
    const r = await this.db.selectFrom("banks").selectAll().where("id", "=", id).executeTakeFirst();
    return r && { id: r.id, nameJa: r.name_ja, nameEn: r.name_en, organization: r.organization, caName: r.ca_name };
  }

  async listBanks(): Promise<BankRecord[]> {
    const rows = await this.db.selectFrom("banks").selectAll().orderBy("id").execute();
    return rows.map((r) => ({ id: r.id, nameJa: r.name_ja, nameEn: r.name_en, organization: r.organization, caName: r.ca_name }));
  }

  // ---- contracts
  async getContract(bankId: string, id: number): Promise<ContractRecord | undefined> {
    const r = await this.db.selectFrom("contracts").selectAll().where("bank_id", "=", bankId).where("id", "=", id).executeTakeFirst();
    return r && toContract(r as any);
  }

  async getContractByCode(bankId: string, code: string): Promise<ContractRecord | undefined> {
    const r = await this.db.selectFrom("contracts").selectAll().where("bank_id", "=", bankId).where("code", "=", code).executeTakeFirst();
    return r && toContract(r as any);
  }

  async listContracts(bankId: string): Promise<ContractRecord[]> {
    const rows = await this.db.selectFrom("contracts").selectAll().where("bank_id", "=", bankId).orderBy("code").execute();
    return rows.map((r) => toContract(r as any));
  }

  // ---- users
  async getUserByLoginId(bankId: string, loginId: string): Promise<UserRecord | undefined> {
    const r = await this.db
      .selectFrom("users")
      .selectAll()
      .where("bank_id", "=", bankId)
      .where("login_id", "=", loginId)
      .where("status", "!=", "deleted")
      .executeTakeFirst();
    return r && toUser(r as any, this.box);
  }

  /** A login ID stays taken after its user is deleted: history and audit keep naming that person. */
  async loginIdTaken(bankId: string, loginId: string): Promise<boolean> {
    const r = await this.db.selectFrom("users").select("id").where("bank_id", "=", bankId).where("login_id", "=", loginId).executeTakeFirst();
    return r !== undefined;
  }

  async getUser(bankId: string, id: number): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom("users").selectAll().where("bank_id", "=", bankId).where("id", "=", id).executeTakeFirst();
    return r && toUser(r as any, this.box);
  }

  async listUsers(bankId: string, contractId?: number): Promise<UserRecord[]> {
    let q = this.db.selectFrom("users").selectAll().where("bank_id", "=", bankId).where("status", "!=", "deleted");
    if (contractId !== undefined) q = q.where("contract_id", "=", contractId);
    const rows = await q.orderBy("contract_id").orderBy("user_no").execute();
    return rows.map((r) => toUser(r as any, this.box));
  }

  async countUsers(bankId: string, contractId: number): Promise<number> {
    const r = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("bank_id", "=", bankId)
      .where("contract_id", "=", contractId)
      .where("status", "!=", "deleted")
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- CAs
  async currentCas(bankId: string): Promise<CaRecord[]> {
    const rows = await this.db.selectFrom("cas").selectAll().where("bank_id", "=", bankId).where("current", "=", 1).execute();
    return rows.map((r) => toCa(r as any));
  }

  /** Every CA the bank ever had (a handful of rows: generations, responders, the root). */
  async bankCas(bankId: string): Promise<CaRecord[]> {
    const rows = await this.db.selectFrom("cas").selectAll().where("bank_id", "=", bankId).orderBy("id").execute();
    return rows.map((r) => toCa(r as any));
  }

  async getCa(bankId: string, id: number): Promise<CaRecord | undefined> {
    const r = await this.db.selectFrom("cas").selectAll().where("bank_id", "=", bankId).where("id", "=", id).executeTakeFirst();
    return r && toCa(r as any);
  }

  /** The cheap question a server asks often: has anything been revoked since I last looked? */
  async issuingRevisions(): Promise<Array<{ id: number; bankId: string; statusRevision: number; crlNumber: number; revoked: boolean }>> {
    const rows = await this.db.selectFrom("cas").select(["id", "bank_id", "status_revision", "crl_number", "revoked_at"]).where("kind", "=", "issuing").execute();
    return rows.map((r) => ({ id: Number(r.id), bankId: r.bank_id, statusRevision: Number(r.status_revision), crlNumber: Number(r.crl_number), revoked: r.revoked_at !== null }));
  }

  // ---- certificates
  async getCertificate(bankId: string, serial: string): Promise<CertificateRecord | undefined> {
    const r = await this.db.selectFrom("certificates").selectAll().where("bank_id", "=", bankId).where("serial", "=", serial).executeTakeFirst();
    return r && toCertificate(r);
  }

  /** Status lookup for OCSP and login: only the fields those need. */
  async certificateStatus(caId: number, serial: string) {
    const r = await this.db
      .selectFrom("certificates")
      .select(["state", "not_after", "revoked_at", "revocation_reason"])
      .where("ca_id", "=", caId)
      .where("serial", "=", serial)
      .executeTakeFirst();
    return (
      r && {
        state: r.state as CertState,
        notAfter: new Date(r.not_after),
        revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
        reason: r.revocation_reason,
      }
    );
  }

  async userCertificates(bankId: string, userId: number): Promise<CertificateRecord[]> {
    return this.certificatesOfUsers(bankId, [userId]);
  }

  /** Every certificate of these users, newest first. */
  async certificatesOfUsers(bankId: string, userIds: readonly number[]): Promise<CertificateRecord[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("certificates")
      .selectAll()
      .where("bank_id", "=", bankId)
      .where("user_id", "in", userIds)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(toCertificate);
  }

  async listCertificates(bankId: string, opts: { contractId?: number; state?: CertState } = {}): Promise<CertificateRecord[]> {
    let q = this.db.selectFrom("certificates").selectAll().where("bank_id", "=", bankId);
    if (opts.contractId !== undefined) q = q.where("contract_id", "=", opts.contractId);
    if (opts.state) q = q.where("state", "=", opts.state);
    return (await q.orderBy("created_at").execute()).map(toCertificate);
  }

  async spkiInUse(spkiSha256: string): Promise<{ serial: string; bankId: string; userId: number } | undefined> {
    const r = await this.db.selectFrom("certificates").select(["serial", "bank_id", "user_id"]).where("spki_sha256", "=", spkiSha256).executeTakeFirst();
    return r && { serial: r.serial, bankId: r.bank_id, userId: Number(r.user_id) };
  }

  /** Records left between "recorded" and "signed" by a process that died. */
  async unfinishedSignings(bankId?: string): Promise<CertificateRecord[]> {
    let q = this.db.selectFrom("certificates").selectAll().where("state", "=", "signing");
    if (bankId) q = q.where("bank_id", "=", bankId);
    return (await q.execute()).map(toCertificate);
  }

  /** The certificate a client presented, found by its issuing CA and serial (any bank's CA). */
  /** The users who hold a live certificate (active, pending, being signed) of one issuing CA. */
  async holdersOfCa(bankId: string, caId: number): Promise<number[]> {
    const rows = await this.db.selectFrom("certificates").select("user_id").distinct().where("bank_id", "=", bankId).where("ca_id", "=", caId).where("state", "in", ["active", "pending", "signing"]).execute();
    return rows.map((r) => Number(r.user_id));
  }

  async certificateBySerial(caId: number, serial: string): Promise<CertificateRecord | undefined> {
    const r = await this.db.selectFrom("certificates").selectAll().where("ca_id", "=", caId).where("serial", "=", serial).executeTakeFirst();
    return r && toCertificate(r);
  }

  async getSession(bankId: string, idHash: string): Promise<SessionRecord | undefined> {
    const r = await this.db.selectFrom("sessions").selectAll().where("bank_id", "=", bankId).where("id_hash", "=", idHash).executeTakeFirst();
    return (
      r && {
        idHash: r.id_hash,
        bankId: r.bank_id,
        userId: Number(r.user_id),
        certSerial: r.cert_serial,
        csrf: r.csrf,
        purpose: r.purpose,
        createdAt: new Date(Number(r.created_at)),
        lastSeen: new Date(Number(r.last_seen)),
      }
    );
  }

  /**
   * Operation history of a bank, newest first: within a contract, optionally only what concerns
   * one user (as actor or target), from `from` to `to`, of some actions.
   */
  async auditEvents(q: { bankId: string; contractId?: number; concerning?: { userId: number; loginId: string }; from: Date; to: Date; actions?: string[]; limit: number }) {
    let sel = this.db
      .selectFrom("audit_events as a")
      .leftJoin("users as t", "t.id", "a.target_user_id")
      .select(["a.seq", "a.at", "a.actor_kind", "a.actor_id", "a.address", "a.cert_serial", "a.action", "a.result", "a.detail", "a.target_user_id", "t.login_id as target_login_id", "t.name as target_name"])
      .where("a.bank_id", "=", q.bankId)
      .where("a.at", ">=", q.from.getTime())
      .where("a.at", "<=", q.to.getTime());
    if (q.contractId !== undefined) sel = sel.where("a.contract_id", "=", q.contractId);
    if (q.concerning) {
      const c = q.concerning;
      sel = sel.where((eb) => eb.or([eb("a.target_user_id", "=", c.userId), eb.and([eb("a.actor_kind", "=", "user"), eb("a.actor_id", "=", c.loginId)])]));
    }
    if (q.actions && q.actions.length > 0) sel = sel.where("a.action", "in", q.actions);
    const rows = await sel.orderBy("a.seq", "desc").limit(q.limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: new Date(Number(r.at)),
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      address: r.address,
      certSerial: r.cert_serial,
      action: r.action,
      result: r.result,
      detail: r.detail,
      targetLoginId: r.target_login_id ?? null,
      targetName: r.target_name ?? null,
    }));
  }

  /**
   * Marks a session as used, at most once a minute, outside the bank's write lock: it is not an
   * operation to audit, and taking the lock on every request would queue a bank's users behind it.
   */
  async touchSession(bankId: string, idHash: string, at: Date): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ last_seen: at.getTime() })
      .where("bank_id", "=", bankId)
      .where("id_hash", "=", idHash)
      .where("last_seen", "<", at.getTime() - 60_000)
      .execute();
  }

  // ---- revocation lists
  /**
   * What a CRL lists, as columns: a hundred thousand revocations held as one object and a Date
   * each took over a hundred megabytes while the list was built; as columns they take a few.
   */
  async revokedEntries(caId: number, notExpiredAt: Date): Promise<RevokedColumns> {
    const rows = await this.db
      .selectFrom("revocations")
      .select(["serial", "revoked_at", "reason"])
      .where("ca_id", "=", caId)
      .where("not_after", ">=", notExpiredAt.getTime())
      .orderBy("revoked_at")
      .execute();
    const n = rows.length;
    const out: RevokedColumns = { count: n, serials: new Array<string>(n), revokedAt: new Float64Array(n), reasons: new Uint8Array(n) };
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      out.serials[i] = r.serial;
      out.revokedAt[i] = Number(r.revoked_at);
      out.reasons[i] = r.reason;
    }
    return out;
  }

  /** The stored CRL's number and thisUpdate, without the list itself (megabytes, for a large one). */
  async crlHead(caId: number): Promise<{ number: number; thisUpdate: Date } | undefined> {
    const r = await this.db.selectFrom("crls").select(["number", "this_update"]).where("ca_id", "=", caId).executeTakeFirst();
    return r && { number: Number(r.number), thisUpdate: new Date(Number(r.this_update)) };
  }

  async getCrl(caId: number): Promise<CrlRecord | undefined> {
    const r = await this.db.selectFrom("crls").selectAll().where("ca_id", "=", caId).executeTakeFirst();
    return r && { caId: Number(r.ca_id), number: Number(r.number), thisUpdate: new Date(r.this_update), nextUpdate: new Date(r.next_update), statusRevision: Number(r.status_revision), der: bytes(r.der) };
  }

  /**
   * Takes the next CRL number, and reads the status revision in the same statement, so a CRL is
   * never labelled with a revision newer than the entries read after it.
   */
  async nextCrlNumber(caId: number): Promise<{ number: number; statusRevision: number }> {
    const r = await this.db
      .updateTable("cas")
      .set((eb) => ({ crl_number: eb("crl_number", "+", 1) }))
      .where("id", "=", caId)
      .returning(["crl_number", "status_revision"])
      .executeTakeFirstOrThrow();
    return { number: Number(r.crl_number), statusRevision: Number(r.status_revision) };
  }

  /** Keeps the newest CRL only: an older build finishing late never replaces a newer one. */
  async saveCrl(c: CrlRecord): Promise<boolean> {
    // only the number is compared: reading the whole previous list cost ~40 MB at 100,000 entries
    const existing = await this.crlHead(c.caId);
    if (existing && existing.number >= c.number) return false;
    const row = { ca_id: c.caId, number: c.number, this_update: c.thisUpdate.getTime(), next_update: c.nextUpdate.getTime(), status_revision: c.statusRevision, der: c.der };
    if (existing) {
      const r = await this.db.updateTable("crls").set(row).where("ca_id", "=", c.caId).where("number", "<", c.number).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    }
    try {
      await this.db.insertInto("crls").values(row).execute();
      return true;
    } catch {
      // another node inserted first; keep whichever is newer
      const r = await this.db.updateTable("crls").set(row).where("ca_id", "=", c.caId).where("number", "<", c.number).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    }
  }
}
