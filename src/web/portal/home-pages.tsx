import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.js";
import { P } from "../../i18n/portal-text.js";
import type { SessionView } from "../../lifecycle/lifecycle.js";
import { Notice } from "../views/layout.js";
import { sendError, shownOnForm } from "../errors.js";
import { Field, PortalPage, field, portalHandler, type PortalDeps, type PortalReq } from "./portal-context.js";
import { OtpSecret } from "./otp-secret-view.js";
import { IssueForm, issuedAnswer } from "./issue-form.js";

/** A logged-in page: the session, and the forced password change before anything else. */
async function loggedIn(page: PortalPage, changing = false): Promise<SessionView> {
  const v = await page.session(changing);
  if (v.user.mustChangePassword) throw new DomainError("password_change_required");
  return v;
}

function renewalState(page: PortalPage, v: SessionView) {
  const w = page.deps.lifecycle.renewalWindow(page.bankId, v);
  return w && { open: w.state === "open", opens: w.opensAt, notAfter: w.notAfter };
}

function renewalDays(r: { opens: Date; notAfter: Date } | null): number | string {
  return r ? Math.round((r.notAfter.getTime() - r.opens.getTime()) / 86_400_000) : "-";
}

export function homeRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const fmt = (page: PortalPage, d: Date) => page.date(d);

  // トップページ: 電子証明書有効期限 with [更新] inside the window, unread notices
  app.get(
    "/:bank/top",
    portalHandler(deps, async (page) => {
      const v = await loggedIn(page);
      const r = renewalState(page, v);
      const notices = await lifecycle.importantNotices(page.bankId, v);
      const unread = notices.filter((n) => n.readAt === null).length;
      return page.render({
        title: P.topTitle,
        screenId: "BTOP001",
        view: v,
        current: "top",
        children: (
          <>
            <p>{page.t(P.welcome, { name: v.user.name })}</p>
            {unread > 0 && (
              <Notice kind="warning">
                <p>
                  <a href={page.url("/notices")}>{page.t(P.unreadNotices, { count: unread })}</a>
                </p>
              </Notice>
            )}
            {r ? (
              <dl class="facts">
                <dt>{page.t(P.expiryLabel)}</dt>
                <dd>
                  {fmt(page, r.notAfter)}
                  {r.open && (
                    <>
                      {" "}
                      <a class="button primary" href={page.url("/renewal")}>
                        {page.t(P.renew)}
                      </a>
                    </>
                  )}
                </dd>
                <dt>{page.t(P.serial)}</dt>
                <dd class="mono">{v.cert!.serial}</dd>
              </dl>
            ) : (
              <p>{page.t(P.noCertificate)}</p>
            )}
            {r?.open && (
              <Notice kind="warning">
                <p>{page.t(P.expiryWithin)}</p>
              </Notice>
            )}
          </>
        ),
      });
    }),
  );

  // 証明書更新選択: right after login inside the window; renew now, or defer to the next login
  app.get(
    "/:bank/renewal/select",
    portalHandler(deps, async (page) => {
      const v = await loggedIn(page);
      const r = renewalState(page, v);
      if (!r?.open) return page.redirect(page.url("/top"));
      return page.render({
        title: P.renewSelectTitle,
        screenId: "BRNW001",
        view: v,
        children: (
          <form method="post" action={page.url("/renewal/select")}>
            <Notice kind="warning">
              <p>{page.t(P.renewSoon)}</p>
            </Notice>
            <p>{page.t(P.renewLead)}</p>
            <dl class="facts">
              <dt>{page.t(P.expiryLabel)}</dt>
              <dd>{fmt(page, r.notAfter)}</dd>
            </dl>
            <input type="hidden" name="csrf" value={v.csrf} />
            <fieldset>
              <legend>{page.t(P.renewSelectTitle)}</legend>
              <p>{page.t(P.renewNowHint)}</p>
              <div class="field">
                <input type="checkbox" id="defer" name="defer" value="1" />
                <label for="defer">{page.t(P.renewDefer)}</label>
              </div>
            </fieldset>
            <div class="actions">
              <button type="submit" class="primary">
                {page.t(P.execute)}
              </button>
            </div>
          </form>
        ),
      });
    }),
  );

  app.post(
    "/:bank/renewal/select",
    portalHandler(deps, async (page) => {
      await loggedIn(page, true);
      return page.redirect(page.url(field(page.req, "defer") === "1" ? "/top" : "/renewal"));
    }),
  );

  // 証明書発行確認 for renewal: password (and one-time password) again, a new key made in the page
  app.get(
    "/:bank/renewal",
    portalHandler(deps, async (page) => {
      const v = await loggedIn(page);
      const r = renewalState(page, v);
      const otp = page.bank.policy.otp.renewal;
      return page.render({
        title: P.renewConfirmTitle,
        screenId: "BRNW002",
        view: v,
        current: "top",
        scripts: r?.open ? ["/assets/issue.js"] : undefined,
        children: r?.open ? (
          <IssueForm page={page} endpoint={page.url("/renewal/csr")} csrf={v.csrf} fileName={v.user.loginId} lead={page.t(P.renewConfirmLead, { otp: otp ? page.t(P.issueAuthOtp) : "" })}>
            <Field id="password" type="password" label={page.t(P.loginPassword)} autocomplete="current-password" required maxLength={64} />
            {otp && <Field id="otp" label={page.t(P.otp)} hint={page.t(P.otpHint)} autocomplete="one-time-code" inputmode="numeric" required maxLength={6} />}
          </IssueForm>
        ) : (
          <Notice kind="info">
            <p>{page.t(P.renewNotOpen, { days: renewalDays(r), opens: r ? fmt(page, r.opens) : "-" })}</p>
          </Notice>
        ),
      });
    }),
  );

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

  // 重要なお知らせ: the user's own reminders, read and unread
  app.get(
    "/:bank/notices",
    portalHandler(deps, async (page) => {
      const v = await loggedIn(page);
      const list = await lifecycle.importantNotices(page.bankId, v);
      const expiry = v.cert ? fmt(page, v.cert.notAfter) : "-";
      return page.render({
        title: P.noticesTitle,
        screenId: "BNTC001",
        view: v,
        current: "notices",
        children:
          list.length === 0 ? (
            <p>{page.t(P.noNotices)}</p>
          ) : (
            <table>
              <caption>{page.t(P.noticesTitle)}</caption>
              <thead>
                <tr>
                  <th scope="col">{page.t(P.noticeDate)}</th>
                  <th scope="col">{page.t(P.noticeTitle)}</th>
                  <th scope="col">{page.t(P.state)}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((n) => (
                  <tr class={n.readAt === null ? "unread" : undefined}>
                    <td>{fmt(page, n.dueAt)}</td>
                    <td>
                      <p>{page.t(n.kind === "expired" ? P.noticeExpired : P.noticeRenew)}</p>
                      <p>{n.kind === "expired" ? page.t(P.noticeExpiredBody) : page.t(P.noticeRenewBody, { expiry })}</p>
                      {n.kind !== "expired" && <a href={page.url("/renewal")}>{page.t(P.noticeRenewLink)}</a>}
                    </td>
                    <td>
                      {n.readAt === null ? (
                        <form method="post" action={page.url(`/notices/${n.id}/read`)}>
                          <input type="hidden" name="csrf" value={v.csrf} />
                          <span>{page.t(P.unread)}</span>{" "}
                          <button type="submit" class="secondary">
                            {page.t(P.markRead)}
                          </button>
                        </form>
                      ) : (
                        page.t(P.read)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ),
      });
    }),
  );

  app.post(
    "/:bank/notices/:id/read",
    portalHandler(deps, async (page) => {
      const v = await loggedIn(page, true);
      await lifecycle.markNoticeRead(page.bankId, v, Number(page.req.params.id));
      return page.redirect(page.url("/notices"));
    }),
  );

  // ログインパスワード変更 (forced at first login and after a reset)
  const passwordPage = (page: PortalPage, v: SessionView, error?: string, done = false) =>
    page.render({
      title: P.passwordTitle,
      screenId: "BPWD001",
      view: v.user.mustChangePassword ? undefined : v,
      status: error ? 400 : 200,
      children: (
        <form method="post" action={page.url("/password")}>
          {error && (
            <Notice kind="error">
              <p>{error}</p>
            </Notice>
          )}
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
            <button type="submit" class="primary">
              {page.t(P.change)}
            </button>
          </div>
        </form>
      ),
    });

  app.get(
    "/:bank/password",
    portalHandler(deps, async (page) => passwordPage(page, await page.session(false))),
  );

  app.post(
    "/:bank/password",
    portalHandler(deps, async (page) => {
      const v = await page.session(true);
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
    }),
  );

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
            <a class="button secondary" href={page.url("/top")}>
              {page.t(P.toTop)}
            </a>
          </p>
        </>
      ) : (
        <form method="post" action={page.url("/otp")}>
          {o.error && (
            <Notice kind="error">
              <p>{o.error}</p>
            </Notice>
          )}
          <p>{page.t(P.otpLead)}</p>
          <input type="hidden" name="csrf" value={v.csrf} />
          <Field id="confirmPassword" type="password" label={page.t(P.confirmPassword)} autocomplete="off" required maxLength={64} />
          <div class="actions">
            <button type="submit" class="primary">
              {page.t(P.register)}
            </button>
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
