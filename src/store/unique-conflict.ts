import { UniqueConflict } from "../domain/errors.js";

/** The drivers' words for a unique-key violation: PostgreSQL's SQLSTATE, better-sqlite3's codes. */
const UNIQUE_CODES = new Set(["23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

/** The driver's unique-key violation as the domain's UniqueConflict; any other error as it was. */
export function asUniqueConflict(e: unknown): unknown {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (err && typeof err.code === "string" && UNIQUE_CODES.has(err.code)) return new UniqueConflict(String(err.message ?? err.code));
  return e;
}

/** Runs a database call, answering a unique-key violation with UniqueConflict. */
export async function conflictsAsDomain<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw asUniqueConflict(e);
  }
}
