import type { FastifyInstance } from "fastify";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { P } from "../../../i18n/portal-text.js";
import { Notice } from "../../views/layout.js";
import { RENEWAL_CHOICE, parseFields } from "../../views/request-input.js";
import { PortalPage, loggedIn, portalHandler, renewalState, type PortalDeps, sessionRoutes } from "../portal-context.js";
import { SubmitButton } from "../page-parts.js";

export function renewalSelectRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const routes = sessionRoutes(app, deps);

  // 証明書更新選択: right after login inside the window; renew now, or defer to the next login
  routes.get("/:bank/renewal/select", async (page, v) => {
    const r = renewalState(page, v);
    if (!r?.open) return page.redirect(page.url("/top"));
    return page.render({
      title: P.renewSelectTitle,
      screenId: "BRNW001",
      view: v,
      children: <RenewalSelectScreen page={page} v={v} r={r} />,
    });
  });

  app.post(
    "/:bank/renewal/select",
    portalHandler(deps, async (page) => {
      await loggedIn(page, true);
      const { choice } = parseFields(RENEWAL_CHOICE, page.req.body);
      return page.redirect(page.url(choice === "later" ? "/top" : "/renewal"));
    }),
  );
}

/** 証明書更新選択 (BRNW001): 「更新する」 (chosen at first) or 「次回ログイン時に更新する。」, then 実行. */
function RenewalSelectScreen({ page, v, r }: { page: PortalPage; v: SessionView; r: NonNullable<ReturnType<typeof renewalState>> }) {
  return (
    <form method="post" action={page.url("/renewal/select")}>
      <Notice kind="warning">
        <p>{page.t(P.renewSoon)}</p>
      </Notice>
      <p>{page.t(P.renewLead)}</p>
      <dl class="facts">
        <dt>{page.t(P.expiryLabel)}</dt>
        <dd>{page.date(r.notAfter)}</dd>
      </dl>
      <input type="hidden" name="csrf" value={v.csrf} />
      <fieldset>
        <legend>{page.t(P.renewSelectTitle)}</legend>
        <div class="field">
          <input type="radio" id="choice-renew" name="choice" value="renew" checked />
          <label for="choice-renew">{page.t(P.renewNow)}</label>
        </div>
        <div class="field">
          <input type="radio" id="choice-later" name="choice" value="later" />
          <label for="choice-later">{page.t(P.renewDefer)}</label>
        </div>
      </fieldset>
      <div class="actions">
        <SubmitButton page={page} label={P.execute} />
      </div>
    </form>
  );
}
