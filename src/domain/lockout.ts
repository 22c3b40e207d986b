/**
 * Lockout (SPEC.md "Login"): the login password (with the one-time password) and the
 * 確認用パスワード each count wrong answers; at the bank's threshold that count locks. A user is
 * shown as locked (利用停止) when either count has reached it; 利用停止解除 clears both.
 */
export interface FailureCounts {
  failedLogins: number;
  failedConfirms: number;
}

export type LockKind = "login" | "confirm";

/** Whether `kind`'s count has reached the threshold; without a kind, whether either has. */
export function isLocked(counts: FailureCounts, threshold: number, kind?: LockKind): boolean {
  if (kind === "login") return counts.failedLogins >= threshold;
  if (kind === "confirm") return counts.failedConfirms >= threshold;
  return counts.failedLogins >= threshold || counts.failedConfirms >= threshold;
}
