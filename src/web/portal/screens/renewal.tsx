import type { FastifyInstance } from "fastify";
import { DomainError } from "../../../domain/errors.js";
import { P } from "../../../i18n/portal-text.js";
import type { OtpDemand } from "../../../domain/one-time-password.js";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { sendError } from "../../errors.js";
import { Field, PortalPage, field, loggedIn, portalHandler, renewalState, type PortalDeps, type PortalReq, sessionRoutes } from "../portal-context.js";
import { IssueForm, issuedAnswer } from "../issue-form.js";
import { ButtonLink } from "../page-parts.js";

function renewalDays(r: { opens: Date; notAfter: Date } | null): number | string {
  return r ? Math.round((r.notAfter.getTime() - r.opens.getTime()) / 86_400_000) : "-";
}

export function renewalRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const routes = sessionRoutes(app, deps);

  // 証明書発行確認 for renewal: password (and one-time password) again, a new key made in the page
  routes.get("/:bank/renewal", async (page, v) => {
    const r = renewalState(page, v);
    const demand = lifecycle.oneTimePasswordDemand(page.bankId, "renewal", v);
    return page.render({
      title: P.renewConfirmTitle,
      screenId: "BRNW002",
      view: v,
      current: "top",
      scripts: r?.open ? ["/assets/issue.js"] : undefined,
      children: <RenewalScreen page={page} v={v} r={r} demand={demand} />,
    });
  });

  app.post("/:bank/renewal/csr", async (req, reply) => {
    const r = req as PortalReq;
    try {
      const page = new PortalPage(deps, r, reply);
      const v = await loggedIn(page, true);
      const issued = await lifecycle.renew(page.bankId, { presented: page.presented(), loginId: v.user.loginId, password: field(r, "password", 64), otp: field(r, "otp", 12) || undefined, csrBody: field(r, "csr", 20_000) }, page.ctx);
      return reply.header("cache-control", "no-store").send(issuedAnswer(page, issued));
    } catch (e) {
      if (e instanceof DomainError) return sendError(req, reply, e.code, e.params);
      throw e;
    }
  });
}

/** 証明書発行確認 (更新) (BRNW002): the form inside the window, the way to enrol first, or when the window opens. */
function RenewalScreen({ page, v, r, demand }: { page: PortalPage; v: SessionView; r: ReturnType<typeof renewalState>; demand: OtpDemand }) {
  const otp = demand === "ask";
  if (r?.open && demand === "enrol_first")
    return (
      <>
        <Notice kind="warning">
          <p>{page.errorText(new DomainError("otp_enrol_first"))}</p>
        </Notice>
        <p>
          <ButtonLink page={page} href={"/otp"} label={P.otpTitle} kind="primary" />
        </p>
      </>
    );
  if (r?.open)
    return (
      <IssueForm page={page} endpoint={page.url("/renewal/csr")} csrf={v.csrf} fileName={v.user.loginId} lead={page.t(P.renewConfirmLead, { otp: otp ? page.t(P.issueAuthOtp) : "" })} resultScreenId="BRNW003">
        <Field id="password" type="password" label={page.t(P.loginPassword)} autocomplete="current-password" required maxLength={64} />
        {otp && <Field id="otp" label={page.t(P.otp)} hint={page.t(P.otpHint)} autocomplete="one-time-code" inputmode="numeric" required maxLength={6} />}
      </IssueForm>
    );
  return (
    <Notice kind="info">
      <p>{page.t(P.renewNotOpen, { days: renewalDays(r), opens: r ? page.date(r.opens) : "-" })}</p>
    </Notice>
  );
}
