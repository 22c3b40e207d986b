import { parseDuration, subtractDuration } from "./duration.js";

/**
 * 更新 (SPEC.md "Renewal"): a certificate may be renewed from `renewalWindow` before its end up to
 * and including its last instant; after that it has expired and acquisition (within the grace
 * period) applies instead.
 */
export type RenewalState = "not_open" | "open" | "expired";

export interface RenewalWindow {
  state: RenewalState;
  opensAt: Date;
  notAfter: Date;
}

/** When renewal opens for a certificate ending at notAfter. */
export function renewalOpensAt(notAfter: Date, renewalWindow: string): Date {
  return subtractDuration(notAfter, parseDuration(renewalWindow));
}

/** Where `now` stands in the renewal window of a certificate ending at notAfter. */
export function renewalWindow(notAfter: Date, renewalWindow: string, now: Date): RenewalWindow {
  const opensAt = renewalOpensAt(notAfter, renewalWindow);
  const t = now.getTime();
  const state: RenewalState = t > notAfter.getTime() ? "expired" : t >= opensAt.getTime() ? "open" : "not_open";
  return { state, opensAt, notAfter };
}
