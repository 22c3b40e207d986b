import { AsnConvert } from "@peculiar/asn1-schema";
import { OCSPRequest, id_pkix_ocsp_nonce } from "@peculiar/asn1-ocsp";
import { createHash } from "node:crypto";
import { enumerated, hexBytes, seq, tlv, concat } from "./der-writer.js";
import { keyIdentifier } from "./signer.js";
import { certificateSpki } from "./certificate-builder.js";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import type { BankCa } from "./bank-ca.js";
import type { Clock } from "../domain/clock.js";
import type { CertState } from "../domain/certificate.js";

export interface CertStatusFacts {
  state: CertState;
  revokedAt: Date | null;
  reason: number | null;
}

export type StatusLookup = (caId: number, serial: string) => Promise<CertStatusFacts | undefined>;

/** OCSPResponseStatus values (RFC 6960 4.2.1). */
const MALFORMED = 1;
const INTERNAL_ERROR = 2;
const UNAUTHORIZED = 6;

const SHA1 = "1.3.14.3.2.26";
const SHA256 = "2.16.840.1.101.3.4.2.1";
const HASHES: Record<string, string> = { [SHA1]: "sha1", [SHA256]: "sha256" };
const BASIC_OID = hexBytes("06092b0601050507300101"); // 1.3.6.1.5.5.7.48.1.1
const NONCE_OID = hexBytes("06092b0601050507300102"); // 1.3.6.1.5.5.7.48.1.2

const p2 = (n: number) => String(n).padStart(2, "0");
function genTime(d: Date): Uint8Array {
  const s = `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  return tlv(0x18, Buffer.from(s, "latin1"));
}

function statusOnly(status: number): Uint8Array {
  return seq(enumerated(status));
}

interface CachedAnswer {
  /** a Buffer, so that an HTTP server can write it as it is */
  der: Buffer;
  refreshAt: number;
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);

interface Generation {
  ca: BankCa;
  responderId: Uint8Array;
  issuerHashes: Map<string, { nameHash: Buffer; keyHash: Buffer }>;
}

/**
 * A bank's OCSP responder, for every live generation: each request is answered by the delegated
 * responder of the generation that issued the certificates it asks about (one per request). Answers to requests without a nonce
 * are signed once and kept (keyed by the request bytes) until half their validity has passed or a
 * revocation clears them; a request with a nonce is signed fresh, because the nonce must be echoed.
 */
export class OcspResponder {
  private cache = new Map<string, CachedAnswer>();
  private readonly generations: Generation[];
  /** bumped by invalidate(); an answer built before a revocation is not cached after it */
  private generation = 0;

  constructor(
    cas: BankCa[],
    private readonly lookup: StatusLookup,
    private readonly clock: Clock,
    private readonly validityMs: number,
    private readonly maxCached = 100_000,
  ) {
    this.generations = cas.map((ca) => {
      const name = AsnConvert.serialize(ca.issuingSubject);
      const keyBits = spkiBits(ca.issuingSpki);
      return {
        ca,
        responderId: tlv(0xa2, tlv(0x04, keyIdentifier(certificateSpki(ca.ocsp.der)))),
        issuerHashes: new Map(Object.entries(HASHES).map(([oid, h]) => [oid, { nameHash: createHash(h).update(new Uint8Array(name)).digest(), keyHash: createHash(h).update(keyBits).digest() }])),
      };
    });
  }

  /** Drops every kept answer: called the moment a certificate of this bank is revoked. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  /**
   * A kept answer is returned as it is, not wrapped in a promise: nearly every request is one,
   * and the HTTP path around it is a few microseconds, which extra promise turns would add to.
   */
  respond(request: Uint8Array): Uint8Array | Promise<Uint8Array> {
    // latin1 maps each byte to one character: a key as exact as base64, without the encoding work
    const key = request.length <= 512 ? asBuffer(request).toString("latin1") : undefined;
    const now = this.clock.now();
    if (key) {
      const hit = this.cache.get(key);
      if (hit && hit.refreshAt > now.getTime()) return hit.der;
    }
    return this.answer(request, key, now);
  }

  private async answer(request: Uint8Array, key: string | undefined, now: Date): Promise<Uint8Array> {
    let parsed: OCSPRequest;
    try {
      parsed = AsnConvert.parse(request, OCSPRequest);
    } catch {
      return statusOnly(MALFORMED);
    }
    const list = parsed.tbsRequest.requestList;
    if (list.length === 0 || list.length > 20) return statusOnly(MALFORMED);
    let nonce: Uint8Array | undefined;
    for (const e of parsed.tbsRequest.requestExtensions ?? []) {
      if (e.extnID === id_pkix_ocsp_nonce) {
        nonce = new Uint8Array(e.extnValue.buffer);
        if (nonce.length === 0 || nonce.length > 34) return statusOnly(MALFORMED);
      }
    }
    const generation = this.generation;
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + this.validityMs);
    const singles: Uint8Array[] = [];
    let gen: Generation | undefined;
    try {
      for (const r of list) {
        const id = r.reqCert;
        const issuedBy = (g: Generation) => {
          const hashes = g.issuerHashes.get(id.hashAlgorithm.algorithm);
          return !!hashes && hashes.nameHash.equals(new Uint8Array(id.issuerNameHash.buffer)) && hashes.keyHash.equals(new Uint8Array(id.issuerKeyHash.buffer));
        };
        // one responder signs the answer: every certificate asked about must be of its generation
        gen ??= this.generations.find(issuedBy);
        if (!gen || !issuedBy(gen)) return statusOnly(UNAUTHORIZED);
        const serial = Buffer.from(new Uint8Array(id.serialNumber)).toString("hex").replace(/^(00)+(?=[0-9a-f]{2})/, "");
        const facts = /^[0-9a-f]{32}$/.test(serial) ? await this.lookup(gen.ca.issuing.id, serial) : undefined;
        singles.push(seq(new Uint8Array(AsnConvert.serialize(id)), certStatus(facts), genTime(thisUpdate), tlv(0xa0, genTime(nextUpdate))));
      }
      const parts = [gen!.responderId, genTime(thisUpdate), seq(concat(singles))];
      if (nonce) parts.push(tlv(0xa1, seq(seq(NONCE_OID, tlv(0x04, nonce)))));
      const tbs = seq(...parts);
      const { ocsp } = gen!.ca;
      const signature = await ocsp.signer.sign(tbs);
      const sigAlg = new Uint8Array(AsnConvert.serialize(ocsp.signer.algorithm));
      const basic = seq(tbs, sigAlg, tlv(0x03, Uint8Array.of(0), signature), tlv(0xa0, seq(ocsp.der)));
      const der = asBuffer(seq(enumerated(0), tlv(0xa0, seq(BASIC_OID, tlv(0x04, basic)))));
      if (key && !nonce && generation === this.generation) {
        if (this.cache.size >= this.maxCached) this.cache.clear();
        this.cache.set(key, { der, refreshAt: thisUpdate.getTime() + this.validityMs / 2 });
      }
      return der;
    } catch {
      return statusOnly(INTERNAL_ERROR);
    }
  }
}

function certStatus(f: CertStatusFacts | undefined): Uint8Array {
  if (!f || f.state === "signing") return Uint8Array.of(0x82, 0x00);
  if ((f.state === "revoked" || f.state === "superseded") && f.revokedAt) {
    const parts = [genTime(f.revokedAt)];
    if (f.reason !== null) parts.push(tlv(0xa0, enumerated(f.reason)));
    return tlv(0xa1, ...parts);
  }
  return Uint8Array.of(0x80, 0x00);
}

function spkiBits(spki: Uint8Array): Uint8Array {
  return new Uint8Array(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey);
}
