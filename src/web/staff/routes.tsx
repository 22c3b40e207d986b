import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { S, type StaffTextKey } from "../../i18n/staff-text.js";
import { tr, type Text } from "../views/text.js";
import { LANG_COOKIE, localeOf } from "../views/locale.js";
import { setCookie } from "../views/cookies.js";
import { safeBack, text } from "../views/request-input.js";
import { presentedCertificate } from "../client-cert.js";
import { mapError, shownOnForm, statusOf } from "../errors.js";
import { DomainError, isDomainError, type ErrorCode, type ErrorParams } from "../../domain/errors.js";
import type { BankRight } from "../../domain/rights.js";
import { formatLocalDateTime } from "../../domain/time-zone.js";
import type { StaffConsole } from "../../lifecycle/staff-console.js";
import type { UserRecord } from "../../store/store.js";
import type { StaffServerDeps } from "../staff-server.js";
import * as P from "./screens/index.js";

const PORTAL_CSS = readFileSync(new URL("../assets/portal.css", import.meta.url), "utf8");
const STAFF_CSS = readFileSync(new URL("../assets/staff.css", import.meta.url), "utf8");

declare module "fastify" {
  interface FastifyRequest {
    staff?: StaffConsole;
  }
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined>; Body: Record<string, string | undefined> }>;

/** The form token of a staff certificate: HMAC of its serial. No session to keep: every request carries the certificate. */
export function staffCsrfToken(key: Uint8Array, serial: string): string {
  return createHmac("sha256", key).update(`inkan-staff-csrf:${serial}`).digest("base64url");
}

function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== "string" || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function send(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send("<!doctype html>" + renderToString(page));
}

/** A query or form value as text (bounded: a form never sends more). */
const str = (v: unknown) => text(4096).parse(v);

/** The outcome of a submitted form, kept with its one-time token so a repeat shows it again. */
type Outcome = { ok: true; text: StaffTextKey; params: Record<string, string | number>; links: Array<[string, StaffTextKey]> } | { ok: false; code: ErrorCode; params: ErrorParams };

interface ActionSpec {
  right: BankRight;
  /** the action name audited when an unpermitted staff member tries it */
  audit: string;
  what: Text;
  fields: string[];
  danger?: boolean;
  /** the form again, with what was typed (never passwords) and the error */
  form: (c: P.PageCtx, values: P.Values, error?: P.PageError) => Promise<VNode>;
  back: (values: P.Values) => string;
  /** checks the input and says what will happen; throws a DomainError for bad input */
  facts: (con: StaffConsole, values: P.Values) => Promise<P.Fact[]>;
  run: (con: StaffConsole, values: P.Values) => Promise<Outcome>;
}

const ok = (text: StaffTextKey, params: Record<string, string | number>, links: Array<[string, StaffTextKey]> = [["/", "toDashboard"]]): Outcome => ({ ok: true, text, params, links });
const reasonText = (k: string) => P.REASONS.find(([r]) => r === k)?.[1] ?? { ja: k, en: k };

/** The confirmation facts of a paper form about one user: who, then `more`, then the form's reference. */
async function paperUserFacts(con: StaffConsole, v: P.Values, more: (u: UserRecord) => P.Fact[]): Promise<P.Fact[]> {
  const ref = (v.reference ?? "").trim();
  if (!ref) throw new DomainError("paper_reference_required");
  const x = await con.userByLoginId(v.loginId ?? "");
  return [[S.loginId, x.user.loginId], [S.userName, x.user.name], [S.contract, `${x.contract.code} ${x.contract.name}`], ...more(x.user), [S.reference, ref]];
}

async function contractOf(con: StaffConsole, code: string) {
  return (await con.contract(code)).contract;
}

const ACTIONS: Record<string, ActionSpec> = {
  "contract-open": {
    right: "contract.open",
    audit: "contract.add",
    what: S.contractOpenTitle,
    fields: ["code", "name", "method"],
    form: async (c, v, e) => <P.ContractOpenPage c={c} values={v} error={e} />,
    back: () => "/contracts/new",
    facts: async (con, v) => {
      const x = await con.checkOpenContract({ code: v.code ?? "", name: v.name ?? "", method: v.method ?? "" });
      return [
        [S.contractCode, x.code],
        [S.contractName, x.name],
        [S.loginMethod, x.loginMethod === "certificate" ? `${S.methodCertificate.ja} / ${S.methodCertificate.en}` : `${S.methodPassword.ja} / ${S.methodPassword.en}`],
      ];
    },
    run: async (con, v) => {
      await con.openContract({ code: v.code ?? "", name: v.name ?? "", method: v.method ?? "" });
      const code = (v.code ?? "").trim();
      return ok("resultContractOpened", { code, name: (v.name ?? "").trim() }, [
        [`/contracts/${encodeURIComponent(code)}`, "details"],
        ["/contracts", "menuContracts"],
      ]);
    },
  },
  "contract-certificate": {
    right: "contract.change",
    audit: "contract.login_method",
    what: S.contractCertificateTitle,
    fields: ["code"],
    form: async (c, v, e) => {
      const d = await c.con.contract(v.code ?? "");
      return e ? <P.ErrorPage c={c} error={e} /> : <P.ContractPage c={c} contract={d.contract} users={d.users} />;
    },
    back: (v) => `/contracts/${encodeURIComponent(v.code ?? "")}`,
    facts: async (con, v) => {
      const k = await contractOf(con, v.code ?? "");
      return [
        [S.contractCode, k.code],
        [S.contractName, k.name],
        [S.loginMethod, `${S.methodCertificate.ja} / ${S.methodCertificate.en}`],
      ];
    },
    run: async (con, v) => {
      const code = v.code ?? "";
      const changed = await con.enableCertificateMethod(code);
      return ok(changed ? "resultCertificateEnabled" : "resultCertificateAlready", { code }, [[`/contracts/${encodeURIComponent(code)}`, "details"]]);
    },
  },
  "master-register": {
    right: "user.register_master",
    audit: "user.add",
    what: S.masterTitle,
    fields: ["code", "loginId", "name", "email", "password", "confirmPassword"],
    form: async (c, v, e) => <P.MasterPage c={c} contract={await contractOf(c.con, v.code ?? "")} values={v} error={e} />,
    back: (v) => `/contracts/${encodeURIComponent(v.code ?? "")}/master`,
    facts: async (con, v) => {
      const k = await con.checkMaster(v.code ?? "", master(v));
      return [
        [S.contract, `${k.code} ${k.name}`],
        [S.loginId, (v.loginId ?? "").trim()],
        [S.userName, (v.name ?? "").trim()],
        [S.email, (v.email ?? "").trim()],
        [S.userKind, `${S.kindMaster.ja} / ${S.kindMaster.en}`],
        [S.initialPassword, `${S.entered.ja} ${S.entered.en}`],
        [S.initialConfirmPassword, `${S.entered.ja} ${S.entered.en}`],
      ];
    },
    run: async (con, v) => {
      const r = await con.registerMaster(v.code ?? "", master(v));
      const code = v.code ?? "";
      return ok("resultMasterRegistered", { loginId: (v.loginId ?? "").trim(), userNo: r.userNo }, [
        [`/contracts/${encodeURIComponent(code)}/users`, "showUsers"],
        [`/contracts/${encodeURIComponent(code)}`, "backToContract"],
      ]);
    },
  },
  revoke: {
    right: "certificate.revoke",
    audit: "certificate.revoke",
    what: S.revokeTitle,
    fields: ["target", "reason", "reference"],
    danger: true,
    form: async (c, v, e) => <P.RevokePage c={c} values={v} error={e} />,
    back: (v) => `/revoke?target=${encodeURIComponent(v.target ?? "")}`,
    facts: async (con, v) => {
      const reason = v.reason ?? "";
      if (!P.REASONS.some(([r]) => r === reason)) throw new DomainError("revocation_reason_invalid", { reason: reason.slice(0, 40) });
      const ref = (v.reference ?? "").trim();
      if (!ref) throw new DomainError("paper_reference_required");
      const x = await con.revocationTarget(v.target ?? "");
      const off = con.bank.offsetMinutes;
      return [
        [S.loginId, x.user.loginId],
        [S.userName, x.user.name],
        [S.contract, `${x.contract.code} ${x.contract.name}`],
        [S.certificates, x.certificates.map((c) => `${c.serial}（${formatLocalDateTime(c.notAfter, off)}）`).join(", ")],
        [S.reason, `${reasonText(reason).ja} / ${reasonText(reason).en}`],
        [S.reference, ref],
      ];
    },
    run: async (con, v) => {
      const r = await con.revoke(v.target ?? "", v.reason ?? "", v.reference);
      return ok("resultRevoked", { loginId: r.loginId, serials: r.serials.join(", ") });
    },
  },
  reset: {
    right: "certificate.reset",
    audit: "certificate.reset",
    what: S.resetTitle,
    fields: ["loginId", "reference"],
    danger: true,
    form: async (c, v, e) => <P.UserFormPage c={c} kind="reset" values={v} error={e} />,
    back: (v) => `/reset?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) => paperUserFacts(con, v, (u) => [[S.userKind, `${kind(u.role).ja} / ${kind(u.role).en}`]]),
    run: async (con, v) => {
      const serials = await con.reset(v.loginId ?? "", v.reference);
      return ok("resultReset", { loginId: (v.loginId ?? "").trim(), serials: serials.join(", ") || "-" });
    },
  },
  unlock: {
    right: "user.unlock",
    audit: "user.unlock",
    what: S.unlockTitle,
    fields: ["loginId", "reference"],
    form: async (c, v, e) => <P.UserFormPage c={c} kind="unlock" values={v} error={e} />,
    back: (v) => `/unlock?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) =>
      paperUserFacts(con, v, (u) => [
        [S.failedLogins, String(u.failedLogins)],
        [S.failedConfirms, String(u.failedConfirms)],
      ]),
    run: async (con, v) => {
      await con.unlock(v.loginId ?? "", v.reference);
      return ok("resultUnlocked", { loginId: (v.loginId ?? "").trim() });
    },
  },
  crl: {
    right: "crl.rebuild",
    audit: "crl.rebuild",
    what: S.crlTitle,
    fields: [],
    form: async (c, _v, e) => (e ? <P.ErrorPage c={c} error={e} /> : <P.CrlPage c={c} crl={c.con.crlStatus()} />),
    back: () => "/crl",
    facts: async (con) => {
      const s = con.crlStatus();
      return [[S.crlNumber, s ? String(s.number) : "-"]];
    },
    run: async (con) => ok("resultCrl", { number: await con.rebuildCrl() }, [["/crl", "crlTitle"]]),
  },
};

/** What running an action came to: its result, or what lifecycle/ refused. */
async function outcomeOf(spec: ActionSpec, con: StaffConsole, values: P.Values): Promise<Outcome> {
  try {
    return await spec.run(con, values);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return { ok: false, code: e.code, params: e.params };
  }
}

function master(v: P.Values) {
  return { loginId: v.loginId ?? "", name: v.name ?? "", email: v.email ?? "", password: v.password ?? "", confirmPassword: v.confirmPassword ?? "" };
}
function kind(role: string): Text {
  return role === "master" ? S.kindMaster : role === "admin" ? S.kindAdmin : S.kindGeneral;
}

/** The staff console's pages and forms, on the staff listener (see staff-server.ts). */
export async function staffRoutes(app: FastifyInstance, deps: StaffServerDeps): Promise<void> {
  const ctxOf = (req: FastifyRequest): P.PageCtx => {
    const con = req.staff!;
    return { locale: localeOf(req), path: req.url, con, csrf: staffCsrfToken(deps.csrfKey, con.who.serial) };
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
    // the token ties the form to this certificate; a browser sends no such field from another site
    if (!sameToken(req.body?.csrf, c.csrf) || req.headers["sec-fetch-site"] === "cross-site") {
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
    await c.con.submitOnce({ token, action: name }, async () => JSON.stringify(await outcomeOf(spec, c.con, valuesOf(req, spec))));
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
