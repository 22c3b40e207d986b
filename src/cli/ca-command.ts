import { rootKeyFiles, rootOperations, type Runtime } from "./runtime.js";
import { moveRootKey } from "../ca/root-key-move.js";
import { writeCaFiles } from "./serve.js";
import { parseGeneration } from "../domain/ca-generations.js";
import { isRevocationReason } from "../domain/certificate.js";

export const CA_USAGE = `  inkan ca init --bank B              key ceremony for a bank added to the configuration
  inkan ca crl --bank B [--root]      rebuild the bank's CRLs now (--root: sign the root's CRL, with the root key)
  inkan ca rollover --bank B          ceremony: a new issuing CA generation signed by the root (G1 → G2)
  inkan ca revoke --bank B --generation Gn --reason caCompromise
                                      ceremony: the root revokes a generation (a newer one must exist)
  inkan ca move-root --bank B         a root key made before the offline root: from ca/ into root-ca/`;

type Fail = (msg: string) => Error;

/**
 * \`inkan ca crl|rollover|revoke|move-root\`: the ceremonies. Those that sign with the root open its
 * own key store (<dataDir>/root-ca/ and its own passphrase, or its own token); \`inkan serve\` never does.
 */
export async function caCommand(rt: Runtime, sub: string | undefined, a: { bank?: string; root?: boolean; generation?: string; reason?: string }, actor: string, fail: Fail): Promise<void> {
  const bank = a.bank;
  if (!bank) throw fail("--bank is required");
  if (!rt.ca.bank(bank)) throw fail(`unknown bank ${bank}`);
  if (sub === "crl") {
    if (a.root) {
      const r = await (await rootOperations(rt)).signRootCrl(bank, actor);
      console.log(`bank ${bank}: root CRL number ${r.number} signed, valid until ${r.nextUpdate.toISOString()}`);
      return;
    }
    const n = await rt.ca.rebuildCrl(bank);
    console.log(`bank ${bank}: CRL number ${n} published (every live generation's CRL rebuilt)`);
    return;
  }
  if (sub === "rollover") {
    const made = await (await rootOperations(rt)).rollover(bank, actor);
    writeCaFiles(rt);
    console.log(`bank ${bank}: generation G${made.generation} (${made.subject}, issuing CA ${made.caId}) signs from now on, valid until ${made.notAfter.toISOString()}`);
    return;
  }
  if (sub === "revoke") {
    const generation = parseGeneration(a.generation ?? "");
    if (generation === undefined) throw fail("--generation is required (G1, G2, …)");
    const reason = a.reason ?? "cACompromise";
    const name = reason === "caCompromise" ? "cACompromise" : reason;
    if (!isRevocationReason(name)) throw fail(`--reason ${reason} is not a revocation reason`);
    const done = await (await rootOperations(rt)).revokeGeneration(bank, generation, name, actor);
    const reset = await rt.lifecycle.issuerRevoked(bank, done.caId, actor);
    writeCaFiles(rt);
    console.log(`bank ${bank}: generation G${generation} (issuing CA ${done.caId}) revoked; root CRL number ${done.rootCrlNumber} lists it; ${reset.certificates} certificates revoked, ${reset.reset} users returned to 未発行 (Not issued) and notified, ${reset.kept} keep a newer certificate`);
    return;
  }
  if (sub === "move-root") {
    const root = (await rt.store.bankCas(bank)).find((c) => c.kind === "root" && c.id === rt.ca.bank(bank)!.root.id);
    if (!root) throw fail(`bank ${bank} has no root CA record`);
    const r = await moveRootKey({ store: rt.store, bankId: bank, root, ...rootKeyFiles(rt), clock: rt.clock, actor });
    if (r.moved) console.log(`bank ${bank}: root key moved into the root's own store (${r.keyRef}, under the root passphrase); the copy in ca/ is removed. Take root-ca/ and its passphrase off this machine (docs/ca-ceremony.md)`);
    else console.log(`bank ${bank}: the root key is in its own store already (${r.keyRef}); nothing to move${r.removedOld ? " — the copy an interrupted move left in ca/ is removed" : ""}`);
    return;
  }
  throw fail(`unknown: ca ${sub ?? ""}`);
}
