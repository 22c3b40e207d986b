/**
 * A small DER writer for the structures built on hot paths (certificates, CRL entry lists, OCSP
 * answers): each one has a fixed shape, so writing the bytes directly costs microseconds where a
 * generic ASN.1 object model costs a millisecond.
 */

/** How many bytes the DER length field for a content of n bytes takes. */
export function lengthSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

/** Writes a DER length at `at` and returns the offset after it. */
export function writeLength(out: Uint8Array, at: number, n: number): number {
  const size = lengthSize(n);
  if (size === 1) {
    out[at] = n;
    return at + 1;
  }
  out[at] = 0x80 | (size - 1);
  for (let i = size - 1; i >= 1; i--) {
    out[at + i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return at + size;
}

/** Tag and length in front of n content bytes. */
export const tlvSize = (n: number) => 1 + lengthSize(n) + n;

export function concat(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const c of content) len += c.length;
  const out = new Uint8Array(tlvSize(len));
  out[0] = tag;
  let o = writeLength(out, 1, len);
  for (const c of content) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);

/** A BIT STRING with no unused bits (signatures, keys). */
export function bitString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(tlvSize(bytes.length + 1));
  out[0] = 0x03;
  const o = writeLength(out, 1, bytes.length + 1);
  out[o] = 0;
  out.set(bytes, o + 1);
  return out;
}

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function uint(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  return b[0]! & 0x80 ? tlv(0x02, Uint8Array.of(0), b) : tlv(0x02, b);
}

export const smallInt = (n: number) => uint(Uint8Array.of(n));
export const enumerated = (n: number) => tlv(0x0a, Uint8Array.of(n));

const p2 = (n: number) => String(n).padStart(2, "0");

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5), whole seconds. */
export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  const rest = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  return y < 2050 ? tlv(0x17, Buffer.from(`${p2(y % 100)}${rest}`, "latin1")) : tlv(0x18, Buffer.from(`${y}${rest}`, "latin1"));
}

/** The encoded size of time() for an instant, without making it. */
export function timeSize(ms: number): number {
  return ms < UTC_TIME_END ? 15 : 17;
}

/** 2050-01-01T00:00:00Z: the first instant RFC 5280 writes as GeneralizedTime. */
const UTC_TIME_END = Date.UTC(2050, 0, 1);
const DAY = 86_400_000;

/**
 * time() written straight into a buffer from epoch milliseconds: no Date and no string per call,
 * for the hundred thousand dates of a large CRL. Returns the offset after it.
 */
export function writeTime(out: Uint8Array, at: number, ms: number): number {
  const days = Math.floor(ms / DAY);
  let secs = Math.floor((ms - days * DAY) / 1000);
  // days since 1970-01-01 to a civil date (H. Hinnant, "chrono-compatible low-level date algorithms")
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secs / 3600);
  secs -= hour * 3600;
  const minute = Math.floor(secs / 60);
  secs -= minute * 60;
  let o = at;
  if (ms < UTC_TIME_END) {
    out[o++] = 0x17;
    out[o++] = 13;
    o = two(out, o, year % 100);
  } else {
    out[o++] = 0x18;
    out[o++] = 15;
    o = two(out, o, Math.floor(year / 100));
    o = two(out, o, year % 100);
  }
  o = two(out, o, month);
  o = two(out, o, day);
  o = two(out, o, hour);
  o = two(out, o, minute);
  o = two(out, o, secs);
  out[o++] = 0x5a; // Z
  return o;
}

function two(out: Uint8Array, at: number, n: number): number {
  out[at] = 0x30 + Math.floor(n / 10);
  out[at + 1] = 0x30 + (n % 10);
  return at + 2;
}

export const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
