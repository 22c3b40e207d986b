import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** How long a submitted form's token is remembered: long enough for any reload or resend. */
const KEPT_MS = 86_400_000;

/**
 * Confirmation forms submitted once, on the customer portal and the staff console alike: the first
 * submission of a form's token claims it and acts; any later one (a double click, a reload, a second
 * node) finds the claim and is shown its result. Results belong to whoever submitted them.
 */
export class SubmissionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** true when this call claimed the token; false when it was claimed before. Old tokens are forgotten. */
  async claim(s: { bankId: string; token: string; owner: string; action: string; at: Date }): Promise<boolean> {
    await this.db.deleteFrom("submissions").where("created_at", "<", s.at.getTime() - KEPT_MS).execute();
    const r = await this.db
      .insertInto("submissions")
      .values({ token: s.token, bank_id: s.bankId, owner: s.owner, action: s.action, result: null, created_at: s.at.getTime() })
      .onConflict((oc) => oc.column("token").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async finish(bankId: string, token: string, result: string): Promise<void> {
    await this.db.updateTable("submissions").set({ result }).where("bank_id", "=", bankId).where("token", "=", token).execute();
  }

  /** The owner's submission with that token (undefined: unknown, or another's); result null while it runs. */
  async find(bankId: string, token: string, owner: string): Promise<{ action: string; result: string | null } | undefined> {
    const r = await this.db.selectFrom("submissions").select(["action", "result"]).where("bank_id", "=", bankId).where("token", "=", token).where("owner", "=", owner).executeTakeFirst();
    return r && { action: r.action, result: r.result };
  }

  /** A failed action frees its token, so that the corrected form can be sent. */
  async release(bankId: string, token: string): Promise<void> {
    await this.db.deleteFrom("submissions").where("bank_id", "=", bankId).where("token", "=", token).execute();
  }
}
