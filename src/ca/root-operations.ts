import { rolloverIssuingCa, revokeIssuingGeneration, type RootKey } from "./generations.js";
import { signRootCrl } from "./ceremony.js";
import type { CertificateAuthority } from "./authority.js";
import type { KeyStore } from "./key-store.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { RevocationReason } from "../domain/certificate.js";
import { DomainError } from "../domain/errors.js";

/**
 * The ceremonies that need the root's key: sign the root's CRL, sign a new issuing generation,
 * revoke one. Built only by the `inkan ca …` commands that are handed the root's own key store
 * (never by `inkan serve`); what they make goes into the database, where every serving process
 * picks it up (its poll), and into the CA this process runs.
 */
export class RootOperations {
  constructor(
    private readonly ca: CertificateAuthority,
    private readonly store: Store,
    private readonly onlineKeys: KeyStore,
    private readonly rootKeys: KeyStore,
    private readonly httpBase: string,
    private readonly clock: Clock,
  ) {}

  private async root(bankId: string): Promise<RootKey> {
    const active = this.ca.bank(bankId);
    if (!active) throw new Error(`unknown bank ${bankId}`);
    const rec = (await this.store.bankCas(bankId)).find((c) => c.kind === "root" && c.id === active.root.id);
    if (!rec) throw new Error(`bank ${bankId} has no root CA record`);
    // made before the offline root: online, under the CA passphrase, until `inkan ca move-root`
    if (rec.keyRef.startsWith("file:")) throw new DomainError("ca_root_not_moved", { bank: bankId });
    return { id: rec.id, der: rec.certDer, signer: await this.rootKeys.open(rec.keyRef) };
  }

  private params(bankId: string, actor: string) {
    return { store: this.store, keys: this.onlineKeys, bank: this.ca.bankConfig(bankId), httpBase: this.httpBase, clock: this.clock, actor };
  }

  /** Signs a new root CRL with the root key and publishes it. */
  async signRootCrl(bankId: string, actor: string): Promise<{ number: number; thisUpdate: Date; nextUpdate: Date }> {
    const signed = await signRootCrl({ ...this.params(bankId, actor), root: await this.root(bankId) });
    await this.ca.rootCrlSigned(bankId);
    return signed;
  }

  /** `inkan ca rollover`: the next generation, active from now on. */
  async rollover(bankId: string, actor: string): Promise<{ caId: number; generation: number; subject: string; notAfter: Date }> {
    const made = await rolloverIssuingCa({ ...this.params(bankId, actor), root: await this.root(bankId) });
    await this.ca.reloadBank(bankId);
    return made;
  }

  /** `inkan ca revoke --generation`: the root revokes a generation; its root CRL is signed at once. */
  async revokeGeneration(bankId: string, generation: number, reason: RevocationReason, actor: string): Promise<{ caId: number; rootCrlNumber: number }> {
    const done = await revokeIssuingGeneration({ ...this.params(bankId, actor), root: await this.root(bankId), generation, reason });
    await this.ca.rootCrlSigned(bankId);
    await this.ca.reloadBank(bankId);
    return done;
  }
}
