import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.js";
import { DISPLAY_STATUS_LABELS } from "../../i18n/certificate-status-text.js";
import { P } from "../../i18n/portal-text.js";
import type { Text } from "../../i18n/text.js";
import type { SessionView, UserListEntry } from "../../lifecycle/lifecycle.js";
import { Notice } from "../views/layout.js";
import { shownOnForm } from "../errors.js";
import { Field, field, portalHandler, query, type PortalDeps, type PortalPage } from "./portal-context.js";
import { OtpSecret } from "./otp-secret-view.js";
import { totpUri } from "../../credentials/totp.js";
import { grantableRoles, managesUsers } from "../../domain/rights.js";

const ROLE_LABELS: Record<string, Text> = {
  master: { ja: "マスターユーザ", en: "Master user" },
  admin: { ja: "管理者ユーザ", en: "Administrator" },
  general: { ja: "一般ユーザ", en: "General user" },
};

type Task = "revoke" | "suspend" | "resume" | "unlock" | "reset" | "password" | "change" | "delete";

/** The tasks of 作業内容選択 that act on one chosen user, confirmed with the 確認用パスワード. */
const TASKS: Record<Task, { label: Text; hint?: Text; screen: string; danger?: boolean }> = {
  revoke: { label: P.taskRevoke, hint: P.taskRevokeHint, screen: "BADM101", danger: true },
  suspend: { label: P.taskSuspend, screen: "BADM201" },
  resume: { label: P.taskResume, screen: "BADM211" },
  unlock: { label: P.taskUnlock, screen: "BADM221" },
  reset: { label: P.taskReset, hint: P.taskResetHint, screen: "BADM301", danger: true },
  password: { label: P.taskPassword, screen: "BADM401" },
  change: { label: P.taskChange, screen: "BADM501" },
  delete: { label: P.taskDelete, screen: "BADM601", danger: true },
};

function isTask(s: string): s is Task {
  return Object.hasOwn(TASKS, s);
}

/** The confirmation form's fields as the user-operations table's input (field names as the API's). */
function taskInput(page: PortalPage, task: Task) {
  if (task === "password") return { password: field(page.req, "newPassword", 64) };
  if (task !== "change") return {};
  const role = field(page.req, "role");
  return { name: field(page.req, "name", 60), email: field(page.req, "email", 200), ...(role === "admin" || role === "general" ? { role } : {}) };
}

async function manager(page: PortalPage, changing = false): Promise<SessionView> {
  const v = await page.session(changing);
  if (v.user.mustChangePassword) throw new DomainError("password_change_required");
  if (!managesUsers(v.actor)) throw new DomainError("not_permitted");
  return v;
}

function userState(page: PortalPage, e: UserListEntry): string {
  if (e.user.status === "suspended") return page.t(P.suspended);
  if (e.locked) return page.t(P.locked);
  return page.t(P.inService);
}

/** The facts of one user as the list, the confirmation and the result screens show them. */
function UserFacts({ page, e }: { page: PortalPage; e: UserListEntry }) {
  return (
    <dl class="facts">
      <dt>{page.t(P.loginId)}</dt>
      <dd>{e.user.loginId}</dd>
      <dt>{page.t(P.userName)}</dt>
      <dd>{e.user.name}</dd>
      <dt>{page.t(P.userKind)}</dt>
      <dd>{page.t(ROLE_LABELS[e.user.role]!)}</dd>
      <dt>{page.t(P.certStatus)}</dt>
      <dd>{DISPLAY_STATUS_LABELS[e.status][page.locale]}</dd>
      <dt>{page.t(P.certExpiry)}</dt>
      <dd>{e.current ? page.date(e.current.notAfter) : "-"}</dd>
      <dt>{page.t(P.userState)}</dt>
      <dd>{userState(page, e)}</dd>
    </dl>
  );
}

function RoleSelect({ page, value, onlyGeneral }: { page: PortalPage; value: string; onlyGeneral?: boolean }) {
  return (
    <div class="field">
      <label for="role">{page.t(P.userKind)}</label>
      <span class="hint" id="role-hint">
        {page.t(P.roleHint)}
      </span>
      <select id="role" name="role" aria-describedby="role-hint">
        {!onlyGeneral && (
          <option value="admin" selected={value === "admin"}>
            {page.t(ROLE_LABELS.admin!)}
          </option>
        )}
        <option value="general" selected={value !== "admin"}>
          {page.t(ROLE_LABELS.general!)}
        </option>
      </select>
    </div>
  );
}

/** 管理 → 利用者管理: 作業内容選択 → 利用者一覧 → 確認 (確認用パスワード) → 結果. */
export function adminRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const find = async (page: PortalPage, v: SessionView, loginId: string) => {
    const e = (await lifecycle.userList(page.bankId, v)).find((x) => x.user.loginId === loginId);
    if (!e) throw new DomainError("user_not_found");
    return e;
  };

  app.get(
    "/:bank/admin",
    portalHandler(deps, async (page) => {
      const v = await manager(page);
      return page.render({
        title: P.adminTitle,
        screenId: "BADM001",
        view: v,
        current: "admin",
        children: (
          <>
            <p>{page.t(P.adminLead)}</p>
            <ul class="steps">
              {(Object.keys(TASKS) as Task[]).map((t) => (
                <li>
                  <a href={page.url(`/admin/users?task=${t}`)}>{page.t(TASKS[t].label)}</a>
                  {TASKS[t].hint && <span class="hint"> — {page.t(TASKS[t].hint!)}</span>}
                </li>
              ))}
              <li>
                <a href={page.url("/admin/users/new")}>{page.t(P.taskAdd)}</a>
              </li>
              <li>
                <a href={page.url("/history")}>{page.t(P.historyTitle)}</a>
              </li>
            </ul>
          </>
        ),
      });
    }),
  );

  // 利用者一覧 (選択, ログインID, 利用者名, 利用者区分, 証明書状態, 証明書有効期限), sorted by login ID
  app.get(
    "/:bank/admin/users",
    portalHandler(deps, async (page) => {
      const v = await manager(page);
      const task = query(page.req, "task");
      if (!isTask(task)) return page.redirect(page.url("/admin"));
      const list = (await lifecycle.userList(page.bankId, v)).filter((e) => e.user.status !== "deleted" && (e.user.id !== v.user.id || task === "revoke"));
      return page.render({
        title: { ja: `${TASKS[task].label.ja}　${P.userListTitle.ja}`, en: `${TASKS[task].label.en}: ${P.userListTitle.en}` },
        screenId: TASKS[task].screen,
        view: v,
        current: "admin",
        children:
          list.length === 0 ? (
            <p>{page.t(P.noUsers)}</p>
          ) : (
            <form method="get" action={page.url("/admin/confirm")}>
              <input type="hidden" name="task" value={task} />
              <p>{page.t(P.listLead)}</p>
              <table>
                <caption>{page.t(P.userListTitle)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{page.t(P.select)}</th>
                    <th scope="col">{page.t(P.loginId)}</th>
                    <th scope="col">{page.t(P.userName)}</th>
                    <th scope="col">{page.t(P.userKind)}</th>
                    <th scope="col">{page.t(P.certStatus)}</th>
                    <th scope="col">{page.t(P.certExpiry)}</th>
                    <th scope="col">{page.t(P.userState)}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e, i) => (
                    <tr>
                      <td>
                        <input type="radio" name="user" id={`user-${i}`} value={e.user.loginId} required aria-label={`${page.t(P.select)} ${e.user.loginId}`} />
                      </td>
                      <td>
                        <label for={`user-${i}`}>{e.user.loginId}</label>
                      </td>
                      <td>{e.user.name}</td>
                      <td>{page.t(ROLE_LABELS[e.user.role]!)}</td>
                      <td>{DISPLAY_STATUS_LABELS[e.status][page.locale]}</td>
                      <td>{e.current ? page.date(e.current.notAfter) : "-"}</td>
                      <td>{userState(page, e)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div class="actions">
                <button type="submit" class="primary">
                  {page.t(P.next)}
                </button>
                <a class="button secondary" href={page.url("/admin")}>
                  {page.t(P.back)}
                </a>
              </div>
            </form>
          ),
      });
    }),
  );

  const confirmPage = async (page: PortalPage, v: SessionView, task: Task, loginId: string, error?: string) => {
    const e = await find(page, v, loginId);
    return page.render({
      title: { ja: `${TASKS[task].label.ja}確認`, en: `${TASKS[task].label.en}: confirm` },
      screenId: TASKS[task].screen.replace(/1$/, "2"),
      view: v,
      current: "admin",
      status: error ? 400 : 200,
      children: (
        <form method="post" action={page.url("/admin/confirm")}>
          {error && (
            <Notice kind="error">
              <p>{error}</p>
            </Notice>
          )}
          <p>{page.t(P.confirmLead)}</p>
          {task === "revoke" && (
            <Notice kind="warning">
              <p>{page.t(P.revokeWarning)}</p>
            </Notice>
          )}
          <UserFacts page={page} e={e} />
          <input type="hidden" name="csrf" value={v.csrf} />
          <input type="hidden" name="task" value={task} />
          <input type="hidden" name="user" value={loginId} />
          {/* one token per rendering: a second submission of this form is shown the first one's result */}
          <input type="hidden" name="submission" value={randomBytes(18).toString("base64url")} />
          {task === "password" && <Field id="newPassword" type="password" label={page.t(P.newTempPassword)} hint={page.t(P.passwordRules)} autocomplete="new-password" required maxLength={64} />}
          {task === "change" && (
            <>
              <Field id="name" label={page.t(P.userName)} value={e.user.name} required maxLength={30} />
              <Field id="email" type="email" label={page.t(P.email)} value={e.user.email ?? ""} maxLength={200} />
              {grantableRoles(v.actor).includes("admin") && <RoleSelect page={page} value={e.user.role} />}
            </>
          )}
          <Field id="confirmPassword" type="password" label={page.t(P.yourConfirm)} autocomplete="off" required maxLength={64} />
          <div class="actions">
            <button type="submit" class={TASKS[task].danger ? "danger" : "primary"}>
              {page.t(P.execute)}
            </button>
            <a class="button secondary" href={page.url(`/admin/users?task=${task}`)}>
              {page.t(P.back)}
            </a>
          </div>
        </form>
      ),
    });
  };

  app.get(
    "/:bank/admin/confirm",
    portalHandler(deps, async (page) => {
      const v = await manager(page);
      const task = query(page.req, "task");
      if (!isTask(task)) return page.redirect(page.url("/admin"));
      return confirmPage(page, v, task, query(page.req, "user", 40));
    }),
  );

  app.post(
    "/:bank/admin/confirm",
    portalHandler(deps, async (page) => {
      const v = await manager(page, true);
      const task = field(page.req, "task");
      const target = field(page.req, "user", 40);
      if (!isTask(task)) return page.redirect(page.url("/admin"));
      const confirm = field(page.req, "confirmPassword", 64);
      const done = page.url(`/admin/done?task=${task}&user=${encodeURIComponent(target)}`);
      const act = async () => {
        await lifecycle.userOperation(page.bankId, v, { name: task, target, input: taskInput(page, task), confirmPassword: confirm }, page.ctx);
        return done;
      };
      try {
        const r = await lifecycle.submitOnce(page.bankId, v, { token: field(page.req, "submission", 64), action: task }, act);
        if (r.first) return page.redirect(done);
        return page.redirect(r.result ? `${r.result}&again=1` : page.url(`/admin/done?task=${task}&user=${encodeURIComponent(target)}&running=1`));
      } catch (e) {
        if (shownOnForm(e)) return confirmPage(page, v, task, target, page.errorText(e));
        throw e;
      }
    }),
  );

  // 結果: the user as they are now (状態 失効済み after a revocation)
  app.get(
    "/:bank/admin/done",
    portalHandler(deps, async (page) => {
      const v = await manager(page);
      const task = query(page.req, "task");
      if (!isTask(task)) return page.redirect(page.url("/admin"));
      const e = (await lifecycle.userList(page.bankId, v)).find((x) => x.user.loginId === query(page.req, "user", 40));
      return page.render({
        title: { ja: `${TASKS[task].label.ja}結果`, en: `${TASKS[task].label.en}: result` },
        screenId: TASKS[task].screen.replace(/1$/, "3"),
        view: v,
        current: "admin",
        children: (
          <>
            {query(page.req, "again") === "1" ? (
              <Notice kind="info">
                <p>{page.t(P.alreadyDone)}</p>
              </Notice>
            ) : query(page.req, "running") === "1" ? (
              <Notice kind="info">
                <p>{page.t(P.stillRunning)}</p>
              </Notice>
            ) : (
              <Notice kind="success">
                <p>{page.t(P.doneLead)}</p>
              </Notice>
            )}
            {e ? (
              <UserFacts page={page} e={e} />
            ) : (
              <dl class="facts">
                <dt>{page.t(P.loginId)}</dt>
                <dd>{query(page.req, "user", 40)}</dd>
                <dt>{page.t(P.userState)}</dt>
                <dd>{page.t(P.deleted)}</dd>
              </dl>
            )}
            <div class="actions">
              <a class="button secondary" href={page.url("/admin")}>
                {page.t(P.toAdmin)}
              </a>
              <a class="button secondary" href={page.url("/top")}>
                {page.t(P.toTop)}
              </a>
            </div>
          </>
        ),
      });
    }),
  );
}

export { ROLE_LABELS };

/** 利用者登録: the actor picks the initial passwords; the new user changes them at first login. */
export function addUserRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const form = (page: PortalPage, v: SessionView, error?: string) =>
    page.render({
      title: P.userAddTitle,
      screenId: "BADM701",
      view: v,
      current: "admin",
      status: error ? 400 : 200,
      children: (
        <form method="post" action={page.url("/admin/users/new")}>
          {error && (
            <Notice kind="error">
              <p>{error}</p>
            </Notice>
          )}
          <input type="hidden" name="csrf" value={v.csrf} />
          <input type="hidden" name="submission" value={randomBytes(18).toString("base64url")} />
          <Field id="loginId" label={page.t(P.loginId)} hint={page.t(P.loginIdRules)} required maxLength={12} value={field(page.req, "loginId", 12)} />
          <Field id="name" label={page.t(P.userName)} required maxLength={30} value={field(page.req, "name", 30)} />
          <Field id="email" type="email" label={page.t(P.email)} maxLength={200} value={field(page.req, "email", 200)} />
          <RoleSelect page={page} value={field(page.req, "role") || "general"} onlyGeneral={!grantableRoles(v.actor).includes("admin")} />
          <Field id="initialPassword" type="password" label={page.t(P.initialPassword)} hint={page.t(P.passwordRules)} autocomplete="new-password" required maxLength={64} />
          <Field id="initialConfirm" type="password" label={page.t(P.initialConfirm)} autocomplete="new-password" required maxLength={64} />
          <Field id="confirmPassword" type="password" label={page.t(P.yourConfirm)} autocomplete="off" required maxLength={64} />
          <div class="actions">
            <button type="submit" class="primary">
              {page.t(P.register)}
            </button>
            <a class="button secondary" href={page.url("/admin")}>
              {page.t(P.back)}
            </a>
          </div>
        </form>
      ),
    });

  app.get("/:bank/admin/users/new", portalHandler(deps, async (page) => form(page, await manager(page))));
  app.post(
    "/:bank/admin/users/new",
    portalHandler(deps, async (page) => {
      const v = await manager(page, true);
      const loginId = field(page.req, "loginId", 40);
      const role = field(page.req, "role") === "admin" ? "admin" : "general";
      let added: { userNo: string; totpSecret: string } | undefined;
      try {
        const r = await lifecycle.submitOnce(page.bankId, v, { token: field(page.req, "submission", 64), action: "add" }, async () => {
          added = await lifecycle.addContractUser(page.bankId, v, { user: { loginId, name: field(page.req, "name", 60), email: field(page.req, "email", 200), role, password: field(page.req, "initialPassword", 64), confirmPassword: field(page.req, "initialConfirm", 64) }, confirmPassword: field(page.req, "confirmPassword", 64) }, page.ctx);
          return page.url(`/admin/done?task=change&user=${encodeURIComponent(loginId)}`);
        });
        if (!r.first || !added) return page.redirect(r.result ? `${r.result}&again=1` : page.url("/admin"));
      } catch (e) {
        if (shownOnForm(e)) return form(page, v, page.errorText(e));
        throw e;
      }
      const e = (await lifecycle.userList(page.bankId, v)).find((x) => x.user.loginId === loginId);
      const uri = totpUri(added.totpSecret, page.bank.config.nameEn, loginId);
      return page.render({
        title: { ja: `${P.userAddTitle.ja}結果`, en: `${P.userAddTitle.en}: result` },
        screenId: "BADM703",
        view: v,
        current: "admin",
        children: (
          <>
            <Notice kind="success">
              <p>{page.t(P.doneLead)}</p>
            </Notice>
            {e && <UserFacts page={page} e={e} />}
            <h2>{page.t(P.otpTitle)}</h2>
            <p>{page.t(P.addedOtpLead)}</p>
            <OtpSecret page={page} secret={added.totpSecret} uri={uri} />
            <div class="actions">
              <a class="button secondary" href={page.url("/admin")}>
                {page.t(P.toAdmin)}
              </a>
            </div>
          </>
        ),
      });
    }),
  );
}
