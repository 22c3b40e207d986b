import { addDuration, parseDuration } from "./duration.js";
import { certificateValidity } from "./validity.js";

/**
 * An issuing CA's generations (G1, G2, …) and the rule that no certificate outlives its issuer.
 * Pure: the CA and lifecycle/ ask, they do not decide.
 */

const SUFFIX = /\s*-\s*G\d+$/;

/** The generation the configured name is of: "… TEST CA - G4" is G4 (a bank that moved to Inkan mid-life); G1 without a suffix. */
export function firstGeneration(caName: string): number {
  const m = /-\s*G(\d+)$/.exec(caName);
  return m ? Number(m[1]) : 1;
}

/**
 * The issuing CA's name in generation n: the configured name is the first generation's ("… TEST
 * CA - G1"); later ones replace (or add) the "- Gn" suffix, as the seeds' banks name theirs.
 */
export function generationName(caName: string, n: number): string {
  if (n === firstGeneration(caName)) return caName;
  return `${caName.replace(SUFFIX, "")} - G${n}`;
}

/** The root's name: the bank's CA name without a generation, as the root outlives every one of them. */
export function rootName(caName: string): string {
  return `${caName.replace(SUFFIX, "")} Root`;
}

/** "G1", "G2": how an operator names a generation on the command line. */
export function parseGeneration(s: string): number | undefined {
  const m = /^G?([1-9]\d{0,3})$/i.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

/** After the last certificate's renewal window, the issuer must still have this long (clock skew, a late renewal). */
export const ISSUER_MARGIN = "P30D";
/** The dashboard and the metric warn this long before issuance would be refused. */
export const ISSUER_WARNING = "P1Y";

export type IssuerHorizonState = "ok" | "warn" | "refuse";

export interface IssuerHorizon {
  state: IssuerHorizonState;
  /** the last moment this issuer may sign: its end less one validity, the renewal window and the margin */
  lastIssuance: Date;
  /** from when the warning shows */
  warnFrom: Date;
}

/**
 * Whether the active generation may still sign: a certificate issued now runs one validity, is
 * renewed within its renewal window, and the issuer must outlive both by a margin. Computed from
 * the certificate a signature now would give (its calendar end in the bank's zone), not an estimate.
 */
export function issuerHorizon(p: { issuerNotAfter: Date; now: Date; validity: string; renewalWindow: string; offsetMinutes: number }): IssuerHorizon {
  const { notAfter } = certificateValidity(p.now, p.validity, p.offsetMinutes);
  const mustLast = addDuration(addDuration(notAfter, parseDuration(p.renewalWindow)), parseDuration(ISSUER_MARGIN));
  const spare = p.issuerNotAfter.getTime() - mustLast.getTime();
  const lastIssuance = new Date(p.now.getTime() + spare);
  const warnFrom = new Date(lastIssuance.getTime() - (addDuration(p.now, parseDuration(ISSUER_WARNING)).getTime() - p.now.getTime()));
  const state: IssuerHorizonState = spare < 0 ? "refuse" : p.now.getTime() >= warnFrom.getTime() ? "warn" : "ok";
  return { state, lastIssuance, warnFrom };
}
