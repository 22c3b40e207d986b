import { addDuration, isCalendarDuration, parseDuration } from "./duration.js";
import { localParts } from "./time-zone.js";

/**
 * Validity of a user certificate. For calendar durations (P1Y) the certificate ends at 23:59:59
 * UTC on the anniversary date counted in the bank's zone, which a Japanese user reads as
 * 08:59:59 JST on the day after the anniversary (「前回取得日の1年後の翌日」). Durations with a time
 * part (PT10M, for test banks) end exactly that long after issuance.
 */
export function certificateValidity(issuedAt: Date, validity: string, offsetMinutes: number) {
  const notBefore = new Date(Math.floor(issuedAt.getTime() / 1000) * 1000);
  const d = parseDuration(validity);
  if (!isCalendarDuration(d)) {
    return { notBefore, notAfter: new Date(notBefore.getTime() + d.timeMs + (d.days * 86_400_000)) };
  }
  const end = addDuration(issuedAt, d, offsetMinutes);
  const t = localParts(end, offsetMinutes);
  return { notBefore, notAfter: new Date(Date.UTC(t.year, t.month - 1, t.day, 23, 59, 59)) };
}
