import { parseDuration, addDuration } from "./duration.js";
import { localParts } from "./time-zone.js";
import { renewalWindow } from "./renewal-window.js";

export { renewalOpensAt } from "./renewal-window.js";

/**
 * A certificate record's state. `signing` is the record written before the signature is made
 * (record before you sign); it holds the to-be-signed certificate and is finished by re-signing
 * that same content if the process died in between.
 */
export type CertState = "signing" | "pending" | "active" | "superseded" | "revoked";

/** RFC 5280 CRLReason codes that people choose from; 7 is unused by the standard. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export function isRevocationReason(s: string): s is RevocationReason {
  return Object.prototype.hasOwnProperty.call(REVOCATION_REASONS, s);
}

/** What the master sees per user on 利用者一覧. */
export type DisplayStatus = "not_issued" | "issued" | "renewable" | "expired" | "revoked";

export interface CertFacts {
  state: CertState;
  notAfter: Date;
  createdAt: Date;
}

/**
 * The user-facing status from the user's certificate records. The latest issued certificate
 * (pending counts, it is valid) decides; a reset leaves no current record and reads 未発行.
 */
export function displayStatus(records: CertFacts[], now: Date, window: string): DisplayStatus {
  const issued = records.filter((r) => r.state !== "signing");
  if (issued.length === 0) return "not_issued";
  const live = issued.filter((r) => r.state === "active" || r.state === "pending");
  const latest = [...issued].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]!;
  const current = live.sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
  if (current) {
    const w = renewalWindow(current.notAfter, window, now);
    return w.state === "expired" ? "expired" : w.state === "open" ? "renewable" : "issued";
  }
  return latest.state === "revoked" || latest.state === "superseded" ? "revoked" : "expired";
}

/** yyyyMMddHHmmss plus six fraction digits in the bank's zone, as the seeds' CNs carry. */
export function issuanceStamp(at: Date, offsetMinutes: number, micros: number): string {
  const t = localParts(at, offsetMinutes);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const fraction = t.ms * 1000 + (Math.abs(Math.trunc(micros)) % 1000);
  return `${t.year}${p(t.month)}${p(t.day)}${p(t.hour)}${p(t.minute)}${p(t.second)}${p(fraction, 6)}`;
}

/** CN=<loginId> <userNo> <issuedAt> */
export function commonName(loginId: string, userNo: string, stamp: string): string {
  return `${loginId} ${userNo} ${stamp}`;
}

/** The last instant acquisition is allowed after the certificate ended. */
export function graceEndsAt(notAfter: Date, grace: string): Date {
  return addDuration(notAfter, parseDuration(grace));
}
