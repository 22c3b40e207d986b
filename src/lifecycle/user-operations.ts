import { z } from "zod";
import { DomainError } from "../domain/errors.js";
import type { Right } from "../domain/rights.js";
import { REVOCATION_REASONS, isRevocationReason } from "../domain/certificate.js";
import { passwordProblems, type UserRole } from "../domain/roles.js";
import { hashPassword } from "../credentials/passwords.js";
import { newTotpSecret, totpUri } from "../credentials/totp.js";
import { generateInitialPasswords } from "../credentials/initial-password.js";
import { checkEmail, checkUserName } from "./administration.js";
import { onUser, revokeLive, type ConfirmBy, type UserOperationContext } from "./user-management.js";

/**
 * The one table of what can be done to one existing user of a contract: per operation, the right
 * the rights table decides (for the actor and the target user), the input beside the target and
 * the 確認用パスワード (a zod schema), and the lifecycle call that performs it.
 *
 * How a surface uses it: it reads the operation's name from its route or form, checks it with
 * `isUserOperation` (an unknown name is not found), and hands its raw input to the lifecycle —
 * `lifecycle.userOperation(bankId, view, { name, target, input, confirmPassword }, base)` for a
 * customer's session (the JSON API, the portal's 利用者管理), `lifecycle.staff(bankId, staffId)`
 * or `StaffConsole` for bank staff, who give a paper form's reference instead of a password. The
 * schema picks out the fields it knows, so an API body or a form can be passed whole; field names
 * are the API's. `right` tells a screen which right to ask about before it offers an operation; the
 * operation decides again itself. 利用者登録 (a user who does not exist yet) is `addContractUser`.
 */

/** A text field read as the API and the forms always have: a string cut to `max`, anything else "". */
const text = (max: number) => z.string().transform((s) => s.slice(0, max)).catch("");
/** A field that may be left out: undefined unless it is a string (then cut to `max`). */
const optionalText = (max: number) => z.string().transform((s) => s.slice(0, max)).optional().catch(undefined);

export interface UserOperationCall<I> extends UserOperationContext {
  right: Right;
  input: I;
  confirmBy?: ConfirmBy;
}

export interface UserOperation<S extends z.ZodType, R> {
  right: Right;
  /** how a customer confirms it: the 確認用パスワード unless "mail_code" (the seeds' メール通知パスワード) */
  confirmBy?: ConfirmBy;
  input: S;
  run(c: UserOperationCall<z.output<S>>): Promise<R>;
}

const operation = <S extends z.ZodType, R>(o: UserOperation<S, R>) => o;
const actorOf = (c: UserOperationContext) => `${c.ctx.actorKind}:${c.ctx.actorId}`;
const NO_INPUT = z.object({});

export const USER_OPERATIONS = {
  /** 証明書失効: whatever the user holds is revoked at once; the user may acquire again. */
  revoke: operation({
    right: "certificate.revoke",
    input: z.object({ reason: text(200).transform((r) => r || "unspecified") }),
    async run(c) {
      const reasonName = c.input.reason;
      if (!isRevocationReason(reasonName) || reasonName === "superseded") throw new DomainError("revocation_reason_invalid", { reason: reasonName.slice(0, 40) });
      const revoked = await onUser(c, async (w, target, now) => {
        const serials = await revokeLive(w, { bankId: c.bank.config.id, userId: target.id, reason: REVOCATION_REASONS[reasonName], actor: actorOf(c), reference: c.reference ?? null, now });
        if (serials.length === 0) throw new DomainError("certificate_not_found");
        await w.deleteUserSessions(target.id);
        return serials;
      });
      await c.deps.ca.revoked(c.bank.config.id);
      return revoked;
    },
  }),
  /** 再発行・初期化: back to 未発行, revoking whatever is left, so acquisition works again. */
  reset: operation({
    right: "certificate.reset",
    input: NO_INPUT,
    async run(c) {
      const revoked = await onUser(c, async (w, target, now) => {
        const serials = await revokeLive(w, { bankId: c.bank.config.id, userId: target.id, reason: REVOCATION_REASONS.cessationOfOperation, actor: actorOf(c), reference: c.reference ?? null, now });
        await w.markCertificatesReset(target.id, now);
        await w.deleteUserSessions(target.id);
        return serials;
      });
      if (revoked.length > 0) await c.deps.ca.revoked(c.bank.config.id);
      return revoked;
    },
  }),
  /** 利用者停止: the user can do nothing until resumed; open sessions end now. Confirmed by a メール通知パスワード. */
  suspend: operation({
    right: "user.suspend",
    confirmBy: "mail_code",
    input: NO_INPUT,
    run: (c) =>
      onUser(c, async (w, target, now) => {
        await w.setUserStatus(target.id, "suspended", now);
        await w.deleteUserSessions(target.id);
      }),
  }),
  resume: operation({
    right: "user.resume",
    confirmBy: "mail_code",
    input: NO_INPUT,
    run: (c) => onUser(c, (w, target, now) => w.setUserStatus(target.id, "active", now)),
  }),
  /** 利用停止解除 after too many wrong passwords (login and confirmation alike). */
  unlock: operation({
    right: "user.unlock",
    input: NO_INPUT,
    run: (c) =>
      onUser(c, async (w, target, now) => {
        await w.setFailedLogins(target.id, 0, now);
        await w.setFailedConfirms(target.id, 0, now);
      }),
  }),
  /**
   * パスワード再設定 of another user's login password: the actor chooses a temporary one (`password`),
   * the user must change it at the next login, the login lockout count is cleared and open
   * sessions end. The new password is not compared with the user's confirmation password: that
   * would tell the actor whether a guess at it was right.
   */
  password: operation({
    right: "user.password_reset",
    input: z.object({ password: text(200) }),
    async run(c) {
      if (passwordProblems(c.input.password, c.target).length > 0) throw new DomainError("password_invalid");
      const hash = await hashPassword(c.input.password);
      await onUser(c, async (w, target, now) => {
        await w.setPassword({ userId: target.id, kind: "login", hash, mustChange: true, at: now });
        await w.deleteUserSessions(target.id);
      });
    },
  }),
  /**
   * パスワード再発行 by the bank, on a paper form (a lost initial-password letter, passwords
   * forgotten, a master locked out — the seeds send them to the branch): the system makes a new
   * login password and 確認用パスワード, the old ones stop working, the login password must be changed
   * at the next login, both lockout counts start again and open sessions end. The passwords come
   * back once, for the letter; the audit record says only that they were made. Bank staff only
   * (the rights table); a suspended user stays suspended (that is the company's decision).
   */
  password_reissue: operation({
    right: "user.password_reissue",
    input: NO_INPUT,
    async run(c): Promise<{ password: string; confirmPassword: string }> {
      const passwords = generateInitialPasswords(c.target);
      const [loginHash, confirmHash] = await Promise.all([hashPassword(passwords.password), hashPassword(passwords.confirmPassword)]);
      await onUser(c, async (w, target, now, detail) => {
        await w.setPassword({ userId: target.id, kind: "login", hash: loginHash, mustChange: true, at: now });
        await w.setPassword({ userId: target.id, kind: "confirm", hash: confirmHash, mustChange: false, at: now });
        await w.deleteUserSessions(target.id);
        detail.passwords = "generated";
      });
      return passwords;
    },
  }),
  /**
   * ワンタイムパスワード初期化 (a lost or replaced phone): the user's token and any enrolment under way
   * are cleared, so the user enrols again at the next login (forced while the policy asks for one)
   * and renews only after that. Open sessions end; the user is told by a security notice.
   */
  otp_reset: operation({
    right: "user.otp_reset",
    input: NO_INPUT,
    run: (c) =>
      onUser(c, async (w, target, now) => {
        if (target.totpSecret === null && target.totpPending === null) throw new DomainError("otp_not_registered");
        await w.clearTotpSecret(target.id, now);
        await w.deleteUserSessions(target.id);
        await w.queueNotice({ kind: "otp_reset", serial: "", offsetKey: String(now.getTime()), userId: target.id, at: now });
      }),
  }),
  /**
   * The bank registers a token for the user (a token letter): a new secret is the user's token at
   * once and comes back once, with its otpauth:// URI, for the letter; a token the user had is
   * replaced. Bank staff only (the rights table).
   */
  otp_register: operation({
    right: "user.otp_register",
    input: NO_INPUT,
    async run(c): Promise<{ loginId: string; secret: string; uri: string }> {
      const secret = newTotpSecret();
      const loginId = await onUser(c, async (w, target, now) => {
        await w.setTotpSecret(target.id, secret, now);
        return target.loginId;
      });
      return { loginId, secret, uri: totpUri(secret, c.bank.config.nameEn, loginId) };
    },
  }),
  /** 利用者変更: name, e-mail, role (admin ⇄ general; only the master grants admin); only the fields sent change. */
  change: operation({
    right: "user.change",
    input: z.object({ name: optionalText(300), email: optionalText(300), role: optionalText(300) }),
    async run(c) {
      const { name, email, role } = c.input;
      if (name !== undefined) checkUserName(name);
      if (email !== undefined) checkEmail(email);
      if (role !== undefined && role !== "admin" && role !== "general") throw new DomainError("user_role_invalid");
      const newRole = role as UserRole | undefined;
      return onUser({ ...c, newRole }, async (w, target, now, detail) => {
        const d: { name?: string; email?: string; role?: UserRole } = {};
        if (name !== undefined && name !== target.name) d.name = name;
        if (email !== undefined && email !== target.email) d.email = email;
        if (newRole !== undefined && newRole !== target.role) d.role = newRole;
        detail.changed = Object.keys(d).join(",") || null;
        if (d.role) detail.role = `${target.role}>${d.role}`;
        if (Object.keys(d).length > 0) await w.setUserDetails(target.id, d, now);
      });
    },
  }),
  /**
   * 自身の情報の変更: the acting user's own name and e-mail address (the target is oneself; the rights
   * table allows nobody else), confirmed with the 確認用パスワード like every change.
   */
  self_change: operation({
    right: "user.change_self",
    input: z.object({ name: optionalText(300), email: optionalText(300) }),
    async run(c) {
      const { name, email } = c.input;
      if (name !== undefined) checkUserName(name);
      if (email !== undefined) checkEmail(email);
      return onUser(c, async (w, target, now, detail) => {
        const d: { name?: string; email?: string } = {};
        if (name !== undefined && name !== target.name) d.name = name;
        if (email !== undefined && email !== target.email) d.email = email;
        detail.changed = Object.keys(d).join(",") || null;
        if (Object.keys(d).length > 0) await w.setUserDetails(target.id, d, now);
      });
    },
  }),
  /**
   * 利用者削除 (never the master, never oneself): whatever certificate the user holds is revoked
   * (cessationOfOperation) in the same transaction, as 証明書失効 does, so the CRL and OCSP say
   * revoked before this returns; sessions end. The row stays, marked deleted, so that history and
   * audit still name the user; the login ID stays taken and a login with it fails like an unknown one.
   */
  delete: operation({
    right: "user.delete",
    input: NO_INPUT,
    async run(c): Promise<{ revoked: string[] }> {
      const revoked = await onUser(c, async (w, target, now, detail) => {
        const serials = await revokeLive(w, { bankId: c.bank.config.id, userId: target.id, reason: REVOCATION_REASONS.cessationOfOperation, actor: actorOf(c), reference: null, now });
        await w.setUserStatus(target.id, "deleted", now);
        await w.deleteUserSessions(target.id);
        detail.revoked = serials.join(",") || null;
        return serials;
      });
      if (revoked.length > 0) await c.deps.ca.revoked(c.bank.config.id);
      return { revoked };
    },
  }),
};

export type UserOperationName = keyof typeof USER_OPERATIONS;
export const USER_OPERATION_NAMES = Object.keys(USER_OPERATIONS) as UserOperationName[];
export type UserOperationResult<N extends UserOperationName> = Awaited<ReturnType<(typeof USER_OPERATIONS)[N]["run"]>>;

export function isUserOperation(name: string): name is UserOperationName {
  return Object.hasOwn(USER_OPERATIONS, name);
}

export interface RunUserOperationParams<N extends UserOperationName> extends UserOperationContext {
  name: N;
  /** the surface's raw input (an API body, a form's fields); the operation's schema reads it */
  input?: unknown;
}

/** Dispatches one operation of the table: its schema reads the input, its call does the rest. */
export async function runUserOperation<N extends UserOperationName>(p: RunUserOperationParams<N>): Promise<UserOperationResult<N>> {
  const { name, input, ...c } = p;
  if (!isUserOperation(name)) throw new DomainError("not_found");
  const op = USER_OPERATIONS[name] as UserOperation<z.ZodType, unknown>;
  // a body that is no object at all (a JSON string, an array) has none of the fields, as before
  const fields = typeof input === "object" && input !== null && !Array.isArray(input) ? input : {};
  return op.run({ ...c, right: op.right, confirmBy: op.confirmBy, input: op.input.parse(fields) }) as Promise<UserOperationResult<N>>;
}
