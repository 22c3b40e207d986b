import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import { bitString, hexBytes, seq, smallInt, time, timeSize, tlv, tlvSize, uint, writeLength, writeTime } from "./der-writer.js";
import { certificateParts, bytesOf } from "./der-reader.js";
import { akiExtension } from "./certificate-builder.js";
import type { Signer } from "./signer.js";
import type { RevokedEntry } from "../store/store.js";
import type { RevokedColumns } from "../store/repositories.js";

export type { RevokedColumns };

/** Entries as objects (small lists, tests) or as columns (what the store reads for a real CRL). */
export type CrlEntries = RevokedEntry[] | RevokedColumns;

export interface CrlParams {
  issuerCertDer: Uint8Array;
  signer: Signer;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: CrlEntries;
}

// SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED reason } } }, reason in the last byte
const REASON_EXTENSIONS = Uint8Array.of(0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, 0x00);

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX[0x61 + i] = HEX[0x41 + i] = 10 + i;
const nibble = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c < 128 ? HEX[c]! : -1;
};

/**
 * Where a hex serial's INTEGER starts, packed as (index of its first significant hex pair) * 2 +
 * (1 if a 0x00 must go in front to keep it positive) — a number, not an object, as this runs twice
 * for each of a hundred thousand entries. -1 for anything but plain hex pairs, which is then
 * converted the slow way.
 */
function serialShape(s: string): number {
  if (s.length % 2 !== 0) return -1;
  for (let i = 0; i < s.length; i++) if (nibble(s, i) < 0) return -1;
  let first = 0;
  while (first < s.length - 2 && nibble(s, first) === 0 && nibble(s, first + 1) === 0) first += 2;
  return first * 2 + (s.length > 0 && nibble(s, first) >= 8 ? 1 : 0);
}

/**
 * Accessors over either form. buildCrl goes through the entries twice, to size the list and then
 * to write it, rather than keep anything per entry in between.
 */
function reader(entries: CrlEntries) {
  if (Array.isArray(entries)) {
    return { count: entries.length, serial: (i: number) => entries[i]!.serial, at: (i: number) => entries[i]!.revokedAt.getTime(), reason: (i: number) => entries[i]!.reason };
  }
  const c = entries;
  return { count: c.count, serial: (i: number) => c.serials[i]!, at: (i: number) => c.revokedAt[i]!, reason: (i: number) => c.reasons[i]! };
}

/** DER of one revokedCertificates entry (RFC 5280 5.1.2.6), written at `at`; returns the offset after it, or the size with no buffer. */
function writeEntry(out: Uint8Array | undefined, at: number, serial: string, ms: number, reason: number): number {
  const shape = serialShape(serial);
  const odd = shape < 0 ? uint(hexBytes(serial)) : undefined;
  const first = shape >> 1;
  const pad = shape & 1;
  const intContent = (serial.length - first) / 2 + pad;
  const intSize = odd ? odd.length : tlvSize(intContent);
  // RFC 5280 5.3.1: reason code unspecified (0) should be left out
  const content = intSize + timeSize(ms) + (reason !== 0 ? REASON_EXTENSIONS.length : 0);
  if (!out) return at + tlvSize(content);
  out[at] = 0x30;
  let o = writeLength(out, at + 1, content);
  if (odd) {
    out.set(odd, o);
    o += odd.length;
  } else {
    out[o] = 0x02;
    o = writeLength(out, o + 1, intContent);
    if (pad) out[o++] = 0;
    for (let i = first; i < serial.length; i += 2) out[o++] = (nibble(serial, i) << 4) | nibble(serial, i + 1);
  }
  o = writeTime(out, o, ms);
  if (reason !== 0) {
    out.set(REASON_EXTENSIONS, o);
    o += REASON_EXTENSIONS.length;
    out[o - 1] = reason;
  }
  return o;
}

/**
 * A v2 CRL, DER. The entry list is written straight into one buffer sized beforehand: a hundred
 * thousand entries through a generic ASN.1 object model cost seconds, and even small arrays per
 * entry cost more memory than the finished list.
 */
export async function buildCrl(p: CrlParams): Promise<Uint8Array> {
  const issuerCert = AsnConvert.parse(p.issuerCertDer, asn.Certificate);
  const issuer = new Uint8Array(AsnConvert.serialize(issuerCert.tbsCertificate.subject));
  const issuerSpki = bytesOf(p.issuerCertDer, certificateParts(p.issuerCertDer).spki);
  const sigAlg = new Uint8Array(AsnConvert.serialize(p.signer.algorithm));
  const numberBytes = Buffer.alloc(8);
  numberBytes.writeBigUInt64BE(BigInt(p.number));
  const crlNumber = seq(Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x14), tlv(0x04, uint(new Uint8Array(numberBytes))));
  const head = [smallInt(1), sigAlg, issuer, time(p.thisUpdate), time(p.nextUpdate)];
  const extensions = tlv(0xa0, seq(akiExtension(issuerSpki), crlNumber));

  const r = reader(p.entries);
  let listContent = 0;
  for (let i = 0; i < r.count; i++) listContent = writeEntry(undefined, listContent, r.serial(i), r.at(i), r.reason(i));
  let tbsContent = extensions.length + (r.count > 0 ? tlvSize(listContent) : 0);
  for (const h of head) tbsContent += h.length;

  const tbs = new Uint8Array(tlvSize(tbsContent));
  tbs[0] = 0x30;
  let o = writeLength(tbs, 1, tbsContent);
  for (const h of head) {
    tbs.set(h, o);
    o += h.length;
  }
  if (r.count > 0) {
    tbs[o] = 0x30;
    o = writeLength(tbs, o + 1, listContent);
    for (let i = 0; i < r.count; i++) o = writeEntry(tbs, o, r.serial(i), r.at(i), r.reason(i));
  }
  tbs.set(extensions, o);
  o += extensions.length;
  if (o !== tbs.length) throw new Error(`CRL size mismatch: wrote ${o} of ${tbs.length}`);

  const signature = await p.signer.sign(tbs);
  return seq(tbs, sigAlg, bitString(signature));
}
