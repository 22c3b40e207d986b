import { addDuration, parseDuration } from "./duration.js";
import type { BankPolicy } from "./policy.js";

/** The window of the hourly count. */
export const MAIL_CODE_HOUR_MS = 3_600_000;

/**
 * How often a user may be mailed a メール通知パスワード (policy: mailCodeInterval, mailCodesPerHour):
 * at most one per interval and so many in any hour, whatever operation and target they are for.
 * Each code is a mail to the user's own address, so this bounds what a session — the user's, or a
 * stolen one — can make the bank's mail server send; guessing a code is bounded elsewhere (the
 * confirmation lockout). `sent`: when the user's earlier codes were mailed (any order; those
 * older than an hour do not matter). Returns when the next one may be sent, or undefined for now.
 */
export function nextMailCodeAt(sent: readonly Date[], now: Date, policy: Pick<BankPolicy, "mailCodeInterval" | "mailCodesPerHour">): Date | undefined {
  const recent = sent.map((d) => d.getTime()).filter((t) => t > now.getTime() - MAIL_CODE_HOUR_MS && t <= now.getTime()).sort((a, b) => a - b);
  let next = Number.NEGATIVE_INFINITY;
  const last = recent.at(-1);
  if (last !== undefined) next = addDuration(new Date(last), parseDuration(policy.mailCodeInterval)).getTime();
  // the hour's allowance is spent: free again an hour after the oldest of those that spent it
  if (recent.length >= policy.mailCodesPerHour) next = Math.max(next, recent[recent.length - policy.mailCodesPerHour]! + MAIL_CODE_HOUR_MS);
  return next > now.getTime() ? new Date(next) : undefined;
}

/** The whole seconds to wait until `at` (at least one), as Retry-After and the message say them. */
export function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}
