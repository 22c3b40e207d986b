import { Banks, type BankContext, type LifecycleDeps, type RequestContext } from "./context.js";
import { authenticatePassword } from "./authentication.js";
import { acquire, type IssuedCertificate } from "./acquisition.js";
import { revokeCertificate } from "./revocation.js";
import { addContract, addUser, type NewUser } from "./administration.js";
import { finishAllSigning } from "./recovery.js";
import type { LoginMethod } from "../domain/roles.js";

export type { RequestContext, BankContext } from "./context.js";
export type { IssuedCertificate } from "./acquisition.js";

/**
 * The registration authority: every decision about a certificate's life is taken here, and every
 * one is recorded and audited through the store before it has effect.
 */
export class Lifecycle {
  readonly banks: Banks;
  constructor(private readonly deps: LifecycleDeps) {
    this.banks = new Banks(deps.banks);
  }

  bank(bankId: string): BankContext {
    return this.banks.get(bankId);
  }

  /** EST simpleenroll: login ID and password, then acquisition. */
  async enrollWithPassword(bankId: string, loginId: string, password: string, csrBody: string | Uint8Array, ctx: Omit<RequestContext, "actorKind" | "actorId">): Promise<IssuedCertificate> {
    const bank = this.banks.get(bankId);
    const full: RequestContext = { ...ctx, actorKind: "user", actorId: loginId.slice(0, 40) };
    const who = await authenticatePassword(this.deps.store, this.deps.clock, bank, loginId, password, full, "certificate.acquire");
    return acquire(this.deps, bank, who, csrBody, full);
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

  /** Finishes whatever a crashed process left between recording and signing. */
  recover(): Promise<number> {
    return finishAllSigning(this.deps);
  }
}
