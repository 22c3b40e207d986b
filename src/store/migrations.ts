import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { SecretBox } from "./secret-box.js";

export type Dialect = "sqlite" | "postgres";

/**
 * Migrations are code, numbered, applied at start inside Kysely's migrator (which takes a lock so
 * two starting nodes do not race). Column types differ by dialect only where they must.
 */
export function migrations(dialect: Dialect, box: SecretBox): MigrationProvider {
  const blob = dialect === "postgres" ? "bytea" : "blob";
  const big = "bigint";
  const autoId = (t: any) =>
    dialect === "postgres"
      ? t.addColumn("id", "bigserial", (c: any) => c.primaryKey())
      : t.addColumn("id", "integer", (c: any) => c.primaryKey().autoIncrement());

  const m001: Migration = {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("banks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name_ja", "text", (c) => c.notNull())
        .addColumn("name_en", "text", (c) => c.notNull())
        .addColumn("organization", "text", (c) => c.notNull())
        .addColumn("ca_name", "text", (c) => c.notNull())
        .addColumn("audit_seq", big, (c) => c.notNull().defaultTo(0))
        .addColumn("audit_head", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("created_at", big, (c) => c.notNull())
        .execute();

      await autoId(db.schema.createTable("contracts"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("code", "text", (c: any) => c.notNull())
        .addColumn("name", "text", (c: any) => c.notNull())
        .addColumn("login_method", "text", (c: any) => c.notNull())
        .addColumn("status", "text", (c: any) => c.notNull())
        .addColumn("next_user_index", "integer", (c: any) => c.notNull().defaultTo(1))
        .addColumn("created_at", big, (c: any) => c.notNull())
        .addUniqueConstraint("contracts_bank_code", ["bank_id", "code"])
        .execute();

      await autoId(db.schema.createTable("users"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("contract_id", big, (c: any) => c.notNull().references("contracts.id"))
        .addColumn("login_id", "text", (c: any) => c.notNull())
        .addColumn("user_no", "text", (c: any) => c.notNull())
        .addColumn("name", "text", (c: any) => c.notNull())
        .addColumn("email", "text", (c: any) => c.notNull())
        .addColumn("role", "text", (c: any) => c.notNull())
        .addColumn("password_hash", "text", (c: any) => c.notNull())
        .addColumn("confirm_hash", "text", (c: any) => c.notNull())
        .addColumn("totp_secret", "text")
        .addColumn("status", "text", (c: any) => c.notNull())
        .addColumn("must_change_password", "integer", (c: any) => c.notNull().defaultTo(1))
        .addColumn("failed_logins", "integer", (c: any) => c.notNull().defaultTo(0))
        .addColumn("failed_confirms", "integer", (c: any) => c.notNull().defaultTo(0))
        .addColumn("created_at", big, (c: any) => c.notNull())
        .addColumn("updated_at", big, (c: any) => c.notNull())
        .addUniqueConstraint("users_bank_login", ["bank_id", "login_id"])
        .addUniqueConstraint("users_contract_no", ["contract_id", "user_no"])
        .execute();

      await autoId(db.schema.createTable("cas"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("kind", "text", (c: any) => c.notNull())
        .addColumn("subject", "text", (c: any) => c.notNull())
        .addColumn("cert_der", blob, (c: any) => c.notNull())
        .addColumn("key_ref", "text", (c: any) => c.notNull())
        .addColumn("not_after", big, (c: any) => c.notNull())
        .addColumn("current", "integer", (c: any) => c.notNull())
        .addColumn("crl_number", big, (c: any) => c.notNull().defaultTo(0))
        .addColumn("status_revision", big, (c: any) => c.notNull().defaultTo(0))
        .addColumn("created_at", big, (c: any) => c.notNull())
        .execute();

      await autoId(db.schema.createTable("requests"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("user_id", big, (c: any) => c.notNull().references("users.id"))
        .addColumn("kind", "text", (c: any) => c.notNull())
        .addColumn("csr_sha256", "text", (c: any) => c.notNull())
        .addColumn("csr_der", blob, (c: any) => c.notNull())
        .addColumn("created_at", big, (c: any) => c.notNull())
        .execute();

      await db.schema
        .createTable("certificates")
        .addColumn("serial", "text", (c) => c.primaryKey())
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("ca_id", big, (c) => c.notNull().references("cas.id"))
        .addColumn("contract_id", big, (c) => c.notNull().references("contracts.id"))
        .addColumn("user_id", big, (c) => c.notNull().references("users.id"))
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("not_before", big, (c) => c.notNull())
        .addColumn("not_after", big, (c) => c.notNull())
        .addColumn("spki_sha256", "text", (c) => c.notNull().unique())
        .addColumn("tbs_der", blob, (c) => c.notNull())
        .addColumn("der", blob)
        .addColumn("request_id", big, (c) => c.notNull().references("requests.id"))
        .addColumn("replaces_serial", "text")
        .addColumn("revoked_at", big)
        .addColumn("revocation_reason", "integer")
        .addColumn("created_at", big, (c) => c.notNull())
        .addColumn("updated_at", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("certificates_user").on("certificates").columns(["bank_id", "user_id"]).execute();
      await db.schema.createIndex("certificates_ca_state").on("certificates").columns(["ca_id", "state"]).execute();

      await db.schema
        .createTable("revocations")
        .addColumn("serial", "text", (c) => c.primaryKey().references("certificates.serial"))
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("ca_id", big, (c) => c.notNull().references("cas.id"))
        .addColumn("reason", "integer", (c) => c.notNull())
        .addColumn("revoked_at", big, (c) => c.notNull())
        .addColumn("not_after", big, (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("reference", "text")
        .execute();
      await db.schema.createIndex("revocations_ca").on("revocations").columns(["ca_id", "not_after"]).execute();

      await db.schema
        .createTable("crls")
        .addColumn("ca_id", big, (c) => c.primaryKey().references("cas.id"))
        .addColumn("number", big, (c) => c.notNull())
        .addColumn("this_update", big, (c) => c.notNull())
        .addColumn("next_update", big, (c) => c.notNull())
        .addColumn("status_revision", big, (c) => c.notNull())
        .addColumn("der", blob, (c) => c.notNull())
        .execute();

      await autoId(db.schema.createTable("audit_events"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("seq", big, (c: any) => c.notNull())
        .addColumn("at", big, (c: any) => c.notNull())
        .addColumn("actor_kind", "text", (c: any) => c.notNull())
        .addColumn("actor_id", "text", (c: any) => c.notNull())
        .addColumn("address", "text")
        .addColumn("cert_serial", "text")
        .addColumn("action", "text", (c: any) => c.notNull())
        .addColumn("contract_id", big)
        .addColumn("target_user_id", big)
        .addColumn("result", "text", (c: any) => c.notNull())
        .addColumn("detail", "text", (c: any) => c.notNull())
        .addColumn("prev_hash", "text", (c: any) => c.notNull())
        .addColumn("hash", "text", (c: any) => c.notNull())
        .addUniqueConstraint("audit_bank_seq", ["bank_id", "seq"])
        .execute();
      await db.schema.createIndex("audit_bank_at").on("audit_events").columns(["bank_id", "at"]).execute();
      void sql;
    },
  };

  /** Issue 3: one-time password replay guard, the reset marker (初期化), web sessions. */
  const m002: Migration = {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("users").addColumn("totp_last_step", big, (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("users").addColumn("certs_reset_at", big).execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("user_id", big, (c) => c.notNull().references("users.id"))
        .addColumn("cert_serial", "text")
        .addColumn("csrf", "text", (c) => c.notNull())
        .addColumn("created_at", big, (c) => c.notNull())
        .addColumn("last_seen", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sessions_user").on("sessions").columns(["bank_id", "user_id"]).execute();
    },
  };

  /**
   * Issue 6: notices as rows (an outbox). The unique key makes each notice exist once per
   * certificate, kind, offset and recipient however many nodes plan it; cursors let a planning
   * run look only at certificates whose moment has come since the last run.
   */
  const m003: Migration = {
    async up(db: Kysely<any>) {
      await autoId(db.schema.createTable("notices"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("kind", "text", (c: any) => c.notNull())
        .addColumn("cert_serial", "text", (c: any) => c.notNull())
        .addColumn("offset_key", "text", (c: any) => c.notNull())
        .addColumn("user_id", big, (c: any) => c.notNull().references("users.id"))
        .addColumn("recipient_user_id", big, (c: any) => c.notNull().references("users.id"))
        .addColumn("due_at", big, (c: any) => c.notNull())
        .addColumn("status", "text", (c: any) => c.notNull())
        .addColumn("attempts", "integer", (c: any) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", big, (c: any) => c.notNull())
        .addColumn("lease_until", big)
        .addColumn("last_error", "text")
        .addColumn("sent_at", big)
        .addColumn("read_at", big)
        .addColumn("created_at", big, (c: any) => c.notNull())
        .addUniqueConstraint("notices_once", ["bank_id", "kind", "cert_serial", "offset_key", "recipient_user_id"])
        .execute();
      await db.schema.createIndex("notices_due").on("notices").columns(["status", "next_attempt_at"]).execute();
      await db.schema.createIndex("notices_recipient").on("notices").columns(["bank_id", "recipient_user_id"]).execute();
      await db.schema
        .createTable("notice_cursors")
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("offset_key", "text", (c) => c.notNull())
        .addColumn("planned_until", big, (c) => c.notNull())
        .addPrimaryKeyConstraint("notice_cursors_pk", ["bank_id", "kind", "offset_key"])
        .execute();
      await db.schema.createIndex("certificates_bank_expiry").on("certificates").columns(["bank_id", "not_after"]).execute();
    },
  };

  const m004: Migration = {
    async up(db: Kysely<any>) {
      // a session row with purpose "issue" is the short grant between 証明書取得認証 (password and
      // one-time password checked) and the page's CSR; it never opens the portal
      await db.schema.alterTable("sessions").addColumn("purpose", "text", (c) => c.notNull().defaultTo("portal")).execute();
      // one row per submitted confirmation form (customer portal and staff console alike): a second
      // submission of the same form finds it and is shown the first one's result instead of acting twice
      await db.schema
        .createTable("submissions")
        .addColumn("token", "text", (c) => c.primaryKey())
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("result", "text")
        .addColumn("created_at", big, (c) => c.notNull())
        .execute();
    },
  };
  /**
   * Issue 4 (staff console): the installation's staff CA, bank staff (each belongs to one bank) and
   * their certificates, the console's one-time submission tokens, and indexes for the dashboard's
   * per-day counts.
   */
  const m005: Migration = {
    async up(db: Kysely<any>) {
      await autoId(db.schema.createTable("staff_cas"))
        .addColumn("subject", "text", (c: any) => c.notNull())
        .addColumn("cert_der", blob, (c: any) => c.notNull())
        .addColumn("key_ref", "text", (c: any) => c.notNull())
        .addColumn("not_after", big, (c: any) => c.notNull())
        .addColumn("current", "integer", (c: any) => c.notNull())
        .addColumn("created_at", big, (c: any) => c.notNull())
        .execute();
      await autoId(db.schema.createTable("staff"))
        .addColumn("bank_id", "text", (c: any) => c.notNull().references("banks.id"))
        .addColumn("staff_id", "text", (c: any) => c.notNull())
        .addColumn("name", "text", (c: any) => c.notNull())
        .addColumn("role", "text", (c: any) => c.notNull())
        .addColumn("created_at", big, (c: any) => c.notNull())
        .addColumn("disabled_at", big)
        .addUniqueConstraint("staff_bank_staff_id", ["bank_id", "staff_id"])
        .execute();
      await db.schema
        .createTable("staff_certificates")
        .addColumn("serial", "text", (c) => c.primaryKey())
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("staff_row_id", big, (c) => c.notNull().references("staff.id"))
        .addColumn("ca_id", big, (c) => c.notNull().references("staff_cas.id"))
        .addColumn("not_before", big, (c) => c.notNull())
        .addColumn("not_after", big, (c) => c.notNull())
        .addColumn("revoked_at", big)
        .addColumn("created_at", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("staff_certificates_staff").on("staff_certificates").columns(["staff_row_id"]).execute();
      await db.schema.createIndex("certificates_bank_created").on("certificates").columns(["bank_id", "created_at"]).execute();
      await db.schema.createIndex("revocations_bank_revoked").on("revocations").columns(["bank_id", "revoked_at"]).execute();
    },
  };
  /** Issue 13: signed audit checkpoints, the database's copy (the sink outside it is the one that counts). */
  const m007: Migration = {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("audit_checkpoints")
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("seq", big, (c) => c.notNull())
        .addColumn("head", "text", (c) => c.notNull())
        .addColumn("at", big, (c) => c.notNull())
        .addColumn("key_id", "text", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("audit_checkpoints_pk", ["bank_id", "seq"])
        .execute();
    },
  };
  /**
   * Issue 11: a one-time-password secret shown for enrolment but not yet confirmed by a code from
   * the authenticator. It never replaces a working token until it is confirmed.
   */
  const m008: Migration = {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("users").addColumn("totp_pending", "text").execute();
    },
  };
  /**
   * Issue 12: issuing CA generations. Each CA names the one above it (an issuing CA its root, an
   * OCSP responder its issuing CA), carries its generation number, and an issuing CA can be
   * revoked by its root (compromise drill). The rows made before this each get their parent.
   */
  const m009: Migration = {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("cas").addColumn("parent_id", big).execute();
      await db.schema.alterTable("cas").addColumn("generation", "integer", (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable("cas").addColumn("revoked_at", big).execute();
      await db.schema.alterTable("cas").addColumn("revocation_reason", "integer").execute();
      await sql`update cas set parent_id = (select p.id from cas p where p.bank_id = cas.bank_id and p.kind = 'root' and p.current = 1) where kind = 'issuing'`.execute(db);
      await sql`update cas set parent_id = (select p.id from cas p where p.bank_id = cas.bank_id and p.kind = 'issuing' and p.current = 1) where kind = 'ocsp'`.execute(db);
    },
  };
  /**
   * Issue 11: メール通知パスワード — a short code mailed to the acting user to confirm 利用者停止・解除.
   * Only a keyed hash of the code is kept; a row is good once (used_at) and until expires_at.
   */
  const m010: Migration = {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("mail_codes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("bank_id", "text", (c) => c.notNull().references("banks.id"))
        .addColumn("user_id", big, (c) => c.notNull().references("users.id"))
        .addColumn("purpose", "text", (c) => c.notNull())
        .addColumn("code_hash", "text", (c) => c.notNull())
        .addColumn("created_at", big, (c) => c.notNull())
        .addColumn("expires_at", big, (c) => c.notNull())
        .addColumn("used_at", big)
        .execute();
      await db.schema.createIndex("mail_codes_user").on("mail_codes").columns(["bank_id", "user_id", "purpose", "created_at"]).execute();
    },
  };
  /**
   * Issue 13: one-time-password secrets sealed at rest (secret-box.ts) under the key the store is
   * handed. Every clear secret still in either column is sealed, in the migrator's one transaction;
   * a value sealed already is left alone.
   */
  const m011: Migration = {
    async up(db: Kysely<any>) {
      for (const column of ["totp_secret", "totp_pending"] as const) {
        const rows: Array<{ id: number | string; bank_id: string; v: string }> = await db.selectFrom("users").select(["id", "bank_id", `${column} as v`]).where(column, "is not", null).execute();
        for (const r of rows) {
          if (SecretBox.isSealed(r.v)) continue;
          await db.updateTable("users").set({ [column]: box.seal(r.v, r.bank_id, Number(r.id), column) }).where("id", "=", r.id).execute();
        }
      }
    },
  };
  return {
    getMigrations: async () => ({ "001_initial": m001, "002_lifecycle": m002, "003_notices": m003, "004_portal": m004, "005_staff": m005, "007_audit_checkpoints": m007, "008_totp_pending": m008, "009_ca_generations": m009, "010_mail_codes": m010, "011_totp_sealed": m011 }),
  };
}
