import { chainHash } from "../domain/audit.js";
import type { Store } from "../store/store.js";

export type AuditVerdict = { ok: true; count: number } | { ok: false; count: number; firstBadSeq: number; problem: string };

/**
 * Walks a bank's chain from the start: a changed record fails its own hash, an inserted or deleted
 * one breaks the sequence or the link to its predecessor, and a deletion at the end is caught by
 * the head kept on the bank row.
 */
export async function verifyAuditChain(store: Store, bankId: string): Promise<AuditVerdict> {
  const { rows, headSeq, headHash } = await store.auditChain(bankId);
  let prev = "";
  let expectSeq = 1;
  for (const r of rows) {
    const seq = Number(r.seq);
    if (seq !== expectSeq) return { ok: false, count: rows.length, firstBadSeq: expectSeq, problem: `record ${expectSeq} is missing (found ${seq})` };
    if (r.prev_hash !== prev) return { ok: false, count: rows.length, firstBadSeq: seq, problem: "link to the previous record is broken" };
    const entry = {
      at: new Date(Number(r.at)),
      actorKind: r.actor_kind as any,
      actorId: r.actor_id,
      address: r.address,
      certSerial: r.cert_serial,
      action: r.action,
      contractId: r.contract_id === null ? null : Number(r.contract_id),
      targetUserId: r.target_user_id === null ? null : Number(r.target_user_id),
      result: r.result as any,
      detail: JSON.parse(r.detail),
    };
    if (chainHash({ bankId, seq, prevHash: prev }, entry) !== r.hash) return { ok: false, count: rows.length, firstBadSeq: seq, problem: "record content was changed" };
    prev = r.hash;
    expectSeq++;
  }
  if (headSeq !== rows.length || headHash !== prev) return { ok: false, count: rows.length, firstBadSeq: rows.length + 1, problem: `records after ${rows.length} were deleted (head says ${headSeq})` };
  return { ok: true, count: rows.length };
}
