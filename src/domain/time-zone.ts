/** Offsets of the zones banks use. Japan has no daylight saving, so a fixed offset is exact. */
const OFFSETS: Record<string, number> = {
  "Asia/Tokyo": 9 * 60,
  UTC: 0,
};

export function zoneOffsetMinutes(zone: string): number {
  const off = OFFSETS[zone];
  if (off === undefined) throw new Error(`unsupported time zone: ${zone}`);
  return off;
}

export const SUPPORTED_ZONES = Object.keys(OFFSETS);

/** Calendar fields of an instant as seen in the zone. */
export function localParts(at: Date, offsetMinutes: number) {
  const l = new Date(at.getTime() + offsetMinutes * 60_000);
  return {
    year: l.getUTCFullYear(),
    month: l.getUTCMonth() + 1,
    day: l.getUTCDate(),
    hour: l.getUTCHours(),
    minute: l.getUTCMinutes(),
    second: l.getUTCSeconds(),
    ms: l.getUTCMilliseconds(),
  };
}

const p2 = (n: number) => String(n).padStart(2, "0");

/** 2027年06月02日 08時59分59秒 — the way the seeds print an expiry. */
export function formatJaDateTime(at: Date, offsetMinutes: number): string {
  const t = localParts(at, offsetMinutes);
  return `${t.year}年${p2(t.month)}月${p2(t.day)}日 ${p2(t.hour)}時${p2(t.minute)}分${p2(t.second)}秒`;
}

/** 2027-06-02 08:59:59 +09:00 */
export function formatLocalDateTime(at: Date, offsetMinutes: number): string {
  const t = localParts(at, offsetMinutes);
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const off = Math.abs(offsetMinutes);
  return `${t.year}-${p2(t.month)}-${p2(t.day)} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)} ${sign}${p2(Math.floor(off / 60))}:${p2(off % 60)}`;
}
