import type { Store } from "../store/store.js";
import { auditVerifier } from "../ca/audit-key.js";
import { checkpointPayload } from "./checkpoints.js";
import { readSink, type CheckpointLine } from "./checkpoint-sink.js";

export type CheckpointFinding =
  | { kind: "sink_missing"; file: string }
  | { kind: "key_missing" }
  | { kind: "unreadable_line"; line: number }
  | { kind: "signature_fails"; checkpoint: CheckpointLine }
  | { kind: "records_missing"; checkpoint: CheckpointLine; records: number }
  | { kind: "rewritten"; checkpoint: CheckpointLine; found: string };

export interface CheckpointVerdict {
  ok: boolean;
  checked: number;
  last?: CheckpointLine;
  findings: CheckpointFinding[];
}

/**
 * Checks a bank's chain in the database against the signed checkpoints in the sink: every
 * checkpoint's signature, and that the record at its seq still has the hash it signed. A rewrite
 * (records deleted, the rest re-hashed, the head moved) keeps the chain self-consistent but breaks
 * the first checkpoint at or after the change; a truncation leaves checkpoints beyond the records.
 */
export async function verifyAgainstCheckpoints(store: Store, bankId: string, dataDir: string, sinkFile: string): Promise<CheckpointVerdict> {
  const sink = readSink(sinkFile);
  // no sink and no checkpoint ever recorded: a chain that no serving node has signed yet
  if (!sink && !(await store.checkpoints.last(bankId))) return { ok: true, checked: 0, findings: [] };
  if (!sink) return { ok: false, checked: 0, findings: [{ kind: "sink_missing", file: sinkFile }] };
  const key = auditVerifier(dataDir);
  if (!key) return { ok: false, checked: 0, findings: [{ kind: "key_missing" }] };
  const findings: CheckpointFinding[] = sink.bad.map((line) => ({ kind: "unreadable_line", line }) as const);
  const { rows } = await store.auditChain(bankId);
  const hashAt = new Map(rows.map((r) => [Number(r.seq), r.hash]));
  const mine = sink.lines.filter((l) => l.bank === bankId);
  for (const c of mine) {
    if (c.keyId !== key.keyId || !key.verify(checkpointPayload(c), c.sig)) findings.push({ kind: "signature_fails", checkpoint: c });
    else if (!hashAt.has(c.seq)) findings.push({ kind: "records_missing", checkpoint: c, records: rows.length });
    else if (hashAt.get(c.seq) !== c.head) findings.push({ kind: "rewritten", checkpoint: c, found: hashAt.get(c.seq)! });
  }
  return { ok: findings.length === 0, checked: mine.length, last: mine.at(-1), findings };
}

/** One finding in a sentence, naming the checkpoint. */
export function describeFinding(f: CheckpointFinding): string {
  const name = (c: CheckpointLine) => `checkpoint seq ${c.seq} of ${c.at}`;
  switch (f.kind) {
    case "sink_missing":
      return `the checkpoint sink ${f.file} is missing`;
    case "key_missing":
      return "the audit public key (audit/audit-key.pub.pem) is missing";
    case "unreadable_line":
      return `sink line ${f.line} is not a checkpoint`;
    case "signature_fails":
      return `${name(f.checkpoint)}: its signature fails`;
    case "records_missing":
      return `${name(f.checkpoint)}: records missing below it (the chain has ${f.records} records)`;
    case "rewritten":
      return `${name(f.checkpoint)} no longer matches: the chain was rewritten or re-hashed (record ${f.checkpoint.seq} hashes ${f.found.slice(0, 16)}…, signed ${f.checkpoint.head.slice(0, 16)}…)`;
  }
}
