import { X509Certificate } from "node:crypto";
import type { CertificateAuthority } from "./authority.js";

export interface CaExpiries {
  certificates: Array<{ bank: string; kind: string; generation: string; notAfter: Date }>;
  crls: Array<{ bank: string; ca: string; nextUpdate: Date }>;
}

/**
 * Every CA and responder certificate's end and every CRL's nextUpdate a CA serves, for the
 * Prometheus gauges (and their alerting rules, docs/prometheus-alerts.yml). A revoked generation
 * is left out: nothing of it is to be kept alive.
 */
export function caExpiries(ca: CertificateAuthority): CaExpiries {
  const out: CaExpiries = { certificates: [], crls: [] };
  const end = (der: Uint8Array) => new Date(new X509Certificate(Buffer.from(der)).validTo);
  for (const bank of ca.bankIds()) {
    const active = ca.bank(bank)!;
    out.certificates.push({ bank, kind: "root", generation: "", notAfter: end(active.root.der) });
    const root = ca.crl(bank, active.root.id);
    if (root) out.crls.push({ bank, ca: "root", nextUpdate: new Date(root.nextUpdate) });
    for (const g of ca.liveGenerations(bank)) {
      if (g.generation.revokedAt) continue;
      const generation = `G${g.generation.number}`;
      out.certificates.push({ bank, kind: "issuing", generation, notAfter: g.issuingNotAfter }, { bank, kind: "ocsp", generation, notAfter: g.ocspNotAfter });
      const c = ca.crl(bank, g.issuing.id);
      if (c) out.crls.push({ bank, ca: generation, nextUpdate: new Date(c.nextUpdate) });
    }
  }
  return out;
}
