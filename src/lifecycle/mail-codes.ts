import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import { newMailCode } from "../credentials/mail-code.js";
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
 * メール通知パスワードの送信: after the rights table allowed the operation on the target, a new code
 * (six digits, good once for `mailCodeValidity`) is recorded as a keyed hash and mailed to the acting
 * user over the mail transport. The audit record names the operation and the target, never the code.
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
  await deps.store.write(bank.config.id, async (w) => {
    await w.addMailCode({ id: c.id, userId: who.user.id, purpose: mailCodePurpose(right, r.target), codeHash: c.hash, at: now, expiresAt });
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: "mail_code.send", contractId: who.user.contractId, targetUserId: target!.id, result: "ok", detail: { operation: right, target: r.target } });
  });
  const m = renderMailCode({ bank: { nameJa: bank.config.nameJa, nameEn: bank.config.nameEn }, recipient: { name: who.user.name }, operation: r.operation === "resume" ? P.taskResume : P.taskSuspend, target: r.target, code: c.code, expiresAt, offsetMinutes: bank.offsetMinutes });
  try {
    await r.mail.transport.send({ from: r.mail.from, to, subject: m.subject, text: m.text, html: m.html, messageId: `<mail-code-${c.id}.${bank.config.id}@inkan>` });
  } catch {
    // the code is unusable unless it arrived; the reason stays out of the answer (it may name hosts)
    throw new DomainError("mail_not_sent");
  }
  return { expiresAt };
}
