import type { CrlRecord } from "../store/records.js";
import type { PublishedCrl as ServedCrl } from "./ca-views.js";

/** A CRL as this process serves it, with the status revision it reflects (which web/ does not see). */
export interface PublishedCrl extends ServedCrl {
  statusRevision: number;
}

export function publishedCrl(c: Pick<CrlRecord, "number" | "statusRevision" | "thisUpdate" | "nextUpdate" | "der">): PublishedCrl {
  return { number: c.number, statusRevision: c.statusRevision, thisUpdate: c.thisUpdate.getTime(), nextUpdate: c.nextUpdate.getTime(), der: c.der };
}

/**
 * Issuing generations retired because their certificate ran out (and so every certificate they
 * signed): they sign no more CRLs and answer no OCSP, but the last CRL stays published, with the
 * generation's certificate at caIssuers, until that CRL's nextUpdate — a verifier holding an old
 * chain may still fetch it. After that the URLs answer 404: a CRL past its nextUpdate is refused by
 * every verifier, and the CA it speaks for has expired.
 */
export class RetiredGenerations {
  private readonly kept = new Map<number, { bankId: string; crl: PublishedCrl; der: Uint8Array }>();

  has(caId: number): boolean {
    return this.kept.has(caId);
  }

  /** Keeps a retired generation's last CRL (when it has one still current) and its certificate. */
  keep(bankId: string, caId: number, der: Uint8Array, crl: PublishedCrl | undefined, now: number): void {
    if (crl && crl.nextUpdate > now) this.kept.set(caId, { bankId, crl, der });
  }

  /** The retired generation's last CRL and certificate while that CRL is current; forgotten after. */
  get(bankId: string, caId: number, now: number): { crl: PublishedCrl; der: Uint8Array } | undefined {
    const r = this.kept.get(caId);
    if (!r || r.bankId !== bankId) return undefined;
    if (r.crl.nextUpdate <= now) {
      this.kept.delete(caId);
      return undefined;
    }
    return r;
  }
}
