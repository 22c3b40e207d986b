import { createHash } from "node:crypto";

export type ActorKind = "user" | "staff" | "system" | "cli" | "anonymous";
export type AuditResult = "ok" | "refused" | "error";

/** One operation as the log keeps it: who, when, from where, what, on whom, and the result. */
export interface AuditEntry {
  at: Date;
  actorKind: ActorKind;
  actorId: string;
  address?: string | null;
  certSerial?: string | null;
  action: string;
  contractId?: number | null;
  targetUserId?: number | null;
  result: AuditResult;
  detail?: Record<string, string | number | boolean | null>;
}

export interface ChainedFields {
  bankId: string;
  seq: number;
  prevHash: string;
}

/** Keys sorted so that the same event always hashes the same on every node and database. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}

/**
 * Each record's hash covers its own fields and the previous record's hash, per bank: a changed,
 * inserted or deleted record breaks the chain at that point.
 */
export function chainHash(c: ChainedFields, e: AuditEntry): string {
  const body = canonical({
    bankId: c.bankId,
    seq: c.seq,
    prev: c.prevHash,
    at: e.at.getTime(),
    actorKind: e.actorKind,
    actorId: e.actorId,
    address: e.address ?? null,
    certSerial: e.certSerial ?? null,
    action: e.action,
    contractId: e.contractId ?? null,
    targetUserId: e.targetUserId ?? null,
    result: e.result,
    detail: e.detail ?? {},
  });
  return createHash("sha256").update(body).digest("hex");
}
