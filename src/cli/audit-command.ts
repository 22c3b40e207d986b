import { verifyAuditChain } from "../audit/verify.js";
import { describeFinding, verifyAgainstCheckpoints } from "../audit/verify-checkpoints.js";
import { defaultSinkFile } from "../audit/checkpoint-sink.js";
import type { Runtime } from "./runtime.js";

/**
 * `inkan audit verify --bank B [--sink FILE]`: the chain's own links, then the chain against the
 * signed checkpoints outside the database. Exit 5 when either fails, naming what was found.
 */
export async function auditVerifyCommand(rt: Runtime, bank: string, sinkFile?: string): Promise<void> {
  const chain = await verifyAuditChain(rt.store, bank);
  if (chain.ok) console.log(`bank ${bank}: ${chain.count} audit records, chain intact`);
  else console.error(`bank ${bank}: audit chain broken at record seq ${chain.firstBadSeq}: ${chain.problem}`);
  const file = sinkFile ?? rt.config.audit.file ?? defaultSinkFile(rt.config.dataDir);
  const v = await verifyAgainstCheckpoints(rt.store, bank, rt.config.dataDir, file);
  for (const f of v.findings) console.error(`bank ${bank}: ${describeFinding(f)}`);
  if (v.ok) {
    const after = v.last ? chain.count - v.last.seq : chain.count;
    if (v.checked === 0) console.log(`bank ${bank}: no signed checkpoint yet (none in the database, no sink at ${file}): the chain alone vouches for its ${chain.count} records`);
    else console.log(`bank ${bank}: ${v.checked} signed checkpoints match${v.last ? ` (last: seq ${v.last.seq} of ${v.last.at})` : ""}; ${after} records after the last checkpoint are covered only by the chain`);
  }
  if (!chain.ok || !v.ok) process.exitCode = 5;
}
