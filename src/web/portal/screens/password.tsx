import type { FastifyInstance } from "fastify";
import { P } from "../../../i18n/portal-text.js";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { shownOnForm } from "../../errors.js";
import { Field, PortalPage, field, renewalState, sessionRoutes, type PortalDeps } from "../portal-context.js";
import { ErrorNotice, SubmitButton } from "../page-parts.js";

export function passwordRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;

  // ログインパスワード変更 (forced at first login and after a reset)
  const passwordPage = (page: PortalPage, v: SessionView, error?: string, done = false) =>
    page.render({
      title: P.passwordTitle,
      screenId: "BPWD001",
      view: v.user.mustChangePassword ? undefined : v,
      status: error ? 400 : 200,
      children: (
        <form method="post" action={page.url("/password")}>
          <ErrorNotice text={error} />
          {done && (
            <Notice kind="success">
              <p>{page.t(P.passwordChanged)}</p>
            </Notice>
          )}
          {v.user.mustChangePassword && (
            <Notice kind="warning">
              <p>{page.t(P.passwordForced)}</p>
            </Notice>
          )}
          <input type="hidden" name="csrf" value={v.csrf} />
          <Field id="current" type="password" label={page.t(P.currentPassword)} autocomplete="current-password" required maxLength={64} />
          <Field id="next" type="password" label={page.t(P.newPassword)} hint={page.t(P.passwordRules)} autocomplete="new-password" required maxLength={64} />
          <Field id="again" type="password" label={page.t(P.newPasswordAgain)} autocomplete="new-password" required maxLength={64} />
          <div class="actions">
            <SubmitButton page={page} label={P.change} />
          </div>
        </form>
      ),
    });

  // the session alone: this is the screen a due password change leads to
  const routes = sessionRoutes(app, deps, (page, changing) => page.session(changing));
  routes.get("/:bank/password", async (page, v) => passwordPage(page, v));
  routes.post("/:bank/password", async (page, v) => {
    const next = field(page.req, "next", 64);
    if (next !== field(page.req, "again", 64)) return passwordPage(page, v, page.t(P.passwordMismatch));
    try {
      await lifecycle.changePassword(page.bankId, v, { current: field(page.req, "current", 64), next }, page.ctx);
    } catch (e) {
      if (shownOnForm(e)) return passwordPage(page, v, page.errorText(e));
      throw e;
    }
    const r = renewalState(page, v);
    return page.redirect(page.url(r?.open ? "/renewal/select" : "/top"));
  });
}
