import { DomainError } from "../domain/errors.js";
import { Banks, type BankContext, type LifecycleDeps, type RequestContext } from "./context.js";
import { authenticatePassword, checkOneTimePassword } from "./authentication.js";
import { acquire, checkedCsr } from "./acquisition.js";
import type { IssuedCertificate } from "./issuance.js";
import { renew, type RenewalRequest } from "./renewal.js";
import { revokeCertificate } from "./revocation.js";
import { addContract, addUser, type NewUser } from "./administration.js";
import { finishAllSigning } from "./recovery.js";
import { useCertificate, judgePresented, type CertificateHolder } from "./certificate-use.js";
import type { CertificateRefusal } from "../i18n/refusals.js";
import { login, resumeSession, logout, changeOwnPassword, type LoginRequest, type LoginResult, type SessionView } from "./login.js";
import { addContractUser, type ActingUser } from "./user-management.js";
import { runUserOperation, type UserOperationName, type UserOperationResult } from "./user-operations.js";
import { StaffConsole, addStaffMember, disableStaffMember, identifyStaff, type StaffDeps, type StaffIdentity } from "./staff-console.js";
import type { StaffCa } from "../ca/staff-ca.js";
import type { StaffRole } from "../domain/rights.js";
import type { AddedUser, NewUserDetails } from "./administration.js";
import { enrolOneTimePassword } from "./otp-enrolment.js";
import { userCertificateEntry, type UserCertificateEntry } from "./user-certificates.js";
import { openIssueGrant, acquireWithGrant, closeIssueGrant, grantHolder } from "./issue-grant.js";
import { contractHistory, type HistoryQuery } from "../audit/history.js";
import type { LoginMethod } from "../domain/roles.js";
import { renewalWindow, type RenewalWindow } from "../domain/renewal-window.js";

export type { RequestContext, BankContext } from "./context.js";
export type { IssuedCertificate } from "./issuance.js";
export type { LoginRequest, LoginResult, SessionView } from "./login.js";
export type { ActingUser } from "./user-management.js";
export { USER_OPERATIONS, USER_OPERATION_NAMES, isUserOperation, type UserOperationName } from "./user-operations.js";
export type { AddedUser, NewUserDetails } from "./administration.js";
export type { CertificateHolder } from "./certificate-use.js";

type Base = Omit<RequestContext, "actorKind" | "actorId">;

export type UserListEntry = UserCertificateEntry;

/**
 * The registration authority: every decision about a certificate's life is taken here, and every
 * one is recorded and audited through the store before it has effect.
 */
export class Lifecycle {
  readonly banks: Banks;
  constructor(
    private readonly deps: LifecycleDeps,
    /** the installation's staff CA, for the staff console and `inkan staff` */
    private readonly staffCa?: StaffCa,
  ) {
    this.banks = new Banks(deps.banks);
  }

  bank(bankId: string): BankContext {
    return this.banks.get(bankId);
  }

  /** EST simpleenroll: login ID, password and (by policy) the one-time password, then acquisition. */
  async enrollWithPassword(bankId: string, loginId: string, password: string, csrBody: string | Uint8Array, base: Base & { otp?: string }): Promise<IssuedCertificate> {
    const bank = this.banks.get(bankId);
    const ctx: RequestContext = { ...base, actorKind: "user", actorId: loginId.slice(0, 40) };
    const who = await authenticatePassword(this.deps, bank, loginId, password, ctx, "certificate.acquire");
    const csr = await checkedCsr(this.deps, bank, csrBody, ctx, "certificate.acquire", { userId: who.user.id, contractId: who.contract.id });
    if (bank.policy.otp.acquisition) await checkOneTimePassword(this.deps, bank, who.user, base.otp ?? csr.challengePassword, ctx, "certificate.acquire");
    return acquire(this.deps, bank, who, csr, ctx);
  }

  /** EST simplereenroll over mutual TLS. The one-time password may also ride in the CSR. */
  renew(bankId: string, r: RenewalRequest, base: Base): Promise<IssuedCertificate> {
    return renew(this.deps, this.banks.get(bankId), r, base);
  }

  /** Any mutual-TLS request: the certificate is checked and, if pending, confirmed (activated). */
  useCertificate(bankId: string, presented: Uint8Array | undefined, base: Base, action: string): Promise<CertificateHolder> {
    return useCertificate(this.deps, this.banks.get(bankId), presented, { ...base, actorKind: "anonymous", actorId: "-" }, action);
  }

  /** ログイン: by certificate and password, or by login ID and password (loginMethodOf decides which). */
  login(bankId: string, r: LoginRequest, base: Base): Promise<LoginResult> {
    return login(this.deps, this.banks.get(bankId), r, base);
  }

  /** csrf: the token a changing request carries; null for reads. */
  session(bankId: string, sessionId: string | undefined, presented: Uint8Array | undefined, csrf: string | undefined | null, base: Base): Promise<SessionView> {
    return resumeSession(this.deps, this.banks.get(bankId), sessionId, presented, csrf, base);
  }

  logout(bankId: string, sessionId: string | undefined, base: Base) {
    return logout(this.deps, this.banks.get(bankId), sessionId, base);
  }

  enrolOneTimePassword(bankId: string, view: SessionView, confirmPassword: string, base: Base) {
    return enrolOneTimePassword(this.deps, this.banks.get(bankId), view.user, confirmPassword, this.ctxOf(view, base));
  }

  changePassword(bankId: string, view: SessionView, current: string, next: string, base: Base) {
    return changeOwnPassword(this.deps, this.banks.get(bankId), view.user, current, next, { ...base, actorKind: "user", actorId: view.user.loginId, certSerial: view.cert?.serial });
  }

  /** 利用者一覧: the contract's users with their certificate status, sorted by login ID. */
  async userList(bankId: string, view: SessionView): Promise<UserListEntry[]> {
    const bank = this.banks.get(bankId);
    const now = this.deps.clock.now();
    const users = view.user.role === "general" ? [view.user] : await this.deps.store.listUsers(bankId, view.user.contractId);
    const out: UserListEntry[] = [];
    for (const u of users) out.push(await userCertificateEntry(this.deps, bank, u, now));
    return out.sort((a, b) => (a.user.loginId < b.user.loginId ? -1 : 1));
  }

  /** 操作履歴照会 within the viewer's contract and rights. */
  history(bankId: string, view: SessionView, q: HistoryQuery) {
    const bank = this.banks.get(bankId);
    return contractHistory({ store: this.deps.store, clock: this.deps.clock, policy: bank.policy, offsetMinutes: bank.offsetMinutes, viewer: view.user, actor: view.actor, query: q });
  }

  /** 重要なお知らせ: the user's own reminders whose day has come, read and unread. */
  async importantNotices(bankId: string, view: SessionView) {
    const now = this.deps.clock.now().getTime();
    const rows = await this.deps.store.notices.forRecipient(bankId, view.user.id, ["expiry_warning", "expired"]);
    return rows.filter((n) => n.dueAt.getTime() <= now);
  }

  markNoticeRead(bankId: string, view: SessionView, id: number) {
    return this.deps.store.notices.markRead(bankId, view.user.id, id, this.deps.clock.now().getTime());
  }

  private acting(view: SessionView): ActingUser {
    return { actor: view.actor, user: view.user };
  }
  private ctxOf(view: SessionView, base: Base): RequestContext {
    return { ...base, actorKind: "user", actorId: view.user.loginId, certSerial: view.cert?.serial };
  }

  /**
   * One operation of the user-operations table (user-operations.ts) on a user of the viewer's
   * contract, confirmed with the viewer's 確認用パスワード: `input` is the surface's raw fields.
   */
  userOperation<N extends UserOperationName>(bankId: string, view: SessionView, op: { name: N; target: string; input?: unknown; confirmPassword: string }, base: Base): Promise<UserOperationResult<N>> {
    return runUserOperation({ ...op, deps: this.deps, bank: this.banks.get(bankId), who: this.acting(view), ctx: this.ctxOf(view, base) });
  }
  /** 利用者登録 in the viewer's contract (master: admin or general; admin: general). */
  addContractUser(bankId: string, view: SessionView, user: NewUserDetails, confirmPassword: string, base: Base): Promise<AddedUser> {
    return addContractUser({ deps: this.deps, bank: this.banks.get(bankId), who: { actor: view.actor, user: view.user }, user, confirmPassword, ctx: this.ctxOf(view, base) });
  }

  /**
   * Bank staff on a paper form: reset, unlock, suspend, resume a user. The CLI acts as an operator
   * (whoever runs it on the server holds the keys anyway); the staff console passes the role of
   * the staff record, and the rights table refuses an auditor.
   */
  staff(bankId: string, staffId: string, role: StaffRole = "operator") {
    const c = { deps: this.deps, bank: this.banks.get(bankId), who: { actor: { kind: "staff", bankId, staffId, role } } as ActingUser, ctx: { actorKind: "staff", actorId: staffId } as RequestContext };
    return {
      reset: (target: string, reference: string | null) => runUserOperation({ ...c, name: "reset", target, reference }),
      unlock: (target: string) => runUserOperation({ ...c, name: "unlock", target }),
      suspend: (target: string) => runUserOperation({ ...c, name: "suspend", target }),
      resume: (target: string) => runUserOperation({ ...c, name: "resume", target }),
      revokeUser: (target: string, reason: string, reference: string | null) => runUserOperation({ ...c, name: "revoke", target, input: { reason }, reference }),
    };
  }

  revoke(bankId: string, serial: string, reason: string, ctx: RequestContext, reference?: string | null) {
    return revokeCertificate(this.deps, this.banks.get(bankId), serial, reason, ctx, reference);
  }

  addContract(bankId: string, c: { code: string; name: string; loginMethod: LoginMethod }, ctx: RequestContext) {
    return addContract(this.deps, this.banks.get(bankId), c, ctx);
  }

  addUser(bankId: string, u: NewUser, ctx: RequestContext) {
    return addUser(this.deps, this.banks.get(bankId), u, ctx);
  }

  /** 証明書取得認証 in the portal: checks the login ID, password and one-time password once. */
  openIssueGrant(bankId: string, loginId: string, password: string, otp: string | undefined, base: Base) {
    return openIssueGrant(this.deps, this.banks.get(bankId), loginId, password, otp, base);
  }
  issueGrantHolder(bankId: string, grantId: string | undefined) {
    return grantHolder(this.deps, this.banks.get(bankId), grantId);
  }
  acquireWithGrant(bankId: string, grantId: string | undefined, csrf: string, csr: string, base: Base) {
    return acquireWithGrant(this.deps, this.banks.get(bankId), grantId, csrf, csr, base);
  }
  closeIssueGrant(bankId: string, grantId: string | undefined) {
    return closeIssueGrant(this.deps, this.banks.get(bankId), grantId);
  }

  /**
   * Whose certificate the browser presents, for the login screen's greeting: read only (nothing is
   * activated or audited here; the login itself does both).
   */
  async peekPresented(bankId: string, der: Uint8Array | undefined): Promise<{ loginId: string; name: string } | { refused: CertificateRefusal } | undefined> {
    if (!der || der.length === 0) return undefined;
    const j = await judgePresented(this.deps, this.banks.get(bankId), der);
    return "refused" in j ? { refused: j.refused } : { loginId: j.user.loginId, name: j.user.name };
  }


  /** Where the session's certificate stands in its renewal window (none at an ID/password login). */
  renewalWindow(bankId: string, view: SessionView): RenewalWindow | null {
    const bank = this.banks.get(bankId);
    return view.cert ? renewalWindow(view.cert.notAfter, bank.policy.renewalWindow, this.deps.clock.now()) : null;
  }

  /** The rules' clock, for screens that say what is open now. */
  now(): Date {
    return this.deps.clock.now();
  }

  /**
   * A confirmation form acts once: the first submission of its token runs `act` and keeps its
   * result (the result page's address); a repeated one gets that result (null while the first still
   * runs) and acts not at all. A failed action frees the token, so the corrected form can be sent.
   */
  async submitOnce(bankId: string, view: SessionView, token: string, action: string, act: () => Promise<string>): Promise<{ first: boolean; result: string | null }> {
    const subs = this.deps.store.submissions;
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw new DomainError("csrf_invalid");
    const owner = `user:${view.user.id}`;
    if (!(await subs.claim({ bankId, token, owner, action, at: this.deps.clock.now() }))) return { first: false, result: (await subs.find(bankId, token, owner))?.result ?? null };
    try {
      const result = await act();
      await subs.finish(bankId, token, result);
      return { first: true, result };
    } catch (e) {
      await subs.release(bankId, token);
      throw e;
    }
  }

  private staffDeps(): StaffDeps {
    if (!this.staffCa) throw new Error("no staff CA in this process");
    return { ...this.deps, staffCa: this.staffCa };
  }
  /** The staff member a presented certificate opens the staff console for, or why not. */
  identifyStaff(der: Uint8Array | undefined) {
    return identifyStaff(this.staffDeps(), der);
  }
  /** The staff console for one recognised staff member, acting with the role of their record. */
  staffConsole(who: StaffIdentity, base: { address?: string | null }): StaffConsole {
    return new StaffConsole(this.staffDeps(), this.banks.get(who.bankId), who, base);
  }
  addStaffMember(bankId: string, p: { staffId: string; name: string; role: StaffRole }, ctx: RequestContext) {
    return addStaffMember(this.staffDeps(), this.banks.get(bankId), p, ctx);
  }
  disableStaffMember(bankId: string, staffId: string, ctx: RequestContext) {
    return disableStaffMember(this.staffDeps(), this.banks.get(bankId), staffId, ctx);
  }
  listStaff(bankId: string) {
    this.banks.get(bankId);
    return this.deps.store.staff.listStaff(bankId);
  }

  /** Finishes whatever a crashed process left between recording and signing. */
  recover(): Promise<number> {
    return finishAllSigning(this.deps);
  }
}
