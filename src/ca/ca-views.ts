/**
 * The two narrow views of the CA that the rest of the program is handed. Neither holds a signer:
 * web/ gets published status only (certificates, CRLs, OCSP answers, "is this one of ours");
 * lifecycle/ gets the operations a registration authority needs (prepare and sign a user
 * certificate of its bank, republish status) and nothing more. Types only: importing this module
 * brings no key code along.
 */
import type { PresentedCertificate } from "./client-identity.js";

export type { PresentedCertificate } from "./client-identity.js";

/** A CRL as published: its number, when it was signed and when it runs out (ms), and its bytes. */
export interface PublishedCrl {
  number: number;
  thisUpdate: number;
  nextUpdate: number;
  der: Uint8Array;
}

/** What web/ may see of the CA: what relying parties fetch and what identifies a presented certificate. */
export interface CaStatus {
  bankIds(): string[];
  hasBank(bankId: string): boolean;
  /** the bank's issuing CA certificates then its root: EST cacerts, a PKCS#12 chain */
  chain(bankId: string): Uint8Array[] | undefined;
  /** a CA certificate of the bank as served at caIssuers, by its record number */
  caCertificate(bankId: string, caId: number): Uint8Array | undefined;
  /** the current CRL of one CA of the bank */
  crl(bankId: string, caId: number): PublishedCrl | undefined;
  /** an OCSP answer for a DER request (undefined: no such bank) */
  ocsp(bankId: string, request: Uint8Array): Promise<Uint8Array | undefined>;
  /** the bank and serial of a certificate one of our issuing CAs signed */
  identifyClient(der: Uint8Array): PresentedCertificate | undefined;
}

export interface UserCertificateTemplate {
  commonName: string;
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

export interface PreparedUserCertificate {
  serial: string;
  tbsDer: Uint8Array;
  subject: string;
}

/** One issuing CA, as lifecycle/ uses it: prepare a TBS, then sign exactly that TBS. */
export interface UserCertificateIssuer {
  /** the issuing CA's record number (certificates.ca_id) */
  readonly caId: number;
  /** issuing CA then root, for the answer to the holder */
  readonly chain: Uint8Array[];
  /** when the issuing CA's certificate runs out */
  readonly notAfter: Date;
  prepareUserCertificate(p: UserCertificateTemplate): PreparedUserCertificate;
  sign(tbsDer: Uint8Array): Promise<Uint8Array>;
}

/** What lifecycle/ may do with the CA. */
export interface CaOperations {
  /** the bank's issuing CA for new certificates, or (with caId) the one that prepared a record */
  issuer(bankId: string, caId?: number): UserCertificateIssuer | undefined;
  identifyClient(der: Uint8Array): PresentedCertificate | undefined;
  /** a revocation was recorded in this process: status answers change before this returns */
  revoked(bankId: string): Promise<void>;
  /** a new CRL now (CRL 即時更新); its number */
  rebuildCrl(bankId: string): Promise<number>;
  /** the bank's current CRL: number and nextUpdate */
  crlStatus(bankId: string): { number: number; nextUpdate: Date } | undefined;
}
