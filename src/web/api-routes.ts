import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.js";
import { DISPLAY_STATUS_LABELS } from "../i18n/certificate-status-text.js";
import { formatLocalDateTime } from "../domain/time-zone.js";
import { USER_OPERATION_NAMES, type Lifecycle, type SessionView } from "../lifecycle/lifecycle.js";
import { presentedCertificate } from "./client-cert.js";
import { P } from "../i18n/portal-text.js";
import { SESSION_COOKIE, cookieValue, setCookie } from "./views/cookies.js";
import { HISTORY_QUERY, USER_LIST_QUERY, fieldOf, parseFields } from "./views/request-input.js";
import { historyCsv } from "../audit/history.js";
import type { UserRole } from "../domain/roles.js";


type Req = FastifyRequest<{ Params: { bank: string; loginId?: string; id?: string }; Body: Record<string, unknown> | undefined }>;

const str = (body: Record<string, unknown> | undefined, key: string, max = 200): string => fieldOf(body, key, max);

/**
 * The JSON API of the customer side: login, the session, 利用者管理. Thin: parse, one lifecycle
 * call, render. Sessions live in a cookie bound to the client certificate they began with.
 */
export function apiRoutes(app: FastifyInstance, deps: { lifecycle: Lifecycle }) {
  const { lifecycle } = deps;
  const bankOf = (req: Req) => {
    lifecycle.bank(req.params.bank); // throws bank_not_found
    return req.params.bank;
  };
  const ctx = (req: Req) => ({ address: req.ip });
  const view = async (req: Req, changing: boolean): Promise<SessionView> => {
    const bank = bankOf(req);
    const v = await lifecycle.session(bank, { sessionId: cookieValue(req, SESSION_COOKIE), presented: presentedCertificate(req), csrf: changing ? String(req.headers["x-csrf-token"] ?? "") : null }, ctx(req));
    return v;
  };
  const userJson = (bank: string, v: SessionView) => {
    const b = lifecycle.bank(bank);
    return {
      loginId: v.user.loginId,
      userNo: v.user.userNo,
      name: v.user.name,
      role: v.user.role,
      certificate: v.cert ? { serial: v.cert.serial, notAfter: v.cert.notAfter.toISOString(), notAfterLocal: formatLocalDateTime(v.cert.notAfter, b.offsetMinutes) } : null,
    };
  };
  /** What lifecycle/ says is due comes first: the initial password's change, then the token's enrolment. */
  const mustHaveChangedPassword = (v: SessionView, o: { enrolling?: boolean } = {}) => {
    if (v.due === "change_password") throw new DomainError("password_change_required");
    if (v.due === "enrol_otp" && !o.enrolling) throw new DomainError("otp_enrolment_required");
  };

  app.post("/api/:bank/login", async (req: Req, reply: FastifyReply) => {
    const bank = bankOf(req);
    const r = await lifecycle.login(bank, { presented: presentedCertificate(req), loginId: str(req.body, "loginId", 40), password: str(req.body, "password") }, ctx(req));
    setCookie(reply, SESSION_COOKIE, r.sessionId);
    return reply.header("cache-control", "no-store").send({
      user: userJson(bank, r),
      csrf: r.csrf,
      passwordChangeRequired: r.passwordChangeRequired,
      due: r.due,
      renewal: r.renewal && { open: r.renewal.open, opensAt: r.renewal.opensAt.toISOString(), notAfter: r.renewal.notAfter.toISOString() },
    });
  });

  app.post("/api/:bank/logout", async (req: Req, reply) => {
    await lifecycle.logout(bankOf(req), cookieValue(req, SESSION_COOKIE), ctx(req));
    setCookie(reply, SESSION_COOKIE, "", { maxAge: 0 });
    return reply.send({ ok: true });
  });

  app.get("/api/:bank/me", async (req: Req) => {
    const v = await view(req, false);
    return { user: userJson(req.params.bank, v), passwordChangeRequired: v.user.mustChangePassword, due: v.due };
  });

  app.post("/api/:bank/password", async (req: Req) => {
    const v = await view(req, true);
    await lifecycle.changePassword(req.params.bank, v, { current: str(req.body, "current"), next: str(req.body, "next") }, ctx(req));
    return { ok: true };
  });

  // ワンタイムパスワードの登録: a new secret, shown once, for the user's authenticator app; it becomes
  // the user's token only when /otp/confirm gets a code from it (until then an old token works)
  app.post("/api/:bank/otp", async (req: Req, reply) => {
    const v = await view(req, true);
    mustHaveChangedPassword(v, { enrolling: true });
    const r = await lifecycle.startOneTimePasswordEnrolment(req.params.bank, v, str(req.body, "confirmPassword"), ctx(req));
    return reply.header("cache-control", "no-store").send({ ...r, confirmed: false });
  });
  app.post("/api/:bank/otp/confirm", async (req: Req) => {
    const v = await view(req, true);
    mustHaveChangedPassword(v, { enrolling: true });
    await lifecycle.confirmOneTimePasswordEnrolment(req.params.bank, v, str(req.body, "otp", 12), ctx(req));
    return { ok: true };
  });

  // 操作履歴照会: JSON, or CSV that Excel opens (UTF-8 with BOM)
  app.get("/api/:bank/history", async (req: Req, reply) => {
    const v = await view(req, false);
    mustHaveChangedPassword(v);
    const entries = await lifecycle.history(req.params.bank, v, parseFields(HISTORY_QUERY, req.query));
    if (fieldOf(req.query, "format") === "csv") {
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="history-${req.params.bank}.csv"`)
        .header("cache-control", "no-store")
        .send(historyCsv(entries));
    }
    return reply.header("cache-control", "no-store").send({ entries });
  });

  // 重要なお知らせ, fed by the same plan as the mail
  app.get("/api/:bank/notices", async (req: Req) => {
    const v = await view(req, false);
    const b = lifecycle.bank(req.params.bank);
    const list = await lifecycle.importantNotices(req.params.bank, v);
    return {
      notices: list.map((n) => ({
        id: n.id,
        kind: n.kind,
        title: n.kind === "ca_compromised" ? P.noticeCaCompromised : n.kind === "expired" ? P.noticeExpired : P.noticeRenew,
        link: n.kind === "expired" || n.kind === "ca_compromised" ? null : P.noticeRenewLink,
        due: formatLocalDateTime(n.dueAt, b.offsetMinutes),
        read: n.readAt !== null,
      })),
    };
  });

  app.post("/api/:bank/notices/:id/read", async (req: Req) => {
    const v = await view(req, true);
    const ok = await lifecycle.markNoticeRead(req.params.bank, v, Number(req.params.id));
    if (!ok) throw new DomainError("not_found");
    return { ok: true };
  });

  app.get("/api/:bank/users", async (req: Req) => {
    const v = await view(req, false);
    mustHaveChangedPassword(v);
    const b = lifecycle.bank(req.params.bank);
    const { sort, order } = parseFields(USER_LIST_QUERY, req.query);
    const list = await lifecycle.userList(req.params.bank, v, { key: sort, direction: order });
    return {
      users: list.map((e) => ({
        loginId: e.user.loginId,
        userNo: e.user.userNo,
        name: e.user.name,
        email: e.user.email,
        role: e.user.role,
        status: e.status,
        statusLabel: DISPLAY_STATUS_LABELS[e.status],
        notAfter: e.current ? formatLocalDateTime(e.current.notAfter, b.offsetMinutes) : null,
        suspended: e.user.status === "suspended",
        locked: e.locked,
      })),
    };
  });

  // 利用者登録: the new user's initial passwords are chosen here and must be changed at first login;
  // the new user enrols a one-time-password token at the first login (none is made here)
  app.post("/api/:bank/users", async (req: Req, reply) => {
    const v = await view(req, true);
    mustHaveChangedPassword(v);
    const b = req.body;
    const loginId = str(b, "loginId", 40);
    const r = await lifecycle.addContractUser(req.params.bank, v, { user: { loginId, name: str(b, "name", 100), email: str(b, "email", 300), role: str(b, "role", 20) as UserRole, password: str(b, "initialPassword", 40), confirmPassword: str(b, "initialConfirmPassword", 40) }, confirmPassword: str(b, "confirmPassword") }, ctx(req));
    return reply.header("cache-control", "no-store").send({ ok: true, user: { loginId, userNo: r.userNo } });
  });

  // the user-operations table (lifecycle/user-operations.ts): the body is the operation's input
  // (revoke: reason; change: name, email, role — only the fields sent change; password: the
  // temporary login password) beside the actor's confirmPassword; delete answers { ok, revoked }
  for (const name of USER_OPERATION_NAMES) {
    app.post(`/api/:bank/users/:loginId/${name}`, async (req: Req) => {
      const v = await view(req, true);
      mustHaveChangedPassword(v);
      const r: unknown = await lifecycle.userOperation(req.params.bank, v, { name, target: String(req.params.loginId), input: req.body, confirmPassword: str(req.body, "confirmPassword"), mailCode: str(req.body, "mailCode", 20) }, ctx(req));
      return { ok: true, ...(r && typeof r === "object" && !Array.isArray(r) ? r : {}) };
    });
  }
  // メール通知パスワード for the operations the table confirms by mail (suspend, resume): mailed to the actor
  app.post("/api/:bank/users/:loginId/:operation/mail-code", async (req: Req, reply) => {
    const v = await view(req, true);
    mustHaveChangedPassword(v);
    const p = req.params as unknown as { loginId: string; operation: string };
    const r = await lifecycle.sendMailCode(req.params.bank, v, { operation: String(p.operation), target: String(p.loginId) }, ctx(req));
    return reply.header("cache-control", "no-store").send({ ok: true, expiresAt: r.expiresAt.toISOString() });
  });
}
