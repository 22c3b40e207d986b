import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import { Repositories } from "./repositories.js";
import { WriteTx } from "./write-tx.js";
import { openDatabase, migrate, type OpenOptions } from "./open.js";
import type { Dialect } from "./migrations.js";
import type { BankRecord } from "./records.js";
import { NoticeRepository } from "./notices.js";
import { StaffRepository, StaffWriter } from "./staff.js";
import { SubmissionRepository } from "./submissions.js";
import { conflictsAsDomain } from "./unique-conflict.js";
import { CheckpointRepository } from "./checkpoints.js";
import { SecretBox } from "./secret-box.js";

export type { WriteTx, QueuedNotice, RevocationParams } from "./write-tx.js";
export type { NoticeRow } from "./notices.js";
export type { StaffRecord, StaffCertificateRecord, StaffRole, StaffWriter } from "./staff.js";
export * from "./records.js";

/**
 * The database, seen by the rest of the program. Reads go straight to the repositories; every
 * write goes through write(bankId, …), one transaction locked on that bank. A unique-key violation
 * comes out of a write as the domain's UniqueConflict, whichever database it was.
 */
export class Store extends Repositories {
  private constructor(
    private readonly kdb: Kysely<Database>,
    readonly dialect: Dialect,
    readonly describe: string,
    box: SecretBox,
  ) {
    super(kdb, box);
    this.notices = new NoticeRepository(kdb, dialect);
    this.staff = new StaffRepository(kdb);
    this.submissions = new SubmissionRepository(kdb);
    this.checkpoints = new CheckpointRepository(kdb);
  }

  /** Signed audit checkpoints (audit/checkpoints.ts) */
  readonly checkpoints: CheckpointRepository;

  /** The notice outbox (notify/ is its user). */
  readonly notices: NoticeRepository;
  /** Bank staff, the staff CA, the staff console's reads */
  readonly staff: StaffRepository;
  readonly submissions: SubmissionRepository;

  /** totpKey: the 32-byte key that seals TOTP secrets (from the key store; never in the database) */
  static async open(o: OpenOptions & { totpKey: Uint8Array }): Promise<Store> {
    const box = new SecretBox(o.totpKey);
    const { db, dialect, describe, schema } = await openDatabase(o);
    await migrate(db, dialect, box, schema);
    return new Store(db, dialect, describe, box);
  }

  async write<T>(bankId: string, fn: (w: WriteTx) => Promise<T>): Promise<T> {
    return conflictsAsDomain(() =>
      this.kdb.transaction().execute(async (trx) => {
        const w = new WriteTx(trx, bankId, this.box);
        await w.lock();
        return fn(w);
      }),
    );
  }

  /** write(bankId, …) with the staff tables as well, in the same transaction. */
  async writeStaff<T>(bankId: string, fn: (w: WriteTx, staff: StaffWriter) => Promise<T>): Promise<T> {
    return conflictsAsDomain(() =>
      this.kdb.transaction().execute(async (trx) => {
        const w = new WriteTx(trx, bankId, this.box);
        await w.lock();
        return fn(w, new StaffWriter(trx, bankId));
      }),
    );
  }

  /** Creates or renames a bank; the audit chain of an existing bank is left as it is. */
  async upsertBank(b: BankRecord, at: Date): Promise<void> {
    // a write first, so the transaction holds the write lock from its first statement
    await this.kdb.transaction().execute(async (trx) => {
      const row = { name_ja: b.nameJa, name_en: b.nameEn, organization: b.organization, ca_name: b.caName };
      const r = await trx.updateTable("banks").set(row).where("id", "=", b.id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) await trx.insertInto("banks").values({ id: b.id, ...row, audit_seq: 0, audit_head: "", created_at: at.getTime() }).execute();
    });
  }

  /** The whole audit chain of a bank in order, for verification. */
  async auditChain(bankId: string) {
    const rows = await this.kdb.selectFrom("audit_events").selectAll().where("bank_id", "=", bankId).orderBy("seq").execute();
    const head = await this.kdb.selectFrom("banks").select(["audit_seq", "audit_head"]).where("id", "=", bankId).executeTakeFirst();
    return { rows, headSeq: Number(head?.audit_seq ?? 0), headHash: head?.audit_head ?? "" };
  }

  async close(): Promise<void> {
    await this.kdb.destroy();
  }
}
