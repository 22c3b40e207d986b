/**
 * The minimum of DER reading needed to take a signed structure apart exactly as it was sent
 * (a re-encoding could differ from the bytes that were signed).
 */
export interface Tlv {
  tag: number;
  /** offset of the whole element */
  start: number;
  /** offset of the contents */
  contentStart: number;
  end: number;
}

export function readTlv(buf: Uint8Array, at: number): Tlv {
  if (at + 2 > buf.length) throw new Error("truncated");
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error("bad length");
    if (p + n > buf.length) throw new Error("truncated");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new Error("truncated");
  return { tag, start: at, contentStart: p, end: p + len };
}

/** The elements directly inside a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const t = readTlv(buf, p);
    out.push(t);
    p = t.end;
  }
  if (p !== parent.end) throw new Error("bad structure");
  return out;
}
