/**
 * A small DER writer for the PKCS#12 files and encrypted PKCS#8 keys written by the issuing app,
 * the bank's CLI and the portal's page (so it uses no Node API: it is bundled for the browser too).
 * It writes definite lengths only, as DER requires. ca/ has a writer of its own, tuned for its hot
 * paths; the app is a separate program and may not import ca/.
 */

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), length(body.length), body]);
}

export const seq = (...items: Uint8Array[]) => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]) => tlv(0x31, ...items);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const nul = () => Uint8Array.of(0x05, 0x00);
/** [n] EXPLICIT, constructed context tag */
export const explicit = (n: number, ...items: Uint8Array[]) => tlv(0xa0 | n, ...items);
/** [n] IMPLICIT on a primitive OCTET STRING content */
export const implicitPrimitive = (n: number, b: Uint8Array) => tlv(0x80 | n, b);

export function int(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** BMPString (UTF-16 big-endian), as PKCS#12 friendlyName wants it */
export function bmpString(s: string): Uint8Array {
  return tlv(0x1e, utf16be(s));
}

/** The UTF-16 big-endian code units of s (BMPString content, the PKCS#12 password form) */
export function utf16be(s: string, trailingNul = false): Uint8Array {
  const b = new Uint8Array((s.length + (trailingNul ? 1 : 0)) * 2);
  for (let i = 0; i < s.length; i++) {
    b[i * 2] = s.charCodeAt(i) >> 8;
    b[i * 2 + 1] = s.charCodeAt(i) & 0xff;
  }
  return b;
}
