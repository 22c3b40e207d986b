import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { S } from "../../i18n/staff-text.js";
import { tr, type Text } from "../views/text.js";
import { LANG_COOKIE, localeOf } from "../views/locale.js";
import { setCookie } from "../views/cookies.js";
import { safeBack, text } from "../views/request-input.js";
import { presentedCertificate } from "../client-cert.js";
import { mapError, shownOnForm, statusOf } from "../errors.js";
import { DomainError } from "../../domain/errors.js";
import type { BankRight } from "../../domain/rights.js";
import type { StaffConsole } from "../../lifecycle/staff-console.js";
import type { StaffServerDeps } from "../staff-server.js";
import * as P from "./screens/index.js";
import { ACTIONS, contractOf, oncePage, outcomeOf, type ActionSpec, type Once, type Outcome } from "./actions.js";
import { staffSession, staffTokenMatches, type StaffSession } from "./staff-session.js";

const PORTAL_CSS = readFileSync(new URL("../assets/portal.css", import.meta.url), "utf8");
const STAFF_CSS = readFileSync(new URL("../assets/staff.css", import.meta.url), "utf8");

declare module "fastify" {
  interface FastifyRequest {
    staff?: StaffConsole;
    staffSession?: StaffSession;
  }
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined>; Body: Record<string, string | undefined> }>;

function send(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send("<!doctype html>" + renderToString(page));
}

/** A query or form value as text (bounded: a form never sends more). */
const str = (v: unknown) => text(4096).parse(v);

/** The staff console's pages and forms, on the staff listener (see staff-server.ts). */
export async function staffRoutes(app: FastifyInstance, deps: StaffServerDeps): Promise<void> {
  const ctxOf = (req: FastifyRequest): P.PageCtx => {
    const con = req.staff!;
    return { locale: localeOf(req), path: req.url, con, csrf: req.staffSession!.csrf };
  };

  app.setErrorHandler((err, req, reply) => {
    const { code, params } = mapError(err, req, deps.bodyLimit);
    const page = req.staff ? <P.ErrorPage c={ctxOf(req)} error={{ code, params }} /> : <P.BareErrorPage error={{ code, params }} path={req.url} />;
    return send(reply, page, statusOf(code));
  });
  app.setNotFoundHandler((req, reply) => send(reply, req.staff ? <P.ErrorPage c={ctxOf(req)} error={{ code: "not_found" }} /> : <P.BareErrorPage error={{ code: "not_found" }} path={req.url} />, 404));

  // before any page: who presents this certificate? Assets and the language switch need no one.
  app.addHook("preHandler", async (req, reply) => {
    const path = req.url.split("?")[0]!;
    if (path.startsWith("/assets/") || path.startsWith("/lang/")) return;
    const r = await deps.lifecycle.identifyStaff(presentedCertificate(req));
    if ("refused" in r) {
      req.log.warn({ cause: r.refused, address: req.ip }, "staff certificate refused");
      return send(reply, <P.RefusalPage cause={r.refused} path={req.url} />, 403);
    }
    req.staff = deps.lifecycle.staffConsole(r.who, { address: req.ip });
    // every form of every page carries this session's token (PageCtx.csrf → PostForm)
    req.staffSession = staffSession(req, reply, deps.csrfKey, r.who.serial, deps.clock.now());
  });

  app.get("/assets/portal.css", async (_req, reply) => reply.type("text/css; charset=utf-8").send(PORTAL_CSS));
  app.get("/assets/staff.css", async (_req, reply) => reply.type("text/css; charset=utf-8").send(STAFF_CSS));
  app.get("/lang/:locale", async (req: Req, reply) => {
    setCookie(reply, LANG_COOKIE, req.params.locale === "en" ? "en" : "ja", { maxAge: 365 * 86400 });
    return reply.code(303).header("location", safeBack(req.query.back)).send();
  });

  // ---- pages (reads)
  app.get("/", async (req, reply) => send(reply, <P.DashboardPage c={ctxOf(req)} d={await req.staff!.dashboard()} />));
  app.get("/contracts", async (req, reply) => send(reply, <P.ContractsPage c={ctxOf(req)} contracts={await req.staff!.contracts()} />));
  app.get("/contracts/new", async (req, reply) => {
    const c = ctxOf(req);
    if (!c.con.can("contract.open")) throw new DomainError("not_permitted");
    return send(reply, <P.ContractOpenPage c={c} values={{}} />);
  });
  app.get("/contracts/:code", async (req: Req, reply) => {
    const d = await req.staff!.contract(req.params.code!);
    return send(reply, <P.ContractPage c={ctxOf(req)} contract={d.contract} users={d.users} />);
  });
  app.get("/contracts/:code/users", async (req: Req, reply) => {
    const d = await req.staff!.contract(req.params.code!);
    return send(reply, <P.UsersPage c={ctxOf(req)} contract={d.contract} users={d.users} />);
  });
  app.get("/contracts/:code/master", async (req: Req, reply) => {
    const c = ctxOf(req);
    if (!c.con.can("user.register_master")) throw new DomainError("not_permitted");
    return send(reply, <P.MasterPage c={c} contract={await contractOf(c.con, req.params.code!)} values={{}} />);
  });
  const formPage = (path: string, right: BankRight, page: (c: P.PageCtx, q: Record<string, string | undefined>) => VNode) =>
    app.get(path, async (req: Req, reply) => {
      const c = ctxOf(req);
      if (!c.con.can(right)) throw new DomainError("not_permitted");
      return send(reply, page(c, req.query));
    });
  formPage("/revoke", "certificate.revoke", (c, q) => <P.RevokePage c={c} values={{ target: str(q.target) }} />);
  formPage("/reset", "certificate.reset", (c, q) => <P.UserFormPage c={c} kind="reset" values={{ loginId: str(q.loginId) }} />);
  formPage("/unlock", "user.unlock", (c, q) => <P.UserFormPage c={c} kind="unlock" values={{ loginId: str(q.loginId) }} />);
  formPage("/otp-reset", "user.otp_reset", (c, q) => <P.UserFormPage c={c} kind="otp-reset" values={{ loginId: str(q.loginId) }} />);
  formPage("/otp-register", "user.otp_register", (c, q) => <P.UserFormPage c={c} kind="otp-register" values={{ loginId: str(q.loginId) }} />);
  formPage("/reissue", "user.password_reissue", (c, q) => <P.UserFormPage c={c} kind="password-reissue" values={{ loginId: str(q.loginId) }} />);
  formPage("/crl", "crl.rebuild", (c) => <P.CrlPage c={c} crl={c.con.crlStatus()} />);

  app.get("/audit", async (req: Req, reply) => {
    const c = ctxOf(req);
    const values: P.Values = {};
    for (const k of ["from", "to", "contract", "loginId", "operation"]) if (str(req.query[k])) values[k] = str(req.query[k]).slice(0, 60);
    const searched = Object.keys(req.query).length > 0;
    if (!searched) {
      await c.con.authorize("audit.view", "audit.view");
      return send(reply, <P.AuditPage c={c} values={values} />);
    }
    try {
      const r = await c.con.auditSearch(values);
      return send(reply, <P.AuditPage c={c} values={values} rows={r.rows} more={r.more} />);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      return send(reply, <P.AuditPage c={c} values={values} error={{ code: e.code, params: e.params }} />, statusOf(e.code));
    }
  });
  app.get("/audit/verify", async (req, reply) => send(reply, <P.VerifyPage c={ctxOf(req)} v={await req.staff!.auditVerify()} />));

  // ---- changes: form → confirmation → 実行 → result
  const checkForm = async (req: Req, reply: FastifyReply, spec: ActionSpec): Promise<P.PageCtx | undefined> => {
    const c = ctxOf(req);
    // the token ties the form to this staff session (another site's page was refused before: origin-check.ts)
    if (!staffTokenMatches(req.body?.csrf, req.staffSession!)) {
      req.log.warn({ staff: c.con.who.staffId, address: req.ip }, "staff form without a valid token");
      send(reply, <P.RefusalPage cause="csrf" path={req.url} />, 403);
      return undefined;
    }
    // an auditor is refused here, and the attempt is audited
    await c.con.authorize(spec.right, spec.audit);
    return c;
  };
  const valuesOf = (req: Req, spec: ActionSpec): P.Values => {
    const v: P.Values = {};
    for (const f of spec.fields) v[f] = str(req.body?.[f]).slice(0, 256);
    return v;
  };
  const withoutSecrets = (v: P.Values): P.Values => {
    const { password: _p, confirmPassword: _c, ...rest } = v;
    return rest;
  };

  app.post("/confirm/:action", async (req: Req, reply) => {
    const spec = ACTIONS[req.params.action!];
    if (!spec) throw new DomainError("not_found");
    const c = await checkForm(req, reply, spec);
    if (!c) return reply;
    const values = valuesOf(req, spec);
    let facts: P.Fact[];
    try {
      facts = await spec.facts(c.con, values);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      return send(reply, await spec.form(c, withoutSecrets(values), { code: e.code, params: e.params }), statusOf(e.code));
    }
    const token = randomBytes(24).toString("base64url");
    return send(reply, <P.ConfirmPage c={c} what={spec.what} action={req.params.action!} facts={facts} hidden={values} token={token} back={spec.back(values)} danger={spec.danger} />);
  });

  app.post("/execute/:action", async (req: Req, reply) => {
    const name = req.params.action!;
    const spec = ACTIONS[name];
    if (!spec) throw new DomainError("not_found");
    const c = await checkForm(req, reply, spec);
    if (!c) return reply;
    const token = str(req.body?.token);
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) throw new DomainError("csrf_invalid");
    // the first submission of this confirmation acts; any repeat (double click, reload, resend)
    // is sent to the first one's result. A refusal is the result too (shown again on a repeat).
    let once: Once | undefined;
    await c.con.submitOnce({ token, action: name }, async () => {
      const { once: letter, ...outcome } = await outcomeOf(spec, c.con, valuesOf(req, spec));
      once = letter;
      return JSON.stringify(outcome);
    });
    // a letter is this answer itself (no-store, like every answer here): only the first 実行 has
    // it, and a reload or resend of this POST is a repeat, sent to the result without it
    if (once) return send(reply, oncePage(c, once, deps.portalUrl, `/result/${token}`));
    return reply.code(303).header("location", `/result/${token}`).send();
  });

  app.get("/result/:token", async (req: Req, reply) => {
    const c = ctxOf(req);
    const token = req.params.token!;
    const sub = /^[A-Za-z0-9_-]{32}$/.test(token) ? await c.con.submission(token) : undefined;
    if (!sub) throw new DomainError("not_found");
    const what = ACTIONS[sub.action]?.what ?? S.dashboardTitle;
    if (sub.result === null) return send(reply, <P.ResultPage c={c} what={what} inProgress links={[["/", S.toDashboard]]} />, 409);
    const o = JSON.parse(sub.result) as Outcome;
    if (!o.ok) return send(reply, <P.ResultPage c={c} what={what} error={{ code: o.code, params: o.params }} links={[["/", S.toDashboard]]} />, statusOf(o.code));
    return send(reply, <P.ResultPage c={c} what={what} text={tr(c.locale, S[o.text], o.params)} links={o.links.map(([href, k]) => [href, S[k]] as [string, Text])} />);
  });

}
