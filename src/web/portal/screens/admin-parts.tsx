import { DomainError } from "../../../domain/errors.js";
import { DISPLAY_STATUS_LABELS } from "../../../i18n/certificate-status-text.js";
import { P, ROLE_LABELS } from "../../../i18n/portal-text.js";
import type { Text } from "../../../i18n/text.js";
import type { SessionView, UserListEntry } from "../../../lifecycle/lifecycle.js";
import { field, loggedIn, type PortalPage } from "../portal-context.js";
import { managesUsers } from "../../../domain/rights.js";

export { ROLE_LABELS };

export type Task = "revoke" | "suspend" | "resume" | "unlock" | "reset" | "password" | "otp_reset" | "change" | "delete";

/** The tasks of 作業内容選択 that act on one chosen user, confirmed with the 確認用パスワード. */
export const TASKS: Record<Task, { label: Text; hint?: Text; screen: string; danger?: boolean }> = {
  revoke: { label: P.taskRevoke, hint: P.taskRevokeHint, screen: "BADM101", danger: true },
  suspend: { label: P.taskSuspend, screen: "BADM201" },
  resume: { label: P.taskResume, screen: "BADM211" },
  unlock: { label: P.taskUnlock, screen: "BADM221" },
  reset: { label: P.taskReset, hint: P.taskResetHint, screen: "BADM301", danger: true },
  password: { label: P.taskPassword, screen: "BADM401" },
  otp_reset: { label: P.taskOtpReset, hint: P.taskOtpResetHint, screen: "BADM801", danger: true },
  change: { label: P.taskChange, screen: "BADM501" },
  delete: { label: P.taskDelete, screen: "BADM601", danger: true },
};

export function isTask(s: string): s is Task {
  return Object.hasOwn(TASKS, s);
}

/** The confirmation form's fields as the user-operations table's input (field names as the API's). */
export function taskInput(page: PortalPage, task: Task) {
  if (task === "password") return { password: field(page.req, "newPassword", 64) };
  if (task !== "change") return {};
  const role = field(page.req, "role");
  return { name: field(page.req, "name", 60), email: field(page.req, "email", 200), ...(role === "admin" || role === "general" ? { role } : {}) };
}

/** A 利用者管理 page: logged in (see loggedIn), and someone the rights table lets manage users. */
export async function manager(page: PortalPage, changing = false): Promise<SessionView> {
  const v = await loggedIn(page, changing);
  if (!managesUsers(v.actor)) throw new DomainError("not_permitted");
  return v;
}

export function userState(page: PortalPage, e: UserListEntry): string {
  if (e.user.status === "suspended") return page.t(P.suspended);
  if (e.locked) return page.t(P.locked);
  return page.t(P.inService);
}

/** The facts of one user as the list, the confirmation and the result screens show them. */
export function UserFacts({ page, e }: { page: PortalPage; e: UserListEntry }) {
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
      <dt>{page.t(P.otpToken)}</dt>
      <dd>{page.t(e.token ? P.otpTokenRegistered : P.otpTokenNone)}</dd>
    </dl>
  );
}

export function RoleSelect({ page, value, onlyGeneral }: { page: PortalPage; value: string; onlyGeneral?: boolean }) {
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
