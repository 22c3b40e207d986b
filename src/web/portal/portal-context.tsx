import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { managesUsers, viewsOwnContract } from "../../domain/rights.js";
import { B } from "../../i18n/business-text.js";
import type { ComponentChildren } from "preact";
import { DomainError, type ErrorCode, type ErrorParams } from "../../domain/errors.js";
import { formatJaDateTime, formatLocalDateTime } from "../../domain/time-zone.js";
import { message } from "../../i18n/index.js";
import type { Locale } from "../../i18n/messages.js";
import { P } from "../../i18n/portal-text.js";
import { GRACE_WAY_OUT, REFUSAL_TEXT, type CertificateRefusal } from "../../i18n/refusals.js";
import { parseDuration } from "../../domain/duration.js";
import type { AcquisitionGrace } from "../../lifecycle/acquisition.js";
import type { BankContext, Lifecycle, SessionView } from "../../lifecycle/lifecycle.js";
import { presentedCertificate } from "../client-cert.js";
import { mapError, statusOf } from "../errors.js";
import { Layout, Notice, type LayoutProps } from "../views/layout.js";
import { localeOf } from "../views/locale.js";
import { SESSION_COOKIE, cookieValue } from "../views/cookies.js";
import { fieldOf } from "../views/request-input.js";
import { sendPage } from "../views/render.js";
import { tr, type Text } from "../views/text.js";
import { ButtonLink } from "./page-parts.js";

export { SESSION_COOKIE, GRANT_COOKIE } from "../views/cookies.js";

export type PortalReq = FastifyRequest<{ Params: { bank: string; id?: string }; Body: Record<string, unknown> | undefined; Querystring: Record<string, string | undefined> }>;

export interface PortalDeps {
  lifecycle: Lifecycle;
}

/** A form field as a bounded string (absent or not a string: empty). */
export function field(req: PortalReq, key: string, max = 200): string {
  return fieldOf(req.body, key, max);
}

export function query(req: PortalReq, key: string, max = 100): string {
  return fieldOf(req.query, key, max);
}

/** A screen's frame, declared once beside it: its title, its screen ID (as the seeds number them) and its menu item. */
export interface ScreenFrame {
  title: Text;
  screenId: string;
  current?: string;
}

/** What every page of one request shares: the bank, the language, the path. */
export class PortalPage {
  readonly locale: Locale;
  readonly bank: BankContext;
  readonly bankId: string;
  constructor(
    readonly deps: PortalDeps,
    readonly req: PortalReq,
    readonly reply: FastifyReply,
  ) {
    this.locale = localeOf(req);
    this.bankId = req.params.bank;
    this.bank = deps.lifecycle.bank(this.bankId); // bank_not_found for an unknown prefix
  }

  t(text: Text, params?: Record<string, string | number>): string {
    return tr(this.locale, text, params);
  }

  /** A moment as this person reads it: 2027年06月02日 08時59分59秒, or 2027-06-02 08:59:59 +09:00 in English. */
  date(at: Date): string {
    return this.locale === "ja" ? formatJaDateTime(at, this.bank.offsetMinutes) : formatLocalDateTime(at, this.bank.offsetMinutes);
  }

  url(path: string): string {
    return `/${this.bankId}${path}`;
  }

  get ctx() {
    return { address: this.req.ip };
  }

  presented(): Uint8Array | undefined {
    return presentedCertificate(this.req);
  }

  /** The logged-in session; changing requests carry the form's CSRF token. */
  async session(changing: boolean): Promise<SessionView> {
    const csrf = changing ? field(this.req, "csrf", 100) || String(this.req.headers["x-csrf-token"] ?? "") : null;
    return this.deps.lifecycle.session(this.bankId, { sessionId: cookieValue(this.req, SESSION_COOKIE), presented: this.presented(), csrf }, this.ctx);
  }

  nav(view: SessionView, current: string): LayoutProps["nav"] {
    const items: { href: string; label: Text; key: string }[] = [
      { key: "top", href: this.url("/top"), label: P.menuTop },
      { key: "notices", href: this.url("/notices"), label: P.menuNotices },
    ];
    // 管理 opens 業務選択 (企業管理, 利用者管理, 操作履歴照会), as the seeds' menu does
    if (managesUsers(view.actor) || viewsOwnContract(view.actor)) items.push({ key: "admin", href: this.url("/business"), label: P.menuAdmin });
    items.push({ key: "history", href: this.url("/history"), label: P.menuHistory });
    items.push({ key: "self", href: this.url("/self"), label: B.menuSelf });
    items.push({ key: "otp", href: this.url("/otp"), label: P.menuOtp });
    items.push({ key: "help", href: this.url("/help"), label: P.menuHelp });
    return items.map((i) => ({ href: i.href, label: i.label, current: i.key === current }));
  }

  render(o: ScreenFrame & { view?: SessionView; scripts?: string[]; status?: number; children: ComponentChildren }) {
    const b = this.bank.config;
    return sendPage(
      this.reply,
      <Layout
        locale={this.locale}
        title={o.title}
        screenId={o.screenId}
        brand={{ ja: b.nameJa, en: b.nameEn }}
        themeHref={`/assets/theme/${this.bankId}.css`}
        path={this.req.url}
        who={o.view ? { name: o.view.user.name, loginId: o.view.user.loginId, logoutAction: this.url("/logout"), csrf: o.view.csrf } : undefined}
        nav={o.view ? this.nav(o.view, o.current ?? "") : undefined}
        scripts={o.scripts}
      >
        {o.children}
      </Layout>,
      o.status,
    );
  }

  redirect(path: string) {
    return this.reply.code(303).header("cache-control", "no-store").header("location", path).send();
  }

  errorText(e: DomainError): string {
    return message(this.locale, e.code, e.params);
  }
}

/**
 * A logged-in page: the session, and what lifecycle/ says is due before anything else — the forced
 * password change, then the token's enrolment (only the enrolment screen itself passes `enrolling`).
 */
export async function loggedIn(page: PortalPage, changing = false, o: { enrolling?: boolean } = {}): Promise<SessionView> {
  const v = await page.session(changing);
  if (v.due === "change_password") throw new DomainError("password_change_required");
  if (v.due === "enrol_otp" && !o.enrolling) throw new DomainError("otp_enrolment_required");
  return v;
}

/**
 * A logged-in user's routes: each handler gets the page and the session, checked first by `who`
 * (loggedIn unless a screen needs less or more); a POST carries the form's CSRF token.
 */
export function sessionRoutes(app: FastifyInstance, deps: PortalDeps, who: (page: PortalPage, changing: boolean) => Promise<SessionView> = (page, changing) => loggedIn(page, changing)) {
  const route = (method: "get" | "post") => (path: string, handler: (page: PortalPage, v: SessionView) => Promise<unknown>) =>
    app[method](path, portalHandler(deps, async (page) => handler(page, await who(page, method === "post"))));
  return { get: route("get"), post: route("post") };
}

/** Where the session's certificate stands in its renewal window (lifecycle/ decides), as screens show it. */
export function renewalState(page: PortalPage, v: SessionView) {
  const w = page.deps.lifecycle.renewalWindow(page.bankId, v);
  return w && { open: w.state === "open", opens: w.opensAt, notAfter: w.notAfter };
}

/** The refusal screen: the seeds' sentence, then this cause's way out (an expired one: the grace period, lifecycle/ decides it). */
export async function refusalPage(page: PortalPage, cause: CertificateRefusal) {
  const wayOut = REFUSAL_TEXT[cause] ?? REFUSAL_TEXT.unknown;
  const grace = cause === "expired" ? await page.deps.lifecycle.presentedGrace(page.bankId, page.presented()) : undefined;
  return page.render({
    title: P.refusalTitle,
    screenId: "BERR001",
    status: 403,
    children: (
      <>
        <Notice kind="error">
          <p>{page.t(P.refusalHeadline)}</p>
        </Notice>
        <h2>{page.t(P.refusalWayOut)}</h2>
        <p>{wayOut[page.locale]}</p>
        {cause === "expired" && <GraceNotice page={page} grace={grace} />}
        <p>{page.t(P.refusalCloseBrowser)}</p>
        <div class="actions">
          <ButtonLink page={page} href={"/login"} label={P.toLogin} />
          <ButtonLink page={page} href={"/certificate/issue"} label={P.issueButton} />
          <ButtonLink page={page} href={"/help"} label={P.menuHelp} />
        </div>
      </>
    ),
  });
}

/**
 * 有効期限切れ: acquisition is possible only within the grace period — its length, the day it ends
 * for this holder (when the browser presents the certificate), and who resets it afterwards.
 */
function GraceNotice({ page, grace }: { page: PortalPage; grace: AcquisitionGrace | undefined }) {
  const days = grace?.days ?? parseDuration(page.bank.policy.graceAfterExpiry).days;
  return (
    <Notice kind="warning">
      <p>{page.t(P.graceOnly, { days })}</p>
      {grace && <p>{page.t(grace.open ? P.graceEndsOn : P.graceEnded, { days, date: page.date(grace.endsAt) })}</p>}
      <p>
        {grace?.open !== false && page.t(P.graceAfter)}
        {grace ? GRACE_WAY_OUT[grace.resetBy][page.locale] : page.t(P.graceAfterEither)}
      </p>
    </Notice>
  );
}

/**
 * Runs a page handler and turns what lifecycle/ refuses into a page: an ended session goes back to
 * the login screen, a refused certificate to the refusal screen, anything else to an error page in
 * the person's language. Unknown errors stay generic (details go to the log only).
 */
export function portalHandler(deps: PortalDeps, handler: (page: PortalPage) => Promise<unknown>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    let page: PortalPage;
    try {
      page = new PortalPage(deps, req as PortalReq, reply);
    } catch (e) {
      if (e instanceof DomainError) return errorPage(deps, req as PortalReq, reply, e);
      throw e;
    }
    try {
      return await handler(page);
    } catch (e) {
      if (!(e instanceof DomainError)) {
        const m = mapError(e, req);
        return errorPage(deps, req as PortalReq, reply, new DomainError(m.code, m.params), page);
      }
      if (e.code === "session_invalid") {
        // a revocation ends the holder's sessions: say why, rather than only "logged out"
        const peek = await deps.lifecycle.peekPresented(page.bankId, page.presented());
        if (peek && "refused" in peek) return refusalPage(page, peek.refused);
        return page.redirect(page.url("/login?ended=1"));
      }
      if (e.code === "password_change_required") return page.redirect(page.url("/password"));
      if (e.code === "otp_enrolment_required") return page.redirect(page.url("/otp"));
      if (e.code === "certificate_refused") return refusalPage(page, (e.params.cause as CertificateRefusal) ?? "unknown");
      return errorPage(deps, req as PortalReq, reply, e, page);
    }
  };
}

/**
 * The error page in the plain frame (no bank to dress it in: an unknown prefix, or a refusal made
 * before any route, as the cross-site check and the throttle make), in the person's language.
 */
function plainErrorPage(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, params: ErrorParams = {}) {
  const locale = localeOf(req);
  reply.header("cache-control", "no-store");
  return sendPage(
    reply,
    <Layout locale={locale} title={P.errorTitle} screenId="BERR002" brand={{ ja: "Inkan", en: "Inkan" }} path={req.url}>
      <Notice kind="error">
        <p>{message(locale, code, params)}</p>
      </Notice>
      <p>
        <a href="/">{tr(locale, P.banksTitle)}</a>
      </p>
    </Layout>,
    statusOf(code),
  );
}

/**
 * A refusal made before the route's handler (the cross-site check, the throttle) as a page: in the
 * bank's frame when the path names a bank we serve, else the plain one.
 */
export function portalRefusalPage(deps: PortalDeps, req: FastifyRequest, reply: FastifyReply, code: ErrorCode, params: ErrorParams = {}) {
  let page: PortalPage | undefined;
  try {
    page = typeof (req.params as { bank?: unknown } | undefined)?.bank === "string" ? new PortalPage(deps, req as PortalReq, reply) : undefined;
  } catch {
    page = undefined;
  }
  reply.header("cache-control", "no-store");
  return errorPage(deps, req as PortalReq, reply, new DomainError(code, params), page);
}

function errorPage(deps: PortalDeps, req: PortalReq, reply: FastifyReply, e: DomainError, page?: PortalPage) {
  const text = message(localeOf(req), e.code, e.params);
  if (!page) return plainErrorPage(req, reply, e.code, e.params);
  return page.render({
    title: P.errorTitle,
    screenId: "BERR002",
    status: statusOf(e.code),
    children: (
      <>
        <Notice kind="error">
          <p>{text}</p>
        </Notice>
        <div class="actions">
          <ButtonLink page={page} href={"/top"} label={P.toTop} />
          <ButtonLink page={page} href={"/login"} label={P.toLogin} />
        </div>
      </>
    ),
  });
}

/** A labelled input: the label, then the hint, tied to the field for screen readers. */
export function Field(p: { id: string; label: string; type?: string; name?: string; hint?: string; autocomplete?: string; required?: boolean; value?: string; inputmode?: string; maxLength?: number; pattern?: string }) {
  const hintId = p.hint ? `${p.id}-hint` : undefined;
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      {p.hint && (
        <span class="hint" id={hintId}>
          {p.hint}
        </span>
      )}
      <input id={p.id} name={p.name ?? p.id} type={(p.type ?? "text") as "text"} autoComplete={p.autocomplete} required={p.required} value={p.value} inputMode={p.inputmode as any} maxLength={p.maxLength} aria-describedby={hintId} pattern={p.pattern} />
    </div>
  );
}
