import type { UserRole } from "./roles.js";

/** What someone can do to a user (SPEC.md "Flows" and "User management"). */
export type Right =
  | "certificate.revoke"
  | "certificate.reset"
  | "user.suspend"
  | "user.resume"
  | "user.unlock"
  | "user.add"
  | "user.change"
  | "user.delete"
  | "user.password_reset"
  /** ワンタイムパスワード初期化: the user's token is cleared; the user enrols again at the next login */
  | "user.otp_reset"
  /** the bank registers a token for the user and hands its secret over once (a token letter) */
  | "user.otp_register"
  /** パスワード再発行: new initial passwords made by the system, handed over on the bank's letter */
  | "user.password_reissue"
  /** 自身の情報の変更: one's own name and e-mail address, and nobody else's */
  | "user.change_self"
  | "history.view";

export type StaffRole = "operator" | "auditor";

export type Actor =
  | { kind: "user"; bankId: string; contractId: number; userId: number; role: UserRole }
  | { kind: "staff"; bankId: string; staffId: string; role: StaffRole }
  | { kind: "system"; bankId: string };

export interface Target {
  bankId: string;
  contractId: number;
  userId: number;
  role: UserRole;
}

export type Decision = "allow" | "deny" | "not_found" | "paper";

/**
 * 操作履歴照会's reach: the master sees the whole contract, admin and general users only what
 * concerns themselves; bank staff (and the system) see their bank. `decide(…, "history.view", …)`
 * answers from this, so a screen asking "whose history" and a check on one user agree.
 */
export type HistoryScope = "bank" | "contract" | "own";

export function historyScope(actor: Actor): HistoryScope {
  if (actor.kind !== "user") return "bank";
  return actor.role === "master" ? "contract" : "own";
}

/**
 * The one table of who may do what to whom. A target outside the actor's bank or contract is
 * "not_found", never "deny": its existence is not the actor's business. "paper" is the master's
 * own certificate at banks whose policy sends it to the branch.
 */
export function decide(actor: Actor, right: Right, target: Target, opts: { masterSelfRevokeOnline: boolean }): Decision {
  if (actor.bankId !== target.bankId) return "not_found";
  if (actor.kind === "system") return "allow";
  if (actor.kind === "staff") {
    if (actor.role === "auditor") return right === "history.view" ? "allow" : "deny";
    return "allow";
  }
  if (actor.contractId !== target.contractId) return "not_found";
  const self = actor.userId === target.userId;
  const general = target.role === "general";
  if (right === "history.view") return self || historyScope(actor) === "contract" ? "allow" : "deny";
  // a token letter and a password letter come from the bank only: a customer never learns another
  // user's secret (the master's and an admin's パスワード再設定 sets a temporary login password only)
  if (right === "user.otp_register" || right === "user.password_reissue") return "deny";
  // 自身の情報の変更・照会 is every user's own, whatever the role
  if (right === "user.change_self") return self ? "allow" : "deny";
  switch (actor.role) {
    case "master":
      switch (right) {
        case "certificate.revoke":
          if (self) return opts.masterSelfRevokeOnline ? "allow" : "paper";
          return "allow";
        case "user.add":
          return target.role === "master" ? "deny" : "allow";
        default:
          // reset, suspend, resume, unlock, change, delete, password and token reset: others only, never the master
          return self || target.role === "master" ? "deny" : "allow";
      }
    case "admin":
      switch (right) {
        case "certificate.revoke":
          // any certificate of the contract, the master's and other admins' included: the seeds send a
          // user who deleted a certificate by mistake to "another user with 管理者権限" for its
          // revocation. Revoking only takes a certificate away; getting a new one (reset) stays the
          // master's or the bank's for anyone but general users.
          return "allow";
        case "user.add":
          return general ? "allow" : "deny";
        default:
          return !self && general ? "allow" : "deny";
      }
    case "general":
      return "deny";
  }
}

/**
 * The roles the actor may give a user of their contract — in 利用者登録 and, as a change of role, in
 * 利用者変更 — read off the table's user.add row for a user about to be: admin and general for the
 * master, general for an admin, none for a general user.
 */
export function grantableRoles(actor: Actor): UserRole[] {
  if (actor.kind !== "user") return [];
  const candidates: UserRole[] = ["admin", "general"];
  return candidates.filter((role) => decide(actor, "user.add", { bankId: actor.bankId, contractId: actor.contractId, userId: 0, role }, { masterSelfRevokeOnline: false }) === "allow");
}

/** Whether 利用者管理 is the actor's at all: whoever may register a user manages the contract's users. */
export function managesUsers(actor: Actor): boolean {
  return grantableRoles(actor).length > 0;
}

/** What can be done with a contract as a whole: 企業管理 — 企業情報の照会 (read only). */
export type ContractRight = "contract.view";

/**
 * 企業情報の照会: the master and admins read their own contract (its code, name, login method and
 * users against the limit); a general user does not; bank staff read their bank's contracts.
 * Another contract or bank is not found.
 */
export function decideOnContract(actor: Actor, right: ContractRight, contract: { bankId: string; contractId: number }): Decision {
  if (actor.bankId !== contract.bankId) return "not_found";
  if (actor.kind !== "user") return "allow";
  if (actor.contractId !== contract.contractId) return "not_found";
  return right === "contract.view" && actor.role !== "general" ? "allow" : "deny";
}

/** Whether the actor sees 企業管理 in 業務選択: the table's contract.view row for their own contract. */
export function viewsOwnContract(actor: Actor): boolean {
  return actor.kind === "user" && decideOnContract(actor, "contract.view", { bankId: actor.bankId, contractId: actor.contractId }) === "allow";
}

/**
 * What bank staff do in their bank's console that is not aimed at one user: read the console
 * (dashboard, contracts, users, audit search and verification) or change something of the bank.
 * Auditors read only; operators do everything; customers none of this; another bank is not found.
 */
export type BankRight =
  | "console.view"
  | "audit.view"
  | "contract.open"
  /** a contract's details on a 申込書: its login method (certificate ↔ ID/password) */
  | "contract.change"
  | "user.register_master"
  | "certificate.revoke"
  | "certificate.reset"
  | "user.unlock"
  /** ワンタイムパスワード再設定 of any user (the master's is the bank's alone) */
  | "user.otp_reset"
  /** トークン登録: the bank registers a token and hands its secret over once, on a token letter */
  | "user.otp_register"
  /** パスワード再発行 (a lost initial-password letter, forgotten passwords): a new letter, on a paper form */
  | "user.password_reissue"
  | "crl.rebuild";

const STAFF_READ_RIGHTS: ReadonlySet<BankRight> = new Set<BankRight>(["console.view", "audit.view"]);

export function decideOnBank(actor: Actor, right: BankRight, bankId: string): Decision {
  if (actor.bankId !== bankId) return "not_found";
  if (actor.kind === "system") return "allow";
  if (actor.kind !== "staff") return "deny";
  return actor.role === "operator" || STAFF_READ_RIGHTS.has(right) ? "allow" : "deny";
}
