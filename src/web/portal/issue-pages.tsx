import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.js";
import { P } from "../../i18n/portal-text.js";
import { Notice } from "../views/layout.js";
import { cookieValue, setCookie } from "../views/cookies.js";
import { sendError, shownOnForm } from "../errors.js";
import { Field, GRANT_COOKIE, PortalPage, field, portalHandler, type PortalDeps, type PortalReq } from "./portal-context.js";
import { IssueForm, issuedAnswer } from "./issue-form.js";
import { APP_DOWNLOAD_PATH } from "../app-download-routes.js";
import { ErrorNotice, ButtonLink, SubmitButton, FormActions } from "./page-parts.js";

function authPage(page: PortalPage, error?: string, status = 200) {
  // the user is not known yet: the field is for those who have a token (lifecycle/ decides)
  const otp = page.deps.lifecycle.oneTimePasswordDemand(page.bankId, "acquisition") === "if_enrolled";
  return page.render({
    title: P.issueAuthTitle,
    screenId: "BCIS001",
    status,
    children: (
      <>
      <form method="post" action={page.url("/certificate/issue")}>
        <ErrorNotice text={error} />
        <p>{page.t(P.issueAuthLead, { otp: "" })}</p>
        <Field id="loginId" label={page.t(P.loginId)} autocomplete="username" required maxLength={12} />
        <Field id="password" type="password" label={page.t(P.loginPassword)} autocomplete="current-password" required maxLength={64} />
        {otp && <Field id="otp" label={page.t(P.otp)} hint={page.t(P.issueAuthOtpIfEnrolled)} autocomplete="one-time-code" inputmode="numeric" maxLength={6} />}
        <FormActions page={page} submit={P.authenticate} back={{ href: "/login", label: P.back }} />
      </form>
      <section>
        <h2>{page.t(P.appDownloadHeading)}</h2>
        <p>{page.t(P.appDownloadLead)}</p>
        <a class="button secondary" href={APP_DOWNLOAD_PATH} download>
          {page.t(P.appDownload)}
        </a>
      </section>
      </>
    ),
  });
}

/**
 * 電子証明書発行 from the login screen: 証明書取得認証 (checked once, a short grant follows) →
 * 証明書発行確認 (the page makes the key and sends the CSR) → 証明書発行結果 → 閉じる.
 */
export function issueRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const grantPath = (bank: string) => `/${bank}/certificate`;
  app.get("/:bank/certificate/issue", portalHandler(deps, async (page) => authPage(page)));

  app.post(
    "/:bank/certificate/issue",
    portalHandler(deps, async (page) => {
      try {
        const g = await lifecycle.openIssueGrant(page.bankId, { loginId: field(page.req, "loginId", 40), password: field(page.req, "password", 64), otp: field(page.req, "otp", 12) || undefined }, page.ctx);
        setCookie(page.reply, GRANT_COOKIE, g.grantId, { path: grantPath(page.bankId) });
        return page.redirect(page.url("/certificate/issue/confirm"));
      } catch (e) {
        if (shownOnForm(e)) return authPage(page, page.errorText(e), 400);
        throw e;
      }
    }),
  );

  app.get(
    "/:bank/certificate/issue/confirm",
    portalHandler(deps, async (page) => {
      let holder;
      try {
        holder = await lifecycle.issueGrantHolder(page.bankId, cookieValue(page.req, GRANT_COOKIE));
      } catch (e) {
        if (e instanceof DomainError && e.code === "session_invalid") return page.redirect(page.url("/certificate/issue"));
        throw e;
      }
      return page.render({
        title: P.issueConfirmTitle,
        screenId: "BCIS002",
        scripts: ["/assets/issue.js"],
        children: <IssueForm page={page} endpoint={page.url("/certificate/issue/csr")} csrf={holder.csrf} fileName={holder.user.loginId} lead={page.t(P.issueConfirmLead, { loginId: holder.user.loginId })} resultScreenId="BCIS003" />,
      });
    }),
  );

  // the page's CSR: answered in JSON for the script
  app.post("/:bank/certificate/issue/csr", async (req, reply) => {
    const r = req as PortalReq;
    const bank = r.params.bank;
    try {
      const issued = await lifecycle.acquireWithGrant(bank, { grantId: cookieValue(r, GRANT_COOKIE), csrf: field(r, "csrf", 100) || String(r.headers["x-csrf-token"] ?? ""), csr: field(r, "csr", 20_000) }, { address: r.ip });
      return reply.header("cache-control", "no-store").send(issuedAnswer(new PortalPage(deps, r, reply), issued));
    } catch (e) {
      if (e instanceof DomainError) return sendError(req, reply, e.code, e.params);
      throw e;
    }
  });

  // 閉じる: the grant ends, back to the login screen
  app.get(
    "/:bank/certificate/close",
    portalHandler(deps, async (page) => {
      await lifecycle.closeIssueGrant(page.bankId, cookieValue(page.req, GRANT_COOKIE));
      setCookie(page.reply, GRANT_COOKIE, "", { path: grantPath(page.bankId), maxAge: 0 });
      return page.redirect(page.url("/login"));
    }),
  );
}
