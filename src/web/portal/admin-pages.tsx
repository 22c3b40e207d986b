import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.js";
import { P } from "../../i18n/portal-text.js";
import type { SessionView } from "../../lifecycle/lifecycle.js";
import { Notice } from "../views/layout.js";
import { shownOnForm } from "../errors.js";
import { Field, field, query, sessionRoutes, type PortalDeps, type PortalPage } from "./portal-context.js";
import { grantableRoles } from "../../domain/rights.js";
import { ErrorNotice, ButtonLink, SubmitButton, FormActions } from "./page-parts.js";
import { USER_LIST_QUERY, parseFields } from "../views/request-input.js";
import { MailCodeField, MailCodeSend, confirmedByMail, mailCodeRoutes } from "./screens/mail-code.js";
import { ROLE_LABELS, TASKS, RoleSelect, UserFacts, isTask, manager, taskInput, type Task } from "./screens/admin-parts.js";
import { AdminMenuScreen } from "./screens/admin-menu.js";
import { UserListScreen } from "./screens/user-list.js";
import { TaskResultScreen } from "./screens/task-result.js";
import { UserAddedScreen } from "./screens/user-added.js";

/** 管理 → 利用者管理: 作業内容選択 → 利用者一覧 → 確認 (確認用パスワード) → 結果. */
export function adminRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const managed = sessionRoutes(app, deps, manager);
  const find = async (page: PortalPage, v: SessionView, loginId: string) => {
    const e = (await lifecycle.userList(page.bankId, v)).find((x) => x.user.loginId === loginId);
    if (!e) throw new DomainError("user_not_found");
    return e;
  };

  managed.get("/:bank/admin", async (page, v) => {
    return page.render({
      title: P.adminTitle,
      screenId: "BADM001",
      view: v,
      current: "admin",
      children: <AdminMenuScreen page={page} />,
    });
  });

  // 利用者一覧 (選択, ログインID, 利用者名, 利用者区分, 証明書状態, 証明書有効期限) in the chosen 並び順
  managed.get("/:bank/admin/users", async (page, v) => {
    const task = query(page.req, "task");
    if (!isTask(task)) return page.redirect(page.url("/admin"));
    const { sort, order } = parseFields(USER_LIST_QUERY, page.req.query);
    const list = (await lifecycle.userList(page.bankId, v, { key: sort, direction: order })).filter((e) => e.user.status !== "deleted" && (e.user.id !== v.user.id || task === "revoke"));
    return page.render({
      title: { ja: `${TASKS[task].label.ja}　${P.userListTitle.ja}`, en: `${TASKS[task].label.en}: ${P.userListTitle.en}` },
      screenId: TASKS[task].screen,
      view: v,
      current: "admin",
      children: <UserListScreen page={page} task={task} list={list} order={{ key: sort, direction: order }} />,
    });
  });

  const confirmPage = async (page: PortalPage, v: SessionView, task: Task, loginId: string, error?: string, status = 400) => {
    const e = await find(page, v, loginId);
    return page.render({
      title: { ja: `${TASKS[task].label.ja}確認`, en: `${TASKS[task].label.en}: confirm` },
      screenId: TASKS[task].screen.replace(/1$/, "2"),
      view: v,
      current: "admin",
      status: error ? status : 200,
      children: (
        <>
        {confirmedByMail(task) && <MailCodeSend page={page} v={v} task={task} loginId={loginId} />}
        <form method="post" action={page.url("/admin/confirm")}>
          <ErrorNotice text={error} />
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
          {confirmedByMail(task) ? <MailCodeField page={page} /> : <Field id="confirmPassword" type="password" label={page.t(P.yourConfirm)} autocomplete="off" required maxLength={64} />}
          <div class="actions">
            <button type="submit" class={TASKS[task].danger ? "danger" : "primary"}>
              {page.t(P.execute)}
            </button>
            <ButtonLink page={page} href={`/admin/users?task=${task}`} label={P.back} />
          </div>
        </form>
        </>
      ),
    });
  };

  mailCodeRoutes(app, deps, (page, v, task, loginId, error, status) => (isTask(task) ? confirmPage(page, v, task, loginId, error, status) : page.redirect(page.url("/admin"))));

  managed.get("/:bank/admin/confirm", async (page, v) => {
    const task = query(page.req, "task");
    if (!isTask(task)) return page.redirect(page.url("/admin"));
    return confirmPage(page, v, task, query(page.req, "user", 40));
  });

  managed.post("/:bank/admin/confirm", async (page, v) => {
    const task = field(page.req, "task");
    const target = field(page.req, "user", 40);
    if (!isTask(task)) return page.redirect(page.url("/admin"));
    const confirm = field(page.req, "confirmPassword", 64);
    const done = page.url(`/admin/done?task=${task}&user=${encodeURIComponent(target)}`);
    const act = async () => {
      await lifecycle.userOperation(page.bankId, v, { name: task, target, input: taskInput(page, task), confirmPassword: confirm, mailCode: field(page.req, "mailCode", 20) }, page.ctx);
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
  });

  // 結果: the user as they are now (状態 失効済み after a revocation)
  managed.get("/:bank/admin/done", async (page, v) => {
    const task = query(page.req, "task");
    if (!isTask(task)) return page.redirect(page.url("/admin"));
    const e = (await lifecycle.userList(page.bankId, v)).find((x) => x.user.loginId === query(page.req, "user", 40));
    return page.render({
      title: { ja: `${TASKS[task].label.ja}結果`, en: `${TASKS[task].label.en}: result` },
      screenId: TASKS[task].screen.replace(/1$/, "3"),
      view: v,
      current: "admin",
      children: <TaskResultScreen page={page} task={task} e={e} />,
    });
  });
}

export { ROLE_LABELS };

/** 利用者登録: the actor picks the initial passwords; the new user changes them at first login. */
export function addUserRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const managed = sessionRoutes(app, deps, manager);
  const form = (page: PortalPage, v: SessionView, error?: string) =>
    page.render({
      title: P.userAddTitle,
      screenId: "BADM701",
      view: v,
      current: "admin",
      status: error ? 400 : 200,
      children: (
        <form method="post" action={page.url("/admin/users/new")}>
          <ErrorNotice text={error} />
          <input type="hidden" name="csrf" value={v.csrf} />
          <input type="hidden" name="submission" value={randomBytes(18).toString("base64url")} />
          <Field id="loginId" label={page.t(P.loginId)} hint={page.t(P.loginIdRules)} required maxLength={12} value={field(page.req, "loginId", 12)} />
          <Field id="name" label={page.t(P.userName)} required maxLength={30} value={field(page.req, "name", 30)} />
          <Field id="email" type="email" label={page.t(P.email)} maxLength={200} value={field(page.req, "email", 200)} />
          <RoleSelect page={page} value={field(page.req, "role") || "general"} onlyGeneral={!grantableRoles(v.actor).includes("admin")} />
          <Field id="initialPassword" type="password" label={page.t(P.initialPassword)} hint={page.t(P.passwordRules)} autocomplete="new-password" required maxLength={64} />
          <Field id="initialConfirm" type="password" label={page.t(P.initialConfirm)} autocomplete="new-password" required maxLength={64} />
          <Field id="confirmPassword" type="password" label={page.t(P.yourConfirm)} autocomplete="off" required maxLength={64} />
          <FormActions page={page} submit={P.register} back={{ href: "/admin", label: P.back }} />
        </form>
      ),
    });

  managed.get("/:bank/admin/users/new", async (page, v) => form(page, v));
  managed.post("/:bank/admin/users/new", async (page, v) => {
    const loginId = field(page.req, "loginId", 40);
    const role = field(page.req, "role") === "admin" ? "admin" : "general";
    let added: { userNo: string } | undefined;
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
    return page.render({
      title: { ja: `${P.userAddTitle.ja}結果`, en: `${P.userAddTitle.en}: result` },
      screenId: "BADM703",
      view: v,
      current: "admin",
      children: <UserAddedScreen page={page} e={e} />,
    });
  });
}
