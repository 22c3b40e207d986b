import { randomInt } from "node:crypto";
import { passwordProblems } from "../domain/roles.js";

/**
 * Letters and digits a person can copy from paper without doubt: no 0/O/o, 1/l/I, 5/S, 2/Z, 8/B,
 * 9/g/q, u/v. 44 symbols, so ten of them carry about 54 bits — an initial password that lives
 * only until the first login.
 */
const ALPHABET = "ACDEFGHJKLMNPQRTUWXYabcdefhijkmnprstwxyz3467";
const LENGTH = 10;

/** A fresh initial password that follows the password rules (passwordProblems) and differs from `others`. */
export function generateInitialPassword(loginId: string, others: readonly string[] = []): string {
  for (;;) {
    let p = "";
    for (let i = 0; i < LENGTH; i++) p += ALPHABET[randomInt(ALPHABET.length)];
    if (passwordProblems(p, loginId).length === 0 && !others.includes(p)) return p;
  }
}

/** The login password and the 確認用パスワード a new user is given on the initial-password letter. */
export function generateInitialPasswords(loginId: string): { password: string; confirmPassword: string } {
  const password = generateInitialPassword(loginId);
  return { password, confirmPassword: generateInitialPassword(loginId, [password]) };
}
