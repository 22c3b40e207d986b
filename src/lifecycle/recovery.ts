import type { CaOperations } from "../ca/ca-views.js";
import type { Store, CertificateRecord } from "../store/store.js";
import type { Clock } from "../domain/clock.js";

/**
 * Finishes a record left in `signing` by a process that died between recording and storing the
 * signature: the stored TBS is signed again (same serial, same content) and stored. The first
 * signature, if it was made at all, never left the process, so nothing is issued twice.
 */
export async function finishSigning(deps: { store: Store; ca: CaOperations; clock: Clock }, c: CertificateRecord): Promise<boolean> {
  const bankCa = deps.ca.issuer(c.bankId, c.caId);
  if (!bankCa) return false;
  const der = await bankCa.sign(c.tbsDer);
  return deps.store.write(c.bankId, async (w) => {
    const done = await w.completeSigning(c.serial, der, deps.clock.now());
    if (done) {
      await w.audit({ at: deps.clock.now(), actorKind: "system", actorId: "recovery", certSerial: c.serial, action: "certificate.issued", contractId: c.contractId, targetUserId: c.userId, result: "ok", detail: { recovered: true } });
    }
    return done;
  });
}

export async function finishAllSigning(deps: { store: Store; ca: CaOperations; clock: Clock }): Promise<number> {
  let n = 0;
  for (const c of await deps.store.unfinishedSignings()) if (await finishSigning(deps, c)) n++;
  return n;
}
