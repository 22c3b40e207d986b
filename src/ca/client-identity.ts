import { X509Certificate, createHash } from "node:crypto";

/** What a presented client certificate proves, once its signature has been checked. */
export interface PresentedCertificate {
  bankId: string;
  caId: number;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** the root revoked the issuing CA that signed it (compromise drill): refused, whatever its own state */
  issuerRevoked: boolean;
}

/**
 * Finds which bank's issuing CA signed a presented certificate, checking the signature ourselves
 * (Node's TLS verdict uses the wall clock and its own CA list; the rules here run on the injected
 * clock and must know the bank). Results are kept by the certificate's hash: a signature never
 * changes, while status is always read fresh.
 */
export class ClientCertificateVerifier {
  private readonly cache = new Map<string, PresentedCertificate | null>();
  private issuers: Array<{ bankId: string; caId: number; cert: X509Certificate; revoked: boolean }> = [];

  /** Every live generation of every bank; a revoked one is still recognised, so that it is refused as such. */
  setIssuers(cas: Array<{ bankId: string; caId: number; der: Uint8Array; revoked?: boolean }>): void {
    this.issuers = cas.map((b) => ({ bankId: b.bankId, caId: b.caId, cert: new X509Certificate(Buffer.from(b.der)), revoked: b.revoked ?? false }));
    this.cache.clear();
  }

  identify(der: Uint8Array): PresentedCertificate | undefined {
    const key = createHash("sha256").update(der).digest("base64");
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    let found: PresentedCertificate | null = null;
    try {
      const cert = new X509Certificate(Buffer.from(der));
      for (const i of this.issuers) {
        if (cert.checkIssued(i.cert) && cert.verify(i.cert.publicKey)) {
          found = { bankId: i.bankId, caId: i.caId, serial: cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, "").padStart(32, "0"), notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo), issuerRevoked: i.revoked };
          break;
        }
      }
    } catch {
      found = null;
    }
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, found);
    return found ?? undefined;
  }
}
