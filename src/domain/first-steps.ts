import type { BankPolicy } from "./policy.js";
import type { LoginMethod } from "./roles.js";
import { tokenRequired } from "./one-time-password.js";

/** A step of a user's first use with a bank's letter, as the initial-password letter lists them. */
export type FirstStep = "acquire_certificate" | "log_in" | "log_in_certificate" | "change_password" | "enrol_otp";

/**
 * What the user already holds when the letter is made: nothing for a new user; a user whose
 * passwords the bank reissues may hold a valid certificate (acquisition would be refused: it logs
 * in with it) and a token (not enrolled again).
 */
export interface Held {
  certificate: boolean;
  token: boolean;
}

const NOTHING: Held = { certificate: false, token: false };

/**
 * What a user with the bank's letter does first, in order: at a certificate contract, acquire the
 * certificate with the login ID and the initial password (the seeds' 4-11) — or log in with the
 * one already held —, at an ID/password one, log in; then change the initial password (forced);
 * then, where the login asks for a token (dueStep: certificate contracts whose policy asks a
 * one-time password) and the user has none, enrol it.
 */
export function firstSteps(loginMethod: LoginMethod, policy: Pick<BankPolicy, "otp">, held: Held = NOTHING): FirstStep[] {
  const first: FirstStep = loginMethod !== "certificate" ? "log_in" : held.certificate ? "log_in_certificate" : "acquire_certificate";
  const steps: FirstStep[] = [first, "change_password"];
  if (loginMethod === "certificate" && tokenRequired(policy) && !held.token) steps.push("enrol_otp");
  return steps;
}
