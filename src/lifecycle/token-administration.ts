import { runUserOperation } from "./user-operations.js";
import type { UserOperationContext } from "./user-management.js";

/**
 * What bank staff do to a user's one-time-password token, from the staff console or the CLI: the
 * same user operations a master or admin uses (user-operations.ts), so the rights table, the audit
 * record and the security notice are the same. `c` is the staff member acting (who: a staff actor).
 */
export type StaffTokenContext = Omit<UserOperationContext, "target" | "confirmPassword">;

/** ワンタイムパスワード初期化 of any user of the bank, the master's included: the user enrols again at the next login. */
export function resetUserToken(c: StaffTokenContext, loginId: string, reference: string | null = null): Promise<void> {
  return runUserOperation({ ...c, name: "otp_reset", target: loginId.trim(), reference });
}

/**
 * A token registered for the user by the bank: the secret (and its otpauth:// URI) comes back once,
 * for the token letter; it is never shown again. The user's acquisition and renewal ask for it.
 */
export function registerUserToken(c: StaffTokenContext, loginId: string, reference: string | null = null): Promise<{ loginId: string; secret: string; uri: string }> {
  return runUserOperation({ ...c, name: "otp_register", target: loginId.trim(), reference });
}
