import { newTotpSecret, totpUri } from "../credentials/totp.js";
import type { BankScope } from "./context.js";
import { checkConfirmPassword } from "./authentication.js";
import type { UserRecord } from "../store/store.js";

/**
 * A new one-time-password secret for the user's own authenticator, shown once (as text and as the
 * otpauth:// URI a QR code carries). Confirmed with the 確認用パスワード; the old secret stops
 * working at once.
 */
export async function enrolOneTimePassword(scope: BankScope, user: UserRecord, confirmPassword: string): Promise<{ secret: string; uri: string }> {
  const { deps, bank, ctx } = scope;
  await checkConfirmPassword({ ...scope, action: "user.otp_enrol" }, user, confirmPassword);
  const secret = newTotpSecret();
  await deps.store.write(bank.config.id, async (w) => {
    await w.setTotpSecret(user.id, secret, deps.clock.now());
    await w.audit({ at: deps.clock.now(), actorKind: "user", actorId: user.loginId, address: ctx.address, certSerial: ctx.certSerial, action: "user.otp_enrol", contractId: user.contractId, targetUserId: user.id, result: "ok" });
  });
  return { secret, uri: totpUri(secret, bank.config.nameEn, user.loginId) };
}
