import type { BankPolicy } from "./policy.js";

/**
 * When a one-time password is asked — the one rule every surface follows (EST, the portal's
 * 証明書取得認証, renewal, the issuing app, the login's follow-up). A user gets a token only by
 * enrolling it at the portal after the first login (or from the bank's token letter), so:
 *
 * - acquisition by a user with no token: login ID and login password only (the seeds' 4-11, the
 *   first certificate with the ID and the initial password); with a token, as the policy says;
 * - renewal by a user with no token while the policy asks for one: refused — the user logs in and
 *   enrols first (a renewal without it would make the token optional for good);
 * - after a login, while the policy asks for a one-time password anywhere and the user has none,
 *   the token's enrolment comes before anything else.
 */
export type OtpPurpose = "acquisition" | "renewal";

/** Whether a user holds a token: a confirmed secret (an enrolment shown but not confirmed is none). */
export const holdsToken = (user: { totpSecret: string | null }): boolean => user.totpSecret !== null;

/**
 * "ask": the code is checked; "skip": not asked; "enrol_first": refused until a token is enrolled;
 * "if_enrolled": the user is not known yet (a form before the login ID is checked) — the code is
 * asked of those who have a token.
 */
export type OtpDemand = "ask" | "skip" | "enrol_first" | "if_enrolled";

/** hasToken: whether the user holds a confirmed token; undefined while the user is not known yet. */
export function oneTimePasswordDemand(policy: Pick<BankPolicy, "otp">, purpose: OtpPurpose, hasToken: boolean | undefined): OtpDemand {
  if (!policy.otp[purpose]) return "skip";
  if (hasToken === undefined) return "if_enrolled";
  if (hasToken) return "ask";
  return purpose === "acquisition" ? "skip" : "enrol_first";
}

/** Whether the bank's policy asks for a one-time password at all (then every user needs a token). */
export function tokenRequired(policy: Pick<BankPolicy, "otp">): boolean {
  return policy.otp.acquisition || policy.otp.renewal;
}

/** What a logged-in user must do before any other screen: change the initial password, then enrol the token. */
export type DueStep = "change_password" | "enrol_otp" | null;

/**
 * certificates: whether the user's contract logs in with certificates — only there are certificates
 * acquired and renewed, so only there is a token needed (an ID/password contract never asks for one).
 */
export function dueStep(policy: Pick<BankPolicy, "otp">, user: { mustChangePassword: boolean; hasToken: boolean; certificates: boolean }): DueStep {
  if (user.mustChangePassword) return "change_password";
  if (user.certificates && tokenRequired(policy) && !user.hasToken) return "enrol_otp";
  return null;
}
