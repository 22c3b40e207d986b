import { DomainError, isUniqueConflict } from "../domain/errors.js";
import { hasUnsafeCharacters } from "../domain/text-safety.js";
import { decideOnBank, type Actor, type BankRight } from "../domain/rights.js";
import { isRevocationReason } from "../domain/certificate.js";
import { countInto, dayBuckets, weekBuckets, type Bucket } from "../domain/calendar-buckets.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import { verifyAuditChain } from "../audit/verify.js";
import { OPERATIONS, operationGroups } from "../audit/history.js";
import { STAFF_OPERATION_LABELS } from "../i18n/operation-text.js";
import type { AuditEntry } from "../domain/audit.js";
import type { CertificateRecord, ContractRecord, UserRecord } from "../store/store.js";
import type { BankContext, RequestContext } from "./context.js";
import { addContract, checkNewUserIdentity } from "./administration.js";
import { addUserWithLetter, reissueWithLetter, type InitialLetter } from "./initial-letter.js";
import { loginMethodChange, switchLoginMethod } from "./contract-login-method.js";
import { revokeCertificate } from "./revocation.js";
import { issuerHorizonOf } from "./issuance.js";
import type { IssuerHorizon } from "../domain/ca-generations.js";
import { runUserOperation } from "./user-operations.js";
import { submitOnce } from "./submissions.js";
import { registerUserToken, resetUserToken } from "./token-administration.js";
import { tokenLetter, type TokenLetter } from "./token-letter.js";
import { userCertificateEntry, type UserCertificateEntry } from "./user-certificates.js";

import type { StaffDeps, StaffIdentity } from "./staff-members.js";

// the staff members themselves (identified per request, added and disabled by the CLI) live in staff-members.ts
export { identifyStaff, addStaffMember, disableStaffMember, type StaffDeps, type StaffIdentity, type StaffRefusal } from "./staff-members.js";

/** What the application form says of the master: the initial passwords are the system's, not typed. */
export interface NewMaster {
  loginId: string;
  name: string;
  email: string;
}

export type StaffUserEntry = UserCertificateEntry;

export interface Dashboard {
  weeks: Array<Bucket & { count: number }>;
  days: Array<Bucket & { issued: number; revoked: number }>;
  contracts: number;
  users: number;
  /** the active issuing generation against the no-outliving rule: warn a year ahead, then refuse */
  issuer?: IssuerHorizon;
}

export interface AuditFilter {
  /** local dates YYYY-MM-DD, inclusive */
  from?: string;
  to?: string;
  contract?: string;
  loginId?: string;
  /** an operation group of OPERATIONS or STAFF_OPERATIONS */
  operation?: string;
}

/** Operations of the bank's own people, searchable beside the customers' ones. */
export const STAFF_OPERATIONS = operationGroups(STAFF_OPERATION_LABELS, {
  contracts: ["contract.add", "contract.login_method"],
  staff: ["staff.add", "staff.disable", "staff_ca.ceremony"],
  paper: ["staff.paper_form"],
  crl: ["crl.rebuild"],
});

export const SEARCH_OPERATIONS = { ...OPERATIONS, ...STAFF_OPERATIONS };

const AUDIT_LIMIT = 500;

/**
 * What one staff member may do in their bank's console, each operation decided by the rights table
 * with the role of the staff record (operator: everything; auditor: read only), performed through
 * the same lifecycle functions the CLI and the customers' side use, and audited with the staff ID
 * and the serial of the certificate presented. Paper-form operations require the form's reference.
 */
export class StaffConsole {
  private readonly actor: Actor;
  private readonly ctx: RequestContext;
  constructor(
    private readonly deps: StaffDeps,
    readonly bank: BankContext,
    readonly who: StaffIdentity,
    base: { address?: string | null },
  ) {
    this.actor = { kind: "staff", bankId: who.bankId, staffId: who.staffId, role: who.role };
    this.ctx = { actorKind: "staff", actorId: who.staffId, address: base.address ?? null, certSerial: who.serial };
  }

  get bankId(): string {
    return this.bank.config.id;
  }

  /** Whether the screens should offer an operation (the operation itself decides again). */
  can(right: BankRight): boolean {
    return decideOnBank(this.actor, right, this.bankId) === "allow";
  }

  private async audit(e: Omit<AuditEntry, "at" | "actorKind" | "actorId" | "address" | "certSerial">): Promise<void> {
    await this.deps.store.write(this.bankId, (w) => w.audit({ ...e, at: this.deps.clock.now(), actorKind: "staff", actorId: this.who.staffId, address: this.ctx.address, certSerial: this.who.serial }));
  }

  /** Refuses (and audits the refusal of) a change the role does not allow; reads are not audited. */
  authorize(right: BankRight, action: string): Promise<void> {
    return this.require(right, action);
  }

  private async require(right: BankRight, action: string, detail: AuditEntry["detail"] = {}): Promise<void> {
    const verdict = decideOnBank(this.actor, right, this.bankId);
    if (verdict === "allow") return;
    if (right !== "console.view" && right !== "audit.view") await this.audit({ action, result: "refused", detail: { ...detail, reason: "not_permitted" } });
    throw new DomainError(verdict === "not_found" ? "not_found" : "not_permitted");
  }

  private reference(ref: string | undefined): string {
    const r = (ref ?? "").trim();
    if (r.length === 0 || r.length > 40 || hasUnsafeCharacters(r)) throw new DomainError("paper_reference_required");
    return r;
  }

  // ---- reads

  /** ダッシュボード: valid certificates ending per ISO week (13 weeks), issuance and revocation per day (30 days). */
  async dashboard(): Promise<Dashboard> {
    await this.require("console.view", "console.view");
    const now = this.deps.clock.now();
    const off = this.bank.offsetMinutes;
    const weeks = weekBuckets(now, off, 13);
    const expiring = await this.deps.store.staff.validExpiring(this.bankId, now, weeks[weeks.length - 1]!.end);
    const wc = countInto(weeks, expiring);
    const days = dayBuckets(now, off, 30);
    const from = days[0]!.start;
    const to = days[days.length - 1]!.end;
    const issued = countInto(days, await this.deps.store.staff.issuedBetween(this.bankId, from, to));
    const revoked = countInto(days, await this.deps.store.staff.revokedBetween(this.bankId, from, to));
    const counts = await this.deps.store.staff.bankCounts(this.bankId);
    const issuer = this.deps.ca.issuer(this.bankId);
    return { weeks: weeks.map((b, i) => ({ ...b, count: wc[i]! })), days: days.map((b, i) => ({ ...b, issued: issued[i]!, revoked: revoked[i]! })), ...counts, issuer: issuer && issuerHorizonOf(this.bank, issuer.notAfter, now) };
  }

  async contracts(): Promise<Array<ContractRecord & { users: number; hasMaster: boolean }>> {
    await this.require("console.view", "console.view");
    const out = [];
    for (const c of await this.deps.store.listContracts(this.bankId)) {
      const users = await this.deps.store.listUsers(this.bankId, c.id);
      out.push({ ...c, users: users.length, hasMaster: users.some((u) => u.role === "master") });
    }
    return out;
  }

  async contract(code: string): Promise<{ contract: ContractRecord; users: StaffUserEntry[] }> {
    await this.require("console.view", "console.view");
    const contract = await this.deps.store.getContractByCode(this.bankId, code);
    if (!contract) throw new DomainError("contract_not_found");
    const now = this.deps.clock.now();
    const users: StaffUserEntry[] = [];
    for (const u of await this.deps.store.listUsers(this.bankId, contract.id)) users.push(await userCertificateEntry(this.deps, this.bank, u, now));
    users.sort((a, b) => (a.user.userNo < b.user.userNo ? -1 : 1));
    return { contract, users };
  }

  /**
   * What a revocation would act on, for the confirmation screen: a login ID (its live certificates)
   * or a serial (that certificate), always within this bank.
   */
  async revocationTarget(target: string): Promise<{ user: UserRecord; contract: ContractRecord; certificates: CertificateRecord[] }> {
    await this.require("console.view", "console.view");
    const t = target.trim();
    const serial = t.toLowerCase().replace(/[^0-9a-f]/g, "");
    let certs: CertificateRecord[];
    let user: UserRecord | undefined;
    if (/^[0-9a-fA-F:\s]{32,}$/.test(t) && serial.length === 32) {
      const c = await this.deps.store.getCertificate(this.bankId, serial);
      if (!c || c.state === "signing") throw new DomainError("certificate_not_found");
      user = await this.deps.store.getUser(this.bankId, c.userId);
      certs = [c];
    } else {
      user = await this.deps.store.getUserByLoginId(this.bankId, t);
      if (!user) throw new DomainError("user_not_found");
      certs = (await this.deps.store.userCertificates(this.bankId, user.id)).filter((c) => c.state === "active" || c.state === "pending");
      if (certs.length === 0) throw new DomainError("certificate_not_found");
    }
    if (!user) throw new DomainError("user_not_found");
    const contract = (await this.deps.store.getContract(this.bankId, user.contractId))!;
    return { user, contract, certificates: certs };
  }

  /** A user of the bank by login ID, for the reset and unlock confirmations. */
  async userByLoginId(loginId: string): Promise<{ user: UserRecord; contract: ContractRecord }> {
    await this.require("console.view", "console.view");
    const user = await this.deps.store.getUserByLoginId(this.bankId, loginId.trim());
    if (!user) throw new DomainError("user_not_found");
    return { user, contract: (await this.deps.store.getContract(this.bankId, user.contractId))! };
  }

  /** The bank's current CRL: number and dates. */
  crlStatus(): { number: number; nextUpdate: Date } | undefined {
    return this.deps.ca.crlStatus(this.bankId);
  }

  /** 監査ログ検索: newest first, at most AUDIT_LIMIT records (the screen says when there were more). */
  async auditSearch(f: AuditFilter) {
    await this.require("audit.view", "audit.view");
    const off = this.bank.offsetMinutes;
    const day = (s: string | undefined) => {
      if (!s) return undefined;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) throw new DomainError("not_found");
      return new Date(Date.parse(`${s}T00:00:00Z`) - off * 60_000);
    };
    const from = day(f.from) ?? new Date(0);
    const toDay = day(f.to);
    const to = toDay ? new Date(addDuration(toDay, parseDuration("P1D")).getTime() - 1) : new Date(8.64e15);
    let contractId: number | undefined;
    if (f.contract) {
      const c = await this.deps.store.getContractByCode(this.bankId, f.contract.trim());
      if (!c) throw new DomainError("contract_not_found");
      contractId = c.id;
    }
    let concerning: { userId: number; loginId: string } | undefined;
    if (f.loginId) {
      const loginId = f.loginId.trim();
      const u = await this.deps.store.getUserByLoginId(this.bankId, loginId);
      // an unknown login ID still finds what was done under that name (a failed login, say)
      concerning = { userId: u?.id ?? -1, loginId };
    }
    const actions = f.operation ? SEARCH_OPERATIONS[f.operation]?.actions : undefined;
    if (f.operation && !actions) throw new DomainError("not_found");
    const rows = await this.deps.store.auditEvents({ bankId: this.bankId, contractId, concerning, from, to, actions, limit: AUDIT_LIMIT + 1 });
    return { rows: rows.slice(0, AUDIT_LIMIT), more: rows.length > AUDIT_LIMIT };
  }

  /** 監査ログ検証: the whole chain, and the first broken record as it now reads (if it is still there). */
  async auditVerify() {
    await this.require("audit.view", "audit.view");
    const v = await verifyAuditChain(this.deps.store, this.bankId);
    if (v.ok) return { ...v, record: undefined };
    return { ...v, record: await this.deps.store.staff.auditRecord(this.bankId, v.firstBadSeq) };
  }

  // ---- one-time submission tokens: a confirmation form acts once, however often it is sent

  private get owner() {
    return `staff:${this.who.rowId}`;
  }
  /** The portal's acts-once mechanism (submissions.ts) for this staff member's forms. Tokens are kept a day. */
  submitOnce(form: { token: string; action: string }, act: () => Promise<string>) {
    return submitOnce(this.deps, { ...form, bankId: this.bankId, owner: this.owner }, act);
  }
  /** This staff member's submission with that token (another's is not found). */
  submission(token: string) {
    return this.deps.store.submissions.find(this.bankId, token, this.owner);
  }

  // ---- changes (operators)

  /** What 契約開設 would open, checked (for the confirmation screen and again before acting). */
  async checkOpenContract(c: { code: string; name: string; method: string }): Promise<{ code: string; name: string; loginMethod: "certificate" | "password" }> {
    const code = c.code.trim();
    const name = c.name.trim();
    await this.require("contract.open", "contract.add", { code: code.slice(0, 40) });
    if (!/^[A-Za-z0-9-]{1,20}$/.test(code)) throw new DomainError("contract_code_invalid");
    if ([...name].length === 0 || [...name].length > 60 || hasUnsafeCharacters(name)) throw new DomainError("contract_name_invalid");
    if (c.method !== "certificate" && c.method !== "password") throw new DomainError("not_found");
    if (await this.deps.store.getContractByCode(this.bankId, code)) throw new DomainError("contract_code_taken", { code });
    return { code, name, loginMethod: c.method };
  }

  /** 契約開設 from the application form. */
  async openContract(c: { code: string; name: string; method: string }): Promise<number> {
    const { code, name, loginMethod } = await this.checkOpenContract(c);
    try {
      return await addContract(this.deps, this.bank, { code, name, loginMethod }, this.ctx);
    } catch (e) {
      if (isUniqueConflict(e)) throw new DomainError("contract_code_taken", { code });
      throw e;
    }
  }

  /** What a 申込書 switching the contract's login method would do (for the confirmation screen). */
  async checkLoginMethod(code: string, method: string) {
    await this.require("contract.change", "contract.login_method", { code: code.slice(0, 40) });
    return loginMethodChange(this.deps, this.bank, code, method);
  }

  /** ログイン方式の変更 on a 申込書: certificate ↔ ID/password (contract-login-method.ts decides what it touches). */
  async switchLoginMethod(code: string, method: string, reference: string | undefined) {
    await this.require("contract.change", "contract.login_method", { code: code.slice(0, 40) });
    return switchLoginMethod(this.deps, this.bank, this.ctx, { code, method, reference: this.reference(reference) });
  }

  /** What マスターユーザ登録 would register, checked (the confirmation screen shows it). */
  async checkMaster(code: string, u: NewMaster): Promise<ContractRecord> {
    await this.require("user.register_master", "user.add", { code: code.slice(0, 40), loginId: u.loginId.slice(0, 40) });
    const contract = await this.deps.store.getContractByCode(this.bankId, code);
    if (!contract) throw new DomainError("contract_not_found");
    checkNewUserIdentity({ loginId: u.loginId.trim(), name: u.name.trim(), email: u.email.trim() });
    if ((await this.deps.store.listUsers(this.bankId, contract.id)).some((x) => x.role === "master")) throw new DomainError("master_exists");
    if (await this.deps.store.loginIdTaken(this.bankId, u.loginId.trim())) throw new DomainError("login_id_taken", { loginId: u.loginId.trim() });
    return contract;
  }

  /**
   * マスターユーザ登録 from the application form: the system makes the initial passwords and hands
   * them back once, for the initial-password letter; the master changes the login password at first login.
   */
  async registerMaster(code: string, u: NewMaster) {
    const contract = await this.checkMaster(code, u);
    return addUserWithLetter(this.deps, this.bank, { contractId: contract.id, loginId: u.loginId.trim(), name: u.name.trim(), email: u.email.trim(), role: "master" }, this.ctx);
  }

  /**
   * 証明書失効 on a paper form (電子証明書失効依頼書): by login ID (every live certificate of that
   * user) or by serial; each revocation is audited with the form's reference and is in the CRL and
   * OCSP before this returns.
   */
  async revoke(target: string, reason: string, reference: string | undefined): Promise<{ serials: string[]; loginId: string }> {
    await this.require("certificate.revoke", "certificate.revoke", { target: target.slice(0, 40) });
    const ref = this.reference(reference);
    if (!isRevocationReason(reason) || reason === "superseded") throw new DomainError("revocation_reason_invalid", { reason: reason.slice(0, 40) });
    const t = await this.revocationTarget(target);
    const serials: string[] = [];
    for (const c of t.certificates) {
      const r = await revokeCertificate({ deps: this.deps, bank: this.bank, ctx: this.ctx }, { serial: c.serial, reason, reference: ref });
      serials.push(r.serial);
    }
    return { serials, loginId: t.user.loginId };
  }

  /** 再発行・初期化 on a paper form: back to 未発行, whatever is left revoked. */
  async reset(loginId: string, reference: string | undefined): Promise<string[]> {
    // an auditor is refused (and audited) by the rights table inside, whatever the form says
    const ref = this.who.role === "operator" ? this.reference(reference) : "";
    const revoked = await runUserOperation({ ...this.acting(), name: "reset", target: loginId.trim(), reference: ref });
    await this.paperForm("certificate.reset", loginId, ref);
    return revoked;
  }

  /**
   * A user and the state of their one-time-password token, for the token screens' confirmations;
   * a reset of a token never registered is refused here already (otp_reset refuses it again).
   */
  async userToken(loginId: string, purpose: "reset" | "register"): Promise<{ user: UserRecord; contract: ContractRecord; token: "registered" | "pending" | "none" }> {
    const x = await this.userByLoginId(loginId);
    const token = x.user.totpSecret !== null ? "registered" : x.user.totpPending !== null ? "pending" : "none";
    if (purpose === "reset" && token === "none") throw new DomainError("otp_not_registered");
    return { ...x, token };
  }

  /** ワンタイムパスワード再設定 on a paper form (a lost phone; the master's is the bank's to reset): the user enrols again at the next login. */
  async resetToken(loginId: string, reference: string | undefined): Promise<void> {
    const ref = this.who.role === "operator" ? this.reference(reference) : "";
    await resetUserToken(this.acting(), loginId, ref);
    await this.paperForm("user.otp_reset", loginId, ref);
  }

  /** トークン登録 on a paper form: a token the bank registers for the user, its secret handed back once for the token letter. */
  async registerToken(loginId: string, reference: string | undefined): Promise<TokenLetter> {
    const ref = this.who.role === "operator" ? this.reference(reference) : "";
    const token = await registerUserToken(this.acting(), loginId, ref);
    await this.paperForm("user.otp_register", loginId, ref);
    const { user, contract } = await this.userByLoginId(token.loginId);
    return tokenLetter(this.bank, contract, user, token, this.deps.clock.now());
  }

  /**
   * パスワード再発行 on a paper form (a lost letter, forgotten passwords; a master's are the bank's
   * alone): new initial passwords, handed back once on the initial-password letter (STF014).
   */
  async reissuePasswords(loginId: string, reference: string | undefined): Promise<InitialLetter> {
    const ref = this.who.role === "operator" ? this.reference(reference) : "";
    const letter = await reissueWithLetter(this.acting(), loginId, ref);
    await this.paperForm("user.password_reissue", loginId, ref);
    return letter;
  }

  /** ロック解除 (a locked master goes to the bank) on a paper form. */
  async unlock(loginId: string, reference: string | undefined): Promise<void> {
    const ref = this.who.role === "operator" ? this.reference(reference) : "";
    await runUserOperation({ ...this.acting(), name: "unlock", target: loginId.trim() });
    await this.paperForm("user.unlock", loginId, ref);
  }

  /** CRL 即時更新: a new CRL now, with the next number. */
  async rebuildCrl(): Promise<number> {
    await this.require("crl.rebuild", "crl.rebuild");
    const n = await this.deps.ca.rebuildCrl(this.bankId);
    await this.audit({ action: "crl.rebuild", result: "ok", detail: { crlNumber: n } });
    return n;
  }

  /** This staff member as the user-operations table is given them. */
  private acting() {
    return { deps: this.deps, bank: this.bank, who: { actor: this.actor }, ctx: this.ctx };
  }

  /** Which paper form an operation on a user was done for (the operation's own record names the user). */
  private async paperForm(operation: string, loginId: string, reference: string): Promise<void> {
    const user = await this.deps.store.getUserByLoginId(this.bankId, loginId.trim());
    await this.deps.store.write(this.bankId, (w) =>
      w.audit({ at: this.deps.clock.now(), actorKind: "staff", actorId: this.who.staffId, address: this.ctx.address, certSerial: this.who.serial, action: "staff.paper_form", contractId: user?.contractId ?? null, targetUserId: user?.id ?? null, result: "ok", detail: { operation, reference, target: loginId.slice(0, 40) } }),
    );
  }
}
