import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.js";
import { P } from "../../i18n/portal-text.js";
import { REFUSAL_TEXT, type CertificateRefusal } from "../../i18n/refusals.js";
import { Notice } from "../views/layout.js";
import { shownOnForm } from "../errors.js";
import { cookieValue, setCookie } from "../views/cookies.js";
import { Field, PortalPage, SESSION_COOKIE, field, portalHandler, query, refusalPage, type PortalDeps } from "./portal-context.js";
import { ErrorNotice, ButtonLink, SubmitButton } from "./page-parts.js";

/** ログイン: the certificate (if presented) names the user, who types only the login password. */
async function loginPage(page: PortalPage, error?: string, status = 200) {
  const peek = await page.deps.lifecycle.peekPresented(page.bankId, page.presented());
  const ended = query(page.req, "ended") === "1";
  const out = query(page.req, "out") === "1";
  return page.render({
    title: P.loginTitle,
    screenId: "BLGI001",
    status,
    children: (
      <>
        <ErrorNotice text={error} />
        {ended && !error && (
          <Notice kind="info">
            <p>{page.t(P.sessionEnded)}</p>
          </Notice>
        )}
        {out && !error && (
          <Notice kind="info">
            <p>{page.t(P.loggedOut)}</p>
          </Notice>
        )}
        <section aria-labelledby="cert-login">
          <h2 id="cert-login">{page.t(P.certLoginHeading)}</h2>
          {peek && "loginId" in peek ? (
            <form method="post" action={page.url("/login")}>
              <p>{page.t(P.certPresented, { loginId: peek.loginId })}</p>
              <Field id="cert-password" name="password" type="password" label={page.t(P.loginPassword)} autocomplete="current-password" required maxLength={64} />
              <div class="actions">
                <SubmitButton page={page} label={P.login} />
              </div>
            </form>
          ) : peek ? (
            <Notice kind="warning">
              <p>{page.t(P.certRefusedHint)}</p>
              <p>
                <a href={page.url(`/refused/${peek.refused}`)}>{page.t(P.refusalWayOut)}</a>
              </p>
            </Notice>
          ) : (
            <p>{page.t(P.certNotPresented)}</p>
          )}
          <p>{page.t(P.issueLead)}</p>
          <p>
            <ButtonLink page={page} href={"/certificate/issue"} label={P.issueButton} />
          </p>
        </section>
        <section aria-labelledby="id-login">
          <h2 id="id-login">{page.t(P.idLoginHeading)}</h2>
          <form method="post" action={page.url("/login")}>
            <Field id="login-id" name="loginId" label={page.t(P.loginId)} autocomplete="username" maxLength={12} />
            <Field id="id-password" name="password" type="password" label={page.t(P.loginPassword)} autocomplete="current-password" maxLength={64} />
            <div class="actions">
              <SubmitButton page={page} label={P.login} kind="secondary" />
            </div>
          </form>
        </section>
        <p>
          <a href={page.url("/help")}>{page.t(P.helpTitle)}</a>
        </p>
      </>
    ),
  });
}

export function loginRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  app.get("/:bank", portalHandler(deps, async (page) => page.redirect(page.url("/login"))));
  app.get("/:bank/", portalHandler(deps, async (page) => page.redirect(page.url("/login"))));
  app.get("/:bank/login", portalHandler(deps, (page) => loginPage(page)));

  app.post(
    "/:bank/login",
    portalHandler(deps, async (page) => {
      try {
        const r = await lifecycle.login(page.bankId, { presented: page.presented(), loginId: field(page.req, "loginId", 40), password: field(page.req, "password", 64) }, page.ctx);
        setCookie(page.reply, SESSION_COOKIE, r.sessionId);
        if (r.due === "change_password") return page.redirect(page.url("/password"));
        if (r.due === "enrol_otp") return page.redirect(page.url("/otp"));
        if (r.renewal?.open) return page.redirect(page.url("/renewal/select"));
        return page.redirect(page.url("/top"));
      } catch (e) {
        if (shownOnForm(e)) return loginPage(page, page.errorText(e), 401);
        throw e;
      }
    }),
  );

  app.get(
    "/:bank/refused/:id",
    portalHandler(deps, async (page) => {
      const cause = String(page.req.params.id ?? "unknown");
      return refusalPage(page, Object.hasOwn(REFUSAL_TEXT, cause) ? (cause as CertificateRefusal) : "unknown");
    }),
  );

  app.post(
    "/:bank/logout",
    portalHandler(deps, async (page) => {
      await lifecycle.logout(page.bankId, cookieValue(page.req, SESSION_COOKIE), page.ctx);
      setCookie(page.reply, SESSION_COOKIE, "", { maxAge: 0 });
      return page.redirect(page.url("/login?out=1"));
    }),
  );
}
