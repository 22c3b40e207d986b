import { Banks, type BankContext, type BankScope, type LifecycleDeps, type RequestBase, type RequestContext } from "./context.js";
import { enrollWithPassword, presentedGrace, type AcquisitionGrace, type PasswordEnrolment } from "./acquisition.js";
import type { IssuedCertificate } from "./issuance.js";
import { renew, type RenewalRequest } from "./renewal.js";
import { revokeCertificate, type RevocationRequest } from "./revocation.js";
import { addContract, addUser, type NewContract, type NewUser, type AddedUser, type NewUserDetails } from "./administration.js";
import { addUserWithLetter, reissueWithLetter, type LetterUser } from "./initial-letter.js";
import { finishAllSigning } from "./recovery.js";
import { useCertificate, presentedHolder, type CertificateHolder } from "./certificate-use.js";
import { login, changeOwnPassword, type LoginRequest, type LoginResult, type PasswordChange } from "./login.js";
import { resumeSession, logout, type SessionRequest, type SessionView } from "./sessions.js";
import { addContractUser, type ActingUser } from "./user-management.js";
import { runUserOperation, type UserOperationName, type UserOperationResult } from "./user-operations.js";
import { StaffConsole, addStaffMember, disableStaffMember, identifyStaff, type StaffDeps, type StaffIdentity } from "./staff-console.js";
import type { StaffCa } from "../ca/staff-ca.js";
import type { StaffRole } from "../domain/rights.js";
import { confirmOneTimePasswordEnrolment, oneTimePasswordDemandOf, startOneTimePasswordEnrolment } from "./otp-enrolment.js";
import { registerUserToken, resetUserToken } from "./token-administration.js";
import { tokenRequired, type OtpDemand, type OtpPurpose } from "../domain/one-time-password.js";
import { bankUserList, contractUserList, type UserCertificateEntry } from "./user-certificates.js";
import { openIssueGrant, acquireWithGrant, closeIssueGrant, grantHolder, type GrantedCsr, type IssueGrantRequest } from "./issue-grant.js";
import { importantNotices, markNoticeRead } from "./important-notices.js";
import { submitOnce } from "./submissions.js";
import { contractHistory, type HistoryQuery } from "../audit/history.js";
import { renewalWindow, type RenewalWindow } from "../domain/renewal-window.js";
import type { UserOrder } from "../domain/user-order.js";
import { issuerHorizonOf } from "./issuance.js";
import { resetAfterIssuerRevoked } from "./ca-compromise.js";
import { contractFacts, ownInformation, type ContractFacts } from "./contract-info.js";
import { sendMailCode } from "./mail-codes.js";

export type { RequestContext, BankContext, RequestBase } from "./context.js";
export type { IssuedCertificate } from "./issuance.js";
export type { LoginRequest, LoginResult, PasswordChange } from "./login.js";
export type { SessionRequest, SessionView } from "./sessions.js";
export type { ActingUser } from "./user-management.js";
export { USER_OPERATIONS, USER_OPERATION_NAMES, isUserOperation, type UserOperationName } from "./user-operations.js";
export type { AddedUser, NewUserDetails } from "./administration.js";
export type { CertificateHolder } from "./certificate-use.js";
export type { PasswordEnrolment } from "./acquisition.js";
export type { GrantedCsr, IssueGrantRequest } from "./issue-grant.js";

export type UserListEntry = UserCertificateEntry;

/**
 * The registration authority as the surfaces see it: every decision about a certificate's life is
 * taken in the lifecycle modules beside this file, and recorded and audited through the store
 * before it has effect. This class only binds a request to its bank and its actor and calls one
 * module function; it holds no rules. Its methods come in groups, one per surface (the narrow
 * interfaces at the end of this file name them):
 *
 * - EST and the issuing app (est-routes.ts): enrollWithPassword, renew, useCertificate
 * - the portal's certificate issuance (issue-grant.ts): openIssueGrant … closeIssueGrant, peekPresented
 * - sessions, portal and JSON API (login.ts, sessions.ts): login, session, logout, changePassword,
 *   start/confirmOneTimePasswordEnrolment, oneTimePasswordDemand, renewalWindow
 * - the contract's own users (利用者管理, 操作履歴照会, 重要なお知らせ): userList, userOperation
 *   (the user-operations table), addContractUser, submitOnce, history, importantNotices, markNoticeRead
 * - the bank (the CLI, the staff console): staff, revoke, addContract, addUser, addUserWithLetter, identifyStaff,
 *   staffConsole, addStaffMember, disableStaffMember, listStaff, recover
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

  private scope(bankId: string, ctx: RequestContext): BankScope {
    return { deps: this.deps, bank: this.banks.get(bankId), ctx };
  }
  /** The session's user as the actor of a request. */
  private userScope(bankId: string, view: SessionView, base: RequestBase): BankScope {
    return this.scope(bankId, { ...base, actorKind: "user", actorId: view.user.loginId, certSerial: view.cert?.serial });
  }

  // ---- EST and the issuing app

  /** EST simpleenroll: login ID, password and (by policy) the one-time password, then acquisition. */
  enrollWithPassword(bankId: string, r: PasswordEnrolment, base: RequestBase): Promise<IssuedCertificate> {
    return enrollWithPassword(this.deps, this.banks.get(bankId), r, base);
  }

  /** EST simplereenroll over mutual TLS. The one-time password may also ride in the CSR. */
  renew(bankId: string, r: RenewalRequest, base: RequestBase): Promise<IssuedCertificate> {
    return renew(this.deps, this.banks.get(bankId), r, base);
  }

  /** Any mutual-TLS request: the certificate is checked and, if pending, confirmed (activated). */
  useCertificate(bankId: string, presented: Uint8Array | undefined, base: RequestBase, action: string): Promise<CertificateHolder> {
    return useCertificate({ ...this.scope(bankId, { ...base, actorKind: "anonymous", actorId: "-" }), action }, presented);
  }

  // ---- the portal's certificate issuance

  /** 証明書取得認証 in the portal: checks the login ID, password and one-time password once. */
  openIssueGrant(bankId: string, r: IssueGrantRequest, base: RequestBase) {
    return openIssueGrant(this.deps, this.banks.get(bankId), r, base);
  }
  issueGrantHolder(bankId: string, grantId: string | undefined) {
    return grantHolder(this.deps, this.banks.get(bankId), grantId);
  }
  acquireWithGrant(bankId: string, r: GrantedCsr, base: RequestBase) {
    return acquireWithGrant(this.deps, this.banks.get(bankId), r, base);
  }
  closeIssueGrant(bankId: string, grantId: string | undefined) {
    return closeIssueGrant(this.deps, this.banks.get(bankId), grantId);
  }
  /** Whose certificate the browser presents, for the login screen's greeting (read only). */
  peekPresented(bankId: string, der: Uint8Array | undefined) {
    return presentedHolder(this.deps, this.banks.get(bankId), der);
  }
  /** The acquisition grace period of an expired presented certificate's holder (read only), for the refusal screen. */
  presentedGrace(bankId: string, der: Uint8Array | undefined): Promise<AcquisitionGrace | undefined> {
    return presentedGrace(this.deps, this.banks.get(bankId), der);
  }

  // ---- sessions

  /** ログイン: by certificate and password, or by login ID and password (loginMethodOf decides which). */
  login(bankId: string, r: LoginRequest, base: RequestBase): Promise<LoginResult> {
    return login(this.deps, this.banks.get(bankId), r, base);
  }
  /** Every request of a session (csrf: the token a changing request carries; null for reads). */
  session(bankId: string, r: SessionRequest, base: RequestBase): Promise<SessionView> {
    return resumeSession(this.deps, this.banks.get(bankId), r, base);
  }
  logout(bankId: string, sessionId: string | undefined, base: RequestBase) {
    return logout(this.deps, this.banks.get(bankId), sessionId, base);
  }
  changePassword(bankId: string, view: SessionView, change: PasswordChange, base: RequestBase) {
    return changeOwnPassword(this.userScope(bankId, view, base), view.user, change, view.csrf);
  }
  /** ワンタイムパスワード登録: a new secret shown once, pending until a code from it confirms it. */
  startOneTimePasswordEnrolment(bankId: string, view: SessionView, confirmPassword: string, base: RequestBase) {
    return startOneTimePasswordEnrolment(this.userScope(bankId, view, base), view.user, confirmPassword);
  }
  confirmOneTimePasswordEnrolment(bankId: string, view: SessionView, code: string, base: RequestBase) {
    return confirmOneTimePasswordEnrolment(this.userScope(bankId, view, base), view.user, code);
  }
  /**
   * Whether a screen asks for the one-time password (the one rule, domain/one-time-password.ts):
   * of the session's user, or — before the user is known, as on 証明書取得認証 — of token holders.
   */
  oneTimePasswordDemand(bankId: string, purpose: OtpPurpose, view?: SessionView): OtpDemand {
    return oneTimePasswordDemandOf(this.banks.get(bankId), purpose, view?.user);
  }
  /** Whether the bank asks for a one-time password anywhere (EST's csrattrs offers the field then). */
  oneTimePasswordInUse(bankId: string): boolean {
    return tokenRequired(this.banks.get(bankId).policy);
  }
  /** Where the session's certificate stands in its renewal window (none at an ID/password login). */
  renewalWindow(bankId: string, view: SessionView): RenewalWindow | null {
    const bank = this.banks.get(bankId);
    return view.cert ? renewalWindow(view.cert.notAfter, bank.policy.renewalWindow, this.deps.clock.now()) : null;
  }

  // ---- the contract's own users

  /** 企業管理 — 企業情報の照会: the viewer's contract, read only (master and admins, by the rights table). */
  contractFacts(bankId: string, view: SessionView): Promise<ContractFacts> {
    return contractFacts(this.deps, this.banks.get(bankId), view);
  }
  /** 自身の情報の照会: the viewer's own details and certificate, read now. */
  ownInformation(bankId: string, view: SessionView): Promise<UserListEntry> {
    return ownInformation(this.deps, this.banks.get(bankId), view.user);
  }
  /** 利用者一覧: the contract's users with their certificate status, in the chosen 並び順 (by login ID unless told). */
  userList(bankId: string, view: SessionView, order?: UserOrder): Promise<UserListEntry[]> {
    return contractUserList(this.deps, this.banks.get(bankId), view.user, order);
  }
  /**
   * One operation of the user-operations table (user-operations.ts) on a user of the viewer's
   * contract, confirmed with the viewer's 確認用パスワード: `input` is the surface's raw fields.
   */
  userOperation<N extends UserOperationName>(bankId: string, view: SessionView, op: { name: N; target: string; input?: unknown; confirmPassword: string; mailCode?: string }, base: RequestBase): Promise<UserOperationResult<N>> {
    return runUserOperation({ ...op, ...this.userScope(bankId, view, base), who: { actor: view.actor, user: view.user } });
  }
  /** 利用者登録 in the viewer's contract (master: admin or general; admin: general). */
  addContractUser(bankId: string, view: SessionView, r: { user: NewUserDetails; confirmPassword: string }, base: RequestBase): Promise<AddedUser> {
    return addContractUser({ ...this.userScope(bankId, view, base), ...r, who: { actor: view.actor, user: view.user } });
  }
  /** メール通知パスワードの送信 for an operation the table confirms by mail (利用者停止・解除) on `target`. */
  sendMailCode(bankId: string, view: SessionView, r: { operation: string; target: string }, base: RequestBase) {
    return sendMailCode({ ...this.userScope(bankId, view, base), mail: this.deps.codeMail, who: { actor: view.actor, user: view.user }, ...r });
  }
  /** A confirmation form of the viewer's acts once (submissions.ts). */
  submitOnce(bankId: string, view: SessionView, form: { token: string; action: string }, act: () => Promise<string>) {
    return submitOnce(this.deps, { ...form, bankId, owner: `user:${view.user.id}` }, act);
  }
  /** 操作履歴照会 within the viewer's contract and rights. */
  history(bankId: string, view: SessionView, q: HistoryQuery) {
    const bank = this.banks.get(bankId);
    return contractHistory({ store: this.deps.store, clock: this.deps.clock, policy: bank.policy, offsetMinutes: bank.offsetMinutes, viewer: view.user, actor: view.actor, query: q });
  }
  /** 重要なお知らせ: the user's own reminders whose day has come, read and unread. */
  importantNotices(bankId: string, view: SessionView) {
    return importantNotices(this.deps, this.banks.get(bankId).config.id, view.user);
  }
  markNoticeRead(bankId: string, view: SessionView, id: number) {
    return markNoticeRead(this.deps, this.banks.get(bankId).config.id, view.user, id);
  }

  // ---- the bank: the CLI and the staff console

  /**
   * Bank staff on a paper form: reset, unlock, suspend, resume a user, through the user-operations
   * table. The CLI acts as an operator (whoever runs it on the server holds the keys anyway); the
   * staff console passes the role of the staff record, and the rights table refuses an auditor.
   */
  staff(bankId: string, staffId: string, role: StaffRole = "operator") {
    const who: ActingUser = { actor: { kind: "staff", bankId, staffId, role } };
    const c = { ...this.scope(bankId, { actorKind: "staff", actorId: staffId }), who };
    return {
      reset: (target: string, reference: string | null) => runUserOperation({ ...c, name: "reset", target, reference }),
      unlock: (target: string) => runUserOperation({ ...c, name: "unlock", target }),
      suspend: (target: string) => runUserOperation({ ...c, name: "suspend", target }),
      resume: (target: string) => runUserOperation({ ...c, name: "resume", target }),
      revokeUser: (target: string, reason: string, reference: string | null) => runUserOperation({ ...c, name: "revoke", target, input: { reason }, reference }),
      /** ワンタイムパスワード初期化 (the master's too): the user enrols again at the next login */
      resetToken: (target: string, reference: string | null = null) => resetUserToken(c, target, reference),
      /** a token registered by the bank: its secret comes back once, for the token letter */
      registerToken: (target: string, reference: string | null = null) => registerUserToken(c, target, reference),
      /** パスワード再発行: new initial passwords, come back once for the letter (the old ones stop working) */
      reissuePasswords: (target: string, reference: string | null = null) => reissueWithLetter(c, target, reference),
    };
  }
  /** 証明書失効 of one certificate by serial (the CLI). */
  revoke(bankId: string, r: RevocationRequest, ctx: RequestContext) {
    return revokeCertificate(this.scope(bankId, ctx), r);
  }
  /** After `inkan ca revoke --generation`: the generation's holders revoked, reset to 未発行 and notified. */
  issuerRevoked(bankId: string, caId: number, actor: string) {
    return resetAfterIssuerRevoked(this.deps, this.banks.get(bankId), caId, actor);
  }
  /** The bank's active issuing generation against the no-outliving rule (the metric and the dashboard). */
  issuerHorizon(bankId: string) {
    const issuer = this.deps.ca.issuer(bankId);
    return issuer && issuerHorizonOf(this.banks.get(bankId), issuer.notAfter, this.deps.clock.now());
  }
  /** The bank's users with their 証明書状態, as every 利用者一覧 counts it (a reset's certificates no longer count): the CLI. */
  bankUsers(bankId: string, contractId?: number): Promise<UserCertificateEntry[]> {
    return bankUserList(this.deps, this.banks.get(bankId), contractId);
  }
  addContract(bankId: string, c: NewContract, ctx: RequestContext) {
    return addContract(this.deps, this.banks.get(bankId), c, ctx);
  }
  addUser(bankId: string, u: NewUser, ctx: RequestContext) {
    return addUser(this.deps, this.banks.get(bankId), u, ctx);
  }
  /** A user with initial passwords the system makes, handed back once for the initial-password letter. */
  addUserWithLetter(bankId: string, u: LetterUser, ctx: RequestContext) {
    return addUserWithLetter(this.deps, this.banks.get(bankId), u, ctx);
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

/** What EST and the issuing app's server side need of the lifecycle. */
export type EstLifecycle = Pick<Lifecycle, "banks" | "bank" | "enrollWithPassword" | "renew" | "useCertificate" | "oneTimePasswordInUse">;
/** What the customer portal and the JSON API need of the lifecycle. */
export type PortalLifecycle = Pick<
  Lifecycle,
  | "banks"
  | "bank"
  | "openIssueGrant"
  | "issueGrantHolder"
  | "acquireWithGrant"
  | "closeIssueGrant"
  | "peekPresented"
  | "presentedGrace"
  | "renew"
  | "login"
  | "session"
  | "logout"
  | "changePassword"
  | "startOneTimePasswordEnrolment"
  | "confirmOneTimePasswordEnrolment"
  | "oneTimePasswordDemand"
  | "renewalWindow"
  | "userList"
  | "contractFacts"
  | "ownInformation"
  | "userOperation"
  | "sendMailCode"
  | "addContractUser"
  | "submitOnce"
  | "history"
  | "importantNotices"
  | "markNoticeRead"
>;
/** What the staff console's listener needs of the lifecycle (the console itself is StaffConsole). */
export type StaffConsoleLifecycle = Pick<Lifecycle, "identifyStaff" | "staffConsole">;
