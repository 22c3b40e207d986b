import type { FastifyInstance } from "fastify";
import { P } from "../../../i18n/portal-text.js";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { shownOnForm } from "../../errors.js";
import { Field, PortalPage, field, loggedIn, sessionRoutes, type PortalDeps } from "../portal-context.js";
import { OtpSecret } from "../otp-secret-view.js";
import { ErrorNotice, ButtonLink, SubmitButton, FormActions } from "../page-parts.js";

type Stage = { step: "password" } | { step: "code"; shown?: { secret: string; uri: string } } | { step: "done" };

/**
 * ワンタイムパスワード登録 (BOTP001): the 確認用パスワード, then the QR code and the key shown once
 * with a field for a code from the authenticator, which confirms the new secret — until then a
 * token the user had keeps working. While lifecycle/ says the enrolment is due (the first login at
 * a bank whose policy asks for one-time passwords), every other screen sends the user here and
 * this one shows no menu.
 */
export function otpRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;

  const otpPage = (page: PortalPage, v: SessionView, stage: Stage, error?: string) => {
    const forced = v.due === "enrol_otp";
    return page.render({
      title: P.otpTitle,
      screenId: stage.step === "done" ? "BOTP003" : stage.step === "code" ? "BOTP002" : "BOTP001",
      view: forced ? undefined : v,
      current: "otp",
      status: error ? 400 : 200,
      children: (
        <>
          {forced && stage.step !== "done" && (
            <Notice kind="warning">
              <p>{page.t(P.otpForcedLead)}</p>
            </Notice>
          )}
          {stage.step === "password" && (
            <form method="post" action={page.url("/otp")}>
              <ErrorNotice text={error} />
              <p>{page.t(P.otpLead)}</p>
              <input type="hidden" name="csrf" value={v.csrf} />
              <Field id="confirmPassword" type="password" label={page.t(P.confirmPassword)} autocomplete="off" required maxLength={64} />
              <div class="actions">
                <SubmitButton page={page} label={P.next} />
              </div>
            </form>
          )}
          {stage.step === "code" && (
            <>
              {stage.shown && (
                <>
                  <p>{page.t(P.otpShown)}</p>
                  <OtpSecret page={page} secret={stage.shown.secret} uri={stage.shown.uri} />
                </>
              )}
              <form method="post" action={page.url("/otp/confirm")}>
                <ErrorNotice text={error} />
                <p>{page.t(P.otpConfirmLead)}</p>
                <input type="hidden" name="csrf" value={v.csrf} />
                <Field id="otp" label={page.t(P.otp)} hint={page.t(P.otpHint)} autocomplete="one-time-code" inputmode="numeric" required maxLength={6} />
                <FormActions page={page} submit={P.register} back={{ href: "/otp", label: P.otpStartOver }} />
              </form>
            </>
          )}
          {stage.step === "done" && (
            <>
              <Notice kind="success">
                <p>{page.t(P.otpDone)}</p>
              </Notice>
              <p>
                <ButtonLink page={page} href={"/top"} label={P.toTop} kind="primary" />
              </p>
            </>
          )}
        </>
      ),
    });
  };

  // the one screen a due enrolment lets through
  const routes = sessionRoutes(app, deps, (page, changing) => loggedIn(page, changing, { enrolling: true }));
  routes.get("/:bank/otp", async (page, v) => otpPage(page, v, { step: "password" }));
  routes.post("/:bank/otp", async (page, v) => {
    try {
      const shown = await lifecycle.startOneTimePasswordEnrolment(page.bankId, v, field(page.req, "confirmPassword", 64), page.ctx);
      return otpPage(page, v, { step: "code", shown });
    } catch (e) {
      if (shownOnForm(e)) return otpPage(page, v, { step: "password" }, page.errorText(e));
      throw e;
    }
  });
  routes.post("/:bank/otp/confirm", async (page, v) => {
    try {
      await lifecycle.confirmOneTimePasswordEnrolment(page.bankId, v, field(page.req, "otp", 12), page.ctx);
    } catch (e) {
      // the key was shown once: a wrong code is tried again without it (or the user starts over)
      if (shownOnForm(e)) return otpPage(page, v, { step: "code" }, page.errorText(e));
      throw e;
    }
    // the session as lifecycle/ sees it now: nothing is due any more, so the menu comes back
    return otpPage(page, await page.session(false), { step: "done" });
  });
}
