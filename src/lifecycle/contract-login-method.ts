import { DomainError } from "../domain/errors.js";
import type { LoginMethod } from "../domain/roles.js";
import type { ContractRecord } from "../store/store.js";
import type { BankContext, Deps, RequestContext } from "./context.js";

/** A contract's login method as a 申込書 (change form) would change it, with what it touches. */
export interface LoginMethodChange {
  contract: ContractRecord;
  from: LoginMethod;
  to: LoginMethod;
  /** certificates of the contract's users that are valid now (pending or active, not expired): they stay valid */
  validCertificates: number;
}

/**
 * What switching `code` to `method` would do, checked. The decision on certificates: switching to
 * ID/password revokes nothing. The certificates stay valid but are not asked for (login.ts refuses
 * a certificate login at a password contract and takes login ID + password; acquisition and renewal
 * refuse too), and they run out on their own dates. A switch back to certificates (a company that
 * went to ID/password while its PCs were replaced, say) finds them working again, with no
 * re-acquisition by every user. A bank that wants them gone revokes them on their own form.
 */
export async function loginMethodChange(deps: Deps, bank: BankContext, code: string, method: string): Promise<LoginMethodChange> {
  const bankId = bank.config.id;
  if (method !== "certificate" && method !== "password") throw new DomainError("not_found");
  const contract = await deps.store.getContractByCode(bankId, code.trim());
  if (!contract) throw new DomainError("contract_not_found");
  const now = deps.clock.now().getTime();
  let validCertificates = 0;
  for (const u of await deps.store.listUsers(bankId, contract.id)) {
    for (const c of await deps.store.userCertificates(bankId, u.id)) if ((c.state === "active" || c.state === "pending") && c.notAfter.getTime() > now) validCertificates++;
  }
  return { contract, from: contract.loginMethod, to: method, validCertificates };
}

/**
 * The switch itself, audited in its transaction (contract.login_method, with the form's reference
 * and the count of certificates left valid). Switching to the method the contract has changes
 * nothing and says so (`changed: false`).
 */
export async function switchLoginMethod(deps: Deps, bank: BankContext, ctx: RequestContext, p: { code: string; method: string; reference: string }): Promise<LoginMethodChange & { changed: boolean }> {
  const change = await loginMethodChange(deps, bank, p.code, p.method);
  const { contract, to } = change;
  const changed = await deps.store.writeStaff(bank.config.id, async (w, s) => {
    const changed = await s.setContractLoginMethod(contract.id, to);
    await w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: "contract.login_method", contractId: contract.id, result: "ok", detail: { code: contract.code, from: change.from, method: to, changed, reference: p.reference, validCertificates: change.validCertificates } });
    return changed;
  });
  return { ...change, changed };
}
