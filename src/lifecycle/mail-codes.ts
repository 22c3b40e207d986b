import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import { newMailCode } from "../credentials/mail-code.js";
import { MAIL_CODE_HOUR_MS, nextMailCodeAt, secondsUntil } from "../domain/mail-code-limit.js";
import { formatLocalDateTime } from "../domain/time-zone.js";
import { renderMailCode } from "../notify/mail-code-template.js";
import type { MailTransport } from "../notify/transport.js";
import { P } from "../i18n/portal-text.js";
import type { UserRecord } from "../store/store.js";
import type { BankContext, Deps, RequestContext } from "./context.js";
import { mailCodePurpose } from "./authentication.js";
import { authorizeRight, type ActingUser } from "./user-management.js";
import { USER_OPERATIONS, isUserOperation } from "./user-operations.js";

/** Where メール通知パスワード go at once (not through the notice outbox: the code is never stored readable). */
export interface CodeMail {
  from: string;
  transport: MailTransport;
}

export interface MailCodeRequest {
  deps: Deps;
  bank: BankContext;
  mail: CodeMail | undefined;
  who: ActingUser & { user: UserRecord };
  /** the user operation it confirms; only those the table confirms by mail */
  operation: string;
  target: string;
  ctx: RequestContext;
}

/**
 * メール通知パスワードの送信: after the rights table allowed the operation on the target, and unless the
 * user was mailed one too recently (mailCodeInterval, mailCodesPerHour: domain/mail-code-limit.ts), a
 * new code (six digits, good once for `mailCodeValidity`) is recorded as a keyed hash and mailed to
 * the acting user over the mail transport. The audit record names the operation and the target,
 * never the code; a refusal for too soon is audited with when the next may be sent.
 */
export async function sendMailCode(r: MailCodeRequest): Promise<{ expiresAt: Date }> {
  const { deps, bank, who, ctx } = r;
  if (!isUserOperation(r.operation) || USER_OPERATIONS[r.operation].confirmBy !== "mail_code") throw new DomainError("not_found");
  const right = USER_OPERATIONS[r.operation].right;
  const target = await deps.store.getUserByLoginId(bank.config.id, r.target);
  await authorizeRight({ deps, bank, who, right, target, label: r.target, ctx });
  const to = who.user.email;
  if (!to) throw new DomainError("mail_code_no_address");
  if (!r.mail) throw new DomainError("mail_not_sent");
  const now = deps.clock.now();
  const expiresAt = addDuration(now, parseDuration(bank.policy.mailCodeValidity));
  const c = newMailCode();
  // counted and recorded in one transaction (the bank's write lock): two requests at once cannot both pass
  const tooSoon = await deps.store.write(bank.config.id, async (w) => {
    const audit = (result: "ok" | "refused", detail: Record<string, string | number>) =>
      w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: "mail_code.send", contractId: who.user.contractId, targetUserId: target!.id, result, detail: { operation: right, target: r.target, ...detail } });
    const next = nextMailCodeAt(await w.mailCodesSentSince(who.user.id, new Date(now.getTime() - MAIL_CODE_HOUR_MS)), now, bank.policy);
    if (next) {
      await audit("refused", { reason: "mail_code_too_soon", retryAt: next.toISOString() });
      return next;
    }
    await w.addMailCode({ id: c.id, userId: who.user.id, purpose: mailCodePurpose(right, r.target), codeHash: c.hash, at: now, expiresAt });
    await audit("ok", {});
    return undefined;
  });
  if (tooSoon) throw tooSoonError(bank, tooSoon, now);
  const m = renderMailCode({ bank: { nameJa: bank.config.nameJa, nameEn: bank.config.nameEn }, recipient: { name: who.user.name }, operation: r.operation === "resume" ? P.taskResume : P.taskSuspend, target: r.target, code: c.code, expiresAt, offsetMinutes: bank.offsetMinutes });
  try {
    await r.mail.transport.send({ from: r.mail.from, to, subject: m.subject, text: m.text, html: m.html, messageId: `<mail-code-${c.id}.${bank.config.id}@inkan>` });
  } catch {
    // the code is unusable unless it arrived; the reason stays out of the answer (it may name hosts)
    throw new DomainError("mail_not_sent");
  }
  return { expiresAt };
}

/** mail_code_too_soon, saying the limits and when to ask again (the bank's local time, and in seconds). */
function tooSoonError(bank: BankContext, next: Date, now: Date): DomainError {
  const d = parseDuration(bank.policy.mailCodeInterval);
  const interval = Math.round((d.days * 86_400_000 + d.timeMs) / 1000);
  const time = formatLocalDateTime(next, bank.offsetMinutes).slice(11, 19);
  return new DomainError("mail_code_too_soon", { interval, perHour: bank.policy.mailCodesPerHour, time, seconds: secondsUntil(next, now) });
}
