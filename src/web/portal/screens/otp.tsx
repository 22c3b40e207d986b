import type { FastifyInstance } from "fastify";
import { P } from "../../../i18n/portal-text.js";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { Notice } from "../../views/layout.js";
import { shownOnForm } from "../../errors.js";
import { Field, PortalPage, field, loggedIn, portalHandler, type PortalDeps } from "../portal-context.js";
import { OtpSecret } from "../otp-secret-view.js";
import { ErrorNotice, ButtonLink, SubmitButton } from "../page-parts.js";

export function otpRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;

  // ワンタイムパスワード登録: the QR code for the user's authenticator app, shown once
  const otpPage = (page: PortalPage, v: SessionView, o: { error?: string; enrolled?: { secret: string; uri: string } } = {}) =>
    page.render({
      title: P.otpTitle,
      screenId: "BOTP001",
      view: v,
      current: "otp",
      status: o.error ? 400 : 200,
      children: o.enrolled ? (
        <>
          <Notice kind="success">
            <p>{page.t(P.otpShown)}</p>
          </Notice>
          <OtpSecret page={page} secret={o.enrolled.secret} uri={o.enrolled.uri} />
          <p>
            <ButtonLink page={page} href={"/top"} label={P.toTop} />
          </p>
        </>
      ) : (
        <form method="post" action={page.url("/otp")}>
          <ErrorNotice text={o.error} />
          <p>{page.t(P.otpLead)}</p>
          <input type="hidden" name="csrf" value={v.csrf} />
          <Field id="confirmPassword" type="password" label={page.t(P.confirmPassword)} autocomplete="off" required maxLength={64} />
          <div class="actions">
            <SubmitButton page={page} label={P.register} />
          </div>
        </form>
      ),
    });

  app.get(
    "/:bank/otp",
    portalHandler(deps, async (page) => otpPage(page, await loggedIn(page))),
  );
  app.post(
    "/:bank/otp",
    portalHandler(deps, async (page) => {
      const v = await loggedIn(page, true);
      try {
        const enrolled = await lifecycle.enrolOneTimePassword(page.bankId, v, field(page.req, "confirmPassword", 64), page.ctx);
        return otpPage(page, v, { enrolled });
      } catch (e) {
        if (shownOnForm(e)) return otpPage(page, v, { error: page.errorText(e) });
        throw e;
      }
    }),
  );
}
