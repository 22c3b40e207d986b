import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Confirmation forms submitted once: the first submission of a form's token claims it and acts;
 * any later one (a double click, a reload, a second node) finds the claim and shows its result.
 */
export class SubmissionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** true when this call claimed the token; false when it was claimed before. */
  async claim(bankId: string, token: string, at: Date): Promise<boolean> {
    const r = await this.db.insertInto("submissions").values({ token, bank_id: bankId, result: null, created_at: at.getTime() }).onConflict((oc) => oc.column("token").doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async finish(bankId: string, token: string, result: string): Promise<void> {
    await this.db.updateTable("submissions").set({ result }).where("bank_id", "=", bankId).where("token", "=", token).execute();
  }

  /** undefined: never claimed; null: claimed, still running (or its process died). */
  async result(bankId: string, token: string): Promise<string | null | undefined> {
    const r = await this.db.selectFrom("submissions").select("result").where("bank_id", "=", bankId).where("token", "=", token).executeTakeFirst();
    return r === undefined ? undefined : r.result;
  }

  async release(bankId: string, token: string): Promise<void> {
    await this.db.deleteFrom("submissions").where("bank_id", "=", bankId).where("token", "=", token).execute();
  }

  /** Claims older than the cutoff are of no use any more. */
  async forget(before: Date): Promise<void> {
    await this.db.deleteFrom("submissions").where("created_at", "<", before.getTime()).execute();
  }
}
