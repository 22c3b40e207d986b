import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/**
 * メール通知パスワード: six digits mailed to the acting user. Only a keyed hash is stored (the key
 * is the row's random id), so the database never holds a code that could be read back.
 */
export interface NewMailCode {
  id: string;
  code: string;
  hash: string;
}

const hashOf = (id: string, code: string) => createHmac("sha256", id).update(code, "utf8").digest("hex");

export function newMailCode(): NewMailCode {
  const id = randomBytes(16).toString("hex");
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  return { id, code, hash: hashOf(id, code) };
}

/** Whether `code` is the one hashed as `hash` under `id` (constant time). */
export function mailCodeMatches(id: string, hash: string, code: string): boolean {
  const a = Buffer.from(hashOf(id, code.trim()), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
