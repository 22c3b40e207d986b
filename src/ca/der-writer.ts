/** A small DER writer for the large, regular structures (CRL entry lists) built on hot paths. */
function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | out.length, ...out);
}

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
  const body = content.length === 1 ? content[0]! : concat(content);
  const len = lengthBytes(body.length);
  const out = new Uint8Array(1 + len.length + body.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(body, 1 + len.length);
  return out;
}

export const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);

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

export const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
