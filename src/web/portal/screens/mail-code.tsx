import type { FastifyInstance } from "fastify";
import { parseDuration } from "../../../domain/duration.js";
import { MC } from "../../../i18n/mail-code-text.js";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { USER_OPERATIONS, isUserOperation } from "../../../lifecycle/user-operations.js";
import { Notice } from "../../views/layout.js";
import { retryAfter, shownOnForm, statusOf } from "../../errors.js";
import { Field, field, query, portalHandler, type PortalDeps, type PortalPage } from "../portal-context.js";
import { SubmitButton } from "../page-parts.js";
import { manager } from "./admin-parts.js";

/** Whether the user-operations table confirms this task by メール通知パスワード instead of the 確認用パスワード. */
export function confirmedByMail(task: string): boolean {
  return isUserOperation(task) && USER_OPERATIONS[task].confirmBy === "mail_code";
}

/** The minutes a mailed code stays good (the policy's mailCodeValidity), for the screen's words. */
const validMinutes = (page: PortalPage) => {
  const d = parseDuration(page.bank.policy.mailCodeValidity);
  return Math.max(1, Math.round((d.days * 86_400_000 + d.timeMs) / 60_000));
};

/** 「メール通知パスワードを送信」: its own form beside the confirmation (forms do not nest). */
export function MailCodeSend({ page, v, task, loginId }: { page: PortalPage; v: SessionView; task: string; loginId: string }) {
  return (
    <form method="post" action={page.url("/admin/mail-code")} class="mail-code">
      {query(page.req, "sent") === "1" && (
        <Notice kind="success">
          <p>{page.t(MC.sent, { minutes: validMinutes(page) })}</p>
        </Notice>
      )}
      <p>{page.t(MC.lead, { email: v.user.email || "-", minutes: validMinutes(page) })}</p>
      <p class="hint">{page.t(MC.delay)}</p>
      <input type="hidden" name="csrf" value={v.csrf} />
      <input type="hidden" name="task" value={task} />
      <input type="hidden" name="user" value={loginId} />
      <SubmitButton page={page} label={MC.send} kind="secondary" />
    </form>
  );
}

/** The code's field in the confirmation form, where the 確認用パスワード would be. */
export function MailCodeField({ page }: { page: PortalPage }) {
  return <Field id="mailCode" label={page.t(MC.field)} hint={page.t(MC.fieldHint)} autocomplete="one-time-code" inputmode="numeric" required maxLength={6} />;
}

/** POST /admin/mail-code: lifecycle/ decides the right and how often, and mails the code; back to the confirmation. */
export function mailCodeRoutes(app: FastifyInstance, deps: PortalDeps, confirmPage: (page: PortalPage, v: SessionView, task: string, loginId: string, error?: string, status?: number) => unknown) {
  app.post(
    "/:bank/admin/mail-code",
    portalHandler(deps, async (page) => {
      const v = await manager(page, true);
      const task = field(page.req, "task");
      const target = field(page.req, "user", 40);
      try {
        await deps.lifecycle.sendMailCode(page.bankId, v, { operation: task, target }, page.ctx);
      } catch (e) {
        if (shownOnForm(e)) {
          // too soon: the confirmation again, saying when, with the 429's Retry-After
          retryAfter(page.reply, e.code, e.params);
          return confirmPage(page, v, task, target, page.errorText(e), statusOf(e.code));
        }
        throw e;
      }
      return page.redirect(page.url(`/admin/confirm?task=${encodeURIComponent(task)}&user=${encodeURIComponent(target)}&sent=1`));
    }),
  );
}
