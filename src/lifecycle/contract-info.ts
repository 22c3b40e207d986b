import { DomainError } from "../domain/errors.js";
import { decideOnContract } from "../domain/rights.js";
import type { LoginMethod } from "../domain/roles.js";
import type { Actor } from "../domain/rights.js";
import type { UserRecord } from "../store/store.js";
import type { BankContext, Deps } from "./context.js";
import { userCertificateEntry, type UserCertificateEntry } from "./user-certificates.js";

/** 企業情報の照会: the contract as its customers may read it. */
export interface ContractFacts {
  code: string;
  name: string;
  loginMethod: LoginMethod;
  /** users registered now (deleted ones no longer count) */
  users: number;
  /** the bank's limit per contract (maxUsersPerContract) */
  limit: number;
}

/** 企業管理 — 企業情報の照会 for the viewer's own contract, as the rights table allows (master and admins). Read only. */
export async function contractFacts(deps: Deps, bank: BankContext, viewer: { actor: Actor; user: UserRecord }): Promise<ContractFacts> {
  const bankId = bank.config.id;
  const verdict = decideOnContract(viewer.actor, "contract.view", { bankId, contractId: viewer.user.contractId });
  if (verdict === "not_found") throw new DomainError("not_found");
  if (verdict !== "allow") throw new DomainError("not_permitted");
  const contract = await deps.store.getContract(bankId, viewer.user.contractId);
  if (!contract) throw new DomainError("not_found");
  return { code: contract.code, name: contract.name, loginMethod: contract.loginMethod, users: await deps.store.countUsers(bankId, contract.id), limit: bank.policy.maxUsersPerContract };
}

/** 自身の情報の照会: the viewer as stored now (name, e-mail, role) with 証明書状態 and the current certificate. */
export async function ownInformation(deps: Deps, bank: BankContext, viewer: UserRecord): Promise<UserCertificateEntry> {
  const fresh = await deps.store.getUser(bank.config.id, viewer.id);
  if (!fresh || fresh.status === "deleted") throw new DomainError("user_not_found");
  return userCertificateEntry(deps, bank, fresh, deps.clock.now());
}
