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

/**
 * readTlv that also refuses what DER forbids and BER allows: long-form lengths that fit in fewer
 * bytes, and multi-byte tags. Bytes that pass are the only encoding of what they say, so they can
 * be copied into a certificate as they are.
 */
export function readDer(buf: Uint8Array, at: number, limit = buf.length): Tlv {
  if (at + 2 > limit) throw new Error("truncated");
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new Error("multi-byte tag");
  let len = buf[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error("bad length");
    if (p + n > limit) throw new Error("truncated");
    if (buf[p] === 0) throw new Error("non-minimal length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80) throw new Error("non-minimal length");
    p += n;
  }
  if (p + len > limit) throw new Error("truncated");
  return { tag, start: at, contentStart: p, end: p + len };
}

/** The elements directly inside a constructed element. */
export function children(buf: Uint8Array, parent: Tlv, read: (buf: Uint8Array, at: number, limit: number) => Tlv = readTlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const t = read(buf, p, parent.end);
    if (t.end > parent.end) throw new Error("bad structure");
    out.push(t);
    p = t.end;
  }
  if (p !== parent.end) throw new Error("bad structure");
  return out;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
export const bytesOf = (buf: Uint8Array, t: Tlv) => buf.subarray(t.start, t.end);
export const contentOf = (buf: Uint8Array, t: Tlv) => buf.subarray(t.contentStart, t.end);

/** Dotted form of an OBJECT IDENTIFIER's contents; undefined if they are not a valid encoding. */
export function oidString(content: Uint8Array): string | undefined {
  if (content.length === 0 || content[content.length - 1]! & 0x80) return undefined;
  const arcs: number[] = [];
  let v = 0;
  let first = true;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (v === 0 && b === 0x80) return undefined;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if (b & 0x80) continue;
    if (first) {
      const a = v < 40 ? 0 : v < 80 ? 1 : 2;
      arcs.push(a, v - a * 40);
      first = false;
    } else arcs.push(v);
    v = 0;
  }
  return arcs.join(".");
}

export interface CertificateParts {
  tbs: Tlv;
  /** the TBS's signature AlgorithmIdentifier */
  signature: Tlv;
  issuer: Tlv;
  subject: Tlv;
  spki: Tlv;
}

/** Where the fields a CA compares sit inside a TBSCertificate (RFC 5280 4.1). */
export function tbsParts(der: Uint8Array, tbs: Tlv): CertificateParts {
  if (tbs.tag !== 0x30) throw new Error("not a TBSCertificate");
  const f = children(der, tbs);
  const i = f[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, signature, issuer, validity, subject, spki] = f.slice(i, i + 6);
  if (serial?.tag !== 0x02 || signature?.tag !== 0x30 || issuer?.tag !== 0x30 || validity?.tag !== 0x30 || subject?.tag !== 0x30 || spki?.tag !== 0x30) {
    throw new Error("not a TBSCertificate");
  }
  return { tbs, signature, issuer, subject, spki };
}

/** The same for a whole certificate. */
export function certificateParts(der: Uint8Array): CertificateParts {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error("not one DER SEQUENCE");
  const [tbs] = children(der, outer);
  if (!tbs) throw new Error("empty certificate");
  return tbsParts(der, tbs);
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo (what RFC 5280 key identifiers hash). */
export function spkiKeyBits(spki: Uint8Array): Uint8Array {
  const outer = readTlv(spki, 0);
  const [alg, bits] = children(spki, outer);
  if (outer.tag !== 0x30 || alg?.tag !== 0x30 || bits?.tag !== 0x03 || bits.end === bits.contentStart) throw new Error("not a SubjectPublicKeyInfo");
  return spki.subarray(bits.contentStart + 1, bits.end);
}
