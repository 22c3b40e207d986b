import type { CodeMail } from "./mail-codes.js";
import type { Store } from "../store/store.js";
import type { CaOperations } from "../ca/ca-views.js";
import type { Clock } from "../domain/clock.js";
import type { BankPolicy } from "../domain/policy.js";
import type { ActorKind } from "../domain/audit.js";
import { DomainError } from "../domain/errors.js";
import { effectivePolicy, type BankConfig } from "../config/schema.js";
import { zoneOffsetMinutes } from "../domain/time-zone.js";

export interface BankContext {
  config: BankConfig;
  policy: BankPolicy;
  offsetMinutes: number;
}

/** Who asks, and from where: what every audit record needs. */
export interface RequestContext {
  actorKind: ActorKind;
  actorId: string;
  address?: string | null;
  /** the serial of the client certificate the request came with, if any */
  certSerial?: string | null;
}

export interface LifecycleDeps {
  store: Store;
  ca: CaOperations;
  clock: Clock;
  banks: BankConfig[];
  /** where メール通知パスワード are mailed at once (the server's mail settings) */
  codeMail?: CodeMail;
}

/** What the flows use: the store, the CA's signing operations, the clock. */
export type Deps = { store: Store; ca: CaOperations; clock: Clock };

/** One step of a flow in one bank: what it uses, the bank, and who asks. */
export interface BankScope {
  deps: Deps;
  bank: BankContext;
  ctx: RequestContext;
}

/** A step whose refusals are audited under the flow's action (certificate.renew, login, …). */
export interface AuditedStep extends BankScope {
  action: string;
}

/** Who asks, before the flow knows them: the address and the certificate serial, if any. */
export type RequestBase = Omit<RequestContext, "actorKind" | "actorId">;

export class Banks {
  private readonly map = new Map<string, BankContext>();
  constructor(banks: BankConfig[]) {
    for (const b of banks) {
      const policy = effectivePolicy(b);
      this.map.set(b.id, { config: b, policy, offsetMinutes: zoneOffsetMinutes(policy.timeZone) });
    }
  }
  get(bankId: string): BankContext {
    const b = this.map.get(bankId);
    if (!b) throw new DomainError("bank_not_found", { bank: bankId });
    return b;
  }
  has(bankId: string): boolean {
    return this.map.has(bankId);
  }
  list(): BankContext[] {
    return [...this.map.values()];
  }
}
