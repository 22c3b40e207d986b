import { newTotpSecret, totpStep, totpUri } from "../credentials/totp.js";
import { DomainError } from "../domain/errors.js";
import { holdsToken, oneTimePasswordDemand, type OtpDemand, type OtpPurpose } from "../domain/one-time-password.js";
import type { AuditedStep, BankContext, BankScope } from "./context.js";
import { checkConfirmPassword, checkOneTimePassword } from "./authentication.js";
import { refusal } from "./issuance.js";
import type { UserRecord } from "../store/store.js";

/**
 * The user's one-time-password token: enrolled by the user at the portal (a secret shown, then
 * confirmed by a code from the authenticator), registered by the bank (a token letter), reset by
 * the master, an admin or the bank (user-operations.ts) so that the user enrols again.
 */

/** Whether the user holds a token (a secret shown but never confirmed is none). */
export const hasToken = (user: UserRecord): boolean => holdsToken(user);

/**
 * The one-time password of an acquisition or a renewal, as the one rule (domain/one-time-password.ts)
 * demands it of this user: checked, not asked, or — a renewal without a token while the policy
 * asks for one — refused until the user has enrolled. Every surface's flow calls this.
 */
export async function checkOneTimePasswordFor(step: AuditedStep, purpose: OtpPurpose, user: UserRecord, code: string | undefined): Promise<void> {
  const demand: OtpDemand = oneTimePasswordDemand(step.bank.policy, purpose, hasToken(user));
  if (demand === "skip" || demand === "if_enrolled") return;
  if (demand === "enrol_first") throw await refusal(step, { userId: user.id, contractId: user.contractId }, "otp_enrol_first");
  await checkOneTimePassword(step, user, code);
}

/** What a screen asks for this purpose: of this user, or (no user yet) of whoever fills the form. */
export function oneTimePasswordDemandOf(bank: BankContext, purpose: OtpPurpose, user: UserRecord | undefined): OtpDemand {
  return oneTimePasswordDemand(bank.policy, purpose, user ? hasToken(user) : undefined);
}

export interface ShownSecret {
  secret: string;
  /** the otpauth:// URI a QR code carries */
  uri: string;
}

/**
 * ワンタイムパスワード登録, first step: a new secret for the user's own authenticator, shown once (as
 * text and as a QR code), after the 確認用パスワード. It is pending: a working token stays until a
 * code from the new secret confirms it (confirmOneTimePasswordEnrolment).
 */
export async function startOneTimePasswordEnrolment(scope: BankScope, user: UserRecord, confirmPassword: string): Promise<ShownSecret> {
  const { deps, bank, ctx } = scope;
  await checkConfirmPassword({ ...scope, action: "user.otp_enrol" }, user, confirmPassword);
  const secret = newTotpSecret();
  await deps.store.write(bank.config.id, async (w) => {
    await w.setTotpPending(user.id, secret, deps.clock.now());
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: ctx.certSerial, action: "user.otp_enrol.start", contractId: user.contractId, targetUserId: user.id, result: "ok" });
  });
  return { secret, uri: totpUri(secret, bank.config.nameEn, user.loginId) };
}

/**
 * ワンタイムパスワード登録, second step: a code from the authenticator proves the shown secret was
 * taken in; only then does it become the user's token (its time step used, so the code is not
 * accepted again). A wrong code leaves everything as it was and may be tried again.
 */
export async function confirmOneTimePasswordEnrolment(scope: BankScope, user: UserRecord, code: string): Promise<void> {
  const { deps, bank, ctx } = scope;
  const step: AuditedStep = { ...scope, action: "user.otp_enrol" };
  const ids = { userId: user.id, contractId: user.contractId };
  const fresh = await deps.store.getUser(bank.config.id, user.id);
  const pending = fresh?.totpPending;
  if (!pending) throw await refusal(step, ids, "otp_enrolment_not_started");
  const taken = totpStep(pending, code.trim(), deps.clock.now());
  if (taken === undefined) throw await refusal(step, ids, "otp_invalid");
  await deps.store.write(bank.config.id, async (w) => {
    // replaced by another enrolment (another tab) meanwhile: this code confirms nothing
    const now = await w.getUser(bank.config.id, user.id);
    if (now?.totpPending !== pending) throw new DomainError("otp_enrolment_not_started");
    await w.setTotpSecret(user.id, pending, deps.clock.now(), taken);
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: ctx.certSerial, action: "user.otp_enrol", contractId: user.contractId, targetUserId: user.id, result: "ok", detail: { replaced: hasToken(now) ? "yes" : "no" } });
  });
}
