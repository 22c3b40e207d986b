import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import { createPublicKey, verify as nodeVerify, type KeyObject } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import type { BankPolicy } from "../domain/policy.js";
import { bytesOf, children, contentOf, oidString, readDer, readTlv, sameBytes, type Tlv } from "./der-reader.js";
import { spkiFingerprint } from "./signer.js";
import { SIGNATURE_HASH } from "../domain/signature-algorithms.js";

export interface CheckedCsr {
  der: Uint8Array;
  spki: Uint8Array;
  spkiSha256: string;
  /** e.g. "RSA-2048", "ECDSA-P-256" */
  keyDescription: string;
  /** the PKCS#9 challengePassword, which EST clients use to carry a one-time password */
  challengePassword?: string;
}

const SIG_HASH = SIGNATURE_HASH;
const RSA = "1.2.840.113549.1.1.1";
const EC = "1.2.840.10045.2.1";
const CURVES: Record<string, "P-256" | "P-384"> = { prime256v1: "P-256", secp384r1: "P-384" };
const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const CHALLENGE_PASSWORD = "1.2.840.113549.1.9.7";

/**
 * Decodes an EST body (base64 DER, with or without PEM armour). Anything else is malformed;
 * Buffer.from would silently skip bad characters, so the alphabet is checked first.
 */
export function decodeCsrBody(body: string | Uint8Array): Uint8Array {
  const text = (typeof body === "string" ? body : Buffer.from(body).toString("latin1"))
    .replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, "")
    .replace(/\s+/g, "");
  if (text.length === 0) throw new DomainError("csr_missing");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) {
    throw new DomainError("csr_malformed", { reason: "base64" }, "not base64");
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}

interface CsrParts {
  /** certificationRequestInfo exactly as signed */
  info: Uint8Array;
  spki: Uint8Array;
  signatureAlgorithm: string | undefined;
  signature: Uint8Array;
  attributes: Array<{ type: string | undefined; values: Uint8Array[] }>;
}

/**
 * Takes a PKCS#10 request (RFC 2986) apart where it lies, reading only the fields checkCsr needs;
 * an ASN.1 object model spent more time on this than the signature check does.
 */
function csrParts(der: Uint8Array): CsrParts {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error("not one DER SEQUENCE");
  const top = children(der, outer);
  const [info, sigAlg, sig] = top;
  if (top.length !== 3 || info?.tag !== 0x30 || sigAlg?.tag !== 0x30 || sig?.tag !== 0x03 || sig.end === sig.contentStart) throw new Error("not a CertificationRequest");
  const fields = children(der, info);
  const [version, subject, spki, attrs] = fields;
  if (fields.length < 3 || fields.length > 4 || version?.tag !== 0x02 || subject?.tag !== 0x30 || spki?.tag !== 0x30 || (attrs && attrs.tag !== 0xa0)) {
    throw new Error("not a CertificationRequestInfo");
  }
  children(der, subject);
  const [algOid] = children(der, sigAlg);
  if (algOid?.tag !== 0x06) throw new Error("bad signature algorithm");
  const attributes = (attrs ? children(der, attrs) : []).map((a) => {
    const [type, set, extra] = a.tag === 0x30 ? children(der, a) : [];
    if (type?.tag !== 0x06 || set?.tag !== 0x31 || extra) throw new Error("bad attribute");
    return { type: oidString(contentOf(der, type)), values: children(der, set).map((v) => bytesOf(der, v)) };
  });
  return {
    info: bytesOf(der, info),
    // a copy: it outlives the request and is stored, and a view would carry the whole request along
    spki: bytesOf(der, spki).slice(),
    signatureAlgorithm: oidString(contentOf(der, algOid)),
    signature: der.subarray(sig.contentStart + 1, sig.end),
    attributes,
  };
}

/**
 * Checks a PKCS#10 request against the bank's policy: it must parse, carry a valid signature
 * (proof of possession) and a key the policy allows. The subject and most requested extensions
 * are ignored — the profile decides; requests for CA powers or extra names are refused outright,
 * because nobody asks for those by accident.
 */
export function checkCsr(der: Uint8Array, policy: BankPolicy): CheckedCsr {
  try {
    return checkParsed(der, policy);
  } catch (e) {
    // a parser's own exception is still the sender's malformed request, never a server error
    if (e instanceof DomainError) throw e;
    throw new DomainError("csr_malformed", { reason: "PKCS#10" }, (e as Error).message);
  }
}

function checkParsed(der: Uint8Array, policy: BankPolicy): CheckedCsr {
  let csr: CsrParts;
  let spki: Uint8Array;
  let keyAlg: string;
  let fastKey: KeyObject | undefined;
  try {
    csr = csrParts(der);
    const known = knownSpki(csr.spki);
    if (known) {
      ({ spki, keyAlg } = known);
      fastKey = known.key;
    } else {
      // anything but the usual key shapes in DER is read, and re-encoded, the general way
      const parsed = AsnConvert.parse(csr.spki, asn.SubjectPublicKeyInfo);
      spki = new Uint8Array(AsnConvert.serialize(parsed));
      keyAlg = parsed.algorithm.algorithm;
    }
  } catch (e) {
    throw new DomainError("csr_malformed", { reason: "PKCS#10" }, (e as Error).message);
  }

  let keyDescription: string;
  const curves = policy.keys.ecCurves.join(", ");
  const keyParams = { rsaMinBits: policy.keys.rsaMinBits, rsaMaxBits: policy.keys.rsaMaxBits, curves };
  let key: KeyObject;
  try {
    key = fastKey ?? createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    if (keyAlg === RSA || keyAlg === EC) throw new DomainError("csr_malformed", { reason: "public key" });
    throw new DomainError("key_type_not_allowed", { keyType: keyAlg, ...keyParams });
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (keyAlg === RSA && key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    if (bits < policy.keys.rsaMinBits) throw new DomainError("rsa_key_too_small", { bits, ...keyParams });
    if (bits > policy.keys.rsaMaxBits) throw new DomainError("rsa_key_too_large", { bits, ...keyParams });
    const e = details.publicExponent ?? 0n;
    if (e < 65537n || e % 2n === 0n) throw new DomainError("key_type_not_allowed", { keyType: `RSA e=${e}`, ...keyParams });
    keyDescription = `RSA-${bits}`;
  } else if (keyAlg === EC && key.asymmetricKeyType === "ec") {
    const curve = CURVES[details.namedCurve ?? ""];
    if (!curve || !policy.keys.ecCurves.includes(curve)) {
      throw new DomainError("curve_not_allowed", { curve: curve ?? details.namedCurve ?? "?", ...keyParams });
    }
    keyDescription = `ECDSA-${curve}`;
  } else {
    throw new DomainError("key_type_not_allowed", { keyType: key.asymmetricKeyType ?? keyAlg, ...keyParams });
  }

  const hash = SIG_HASH[csr.signatureAlgorithm ?? ""];
  if (!hash) throw new DomainError("csr_signature_invalid", {}, `signature algorithm ${csr.signatureAlgorithm}`);
  let ok = false;
  try {
    ok = nodeVerify(hash, csr.info, key, csr.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new DomainError("csr_signature_invalid");

  let challengePassword: string | undefined;
  for (const attr of csr.attributes) {
    if (attr.type === EXTENSION_REQUEST) {
      for (const v of attr.values) refuseForbiddenExtensions(v);
    } else if (attr.type === CHALLENGE_PASSWORD && attr.values[0]) {
      challengePassword = directoryStringValue(attr.values[0]);
    }
  }
  return { der, spki, spkiSha256: spkiFingerprint(spki), keyDescription, challengePassword };
}

// AlgorithmIdentifiers of the keys clients send, exactly as DER writes them
const RSA_ALG = Buffer.from("300d06092a864886f70d0101010500", "hex");
const EC_ALGS = [
  { der: Buffer.from("301306072a8648ce3d020106082a8648ce3d030107", "hex"), crv: "P-256", size: 32 },
  { der: Buffer.from("301006072a8648ce3d020106052b81040022", "hex"), crv: "P-384", size: 48 },
];

/**
 * RSA and P-256/P-384 keys in strict DER, imported from their numbers: OpenSSL 3 takes ~100 µs to
 * find a decoder for a DER key, and far less to build one from a JWK (RSA ~2 µs, EC ~60 µs, the
 * point checked to be on the curve either way). Because every byte is
 * checked to be the only DER encoding of the key, the bytes are kept as the request had them
 * (a re-encoding would give the same). Anything else gives undefined and is read the general way.
 */
function knownSpki(spki: Uint8Array): { spki: Uint8Array; keyAlg: string; key: KeyObject } | undefined {
  try {
    const outer = readDer(spki, 0);
    if (outer.tag !== 0x30 || outer.end !== spki.length) return undefined;
    const parts = children(spki, outer, readDer);
    const [alg, bits] = parts;
    if (parts.length !== 2 || alg?.tag !== 0x30 || bits?.tag !== 0x03 || spki[bits.contentStart] !== 0) return undefined;
    const algDer = bytesOf(spki, alg);
    const keyBytes = spki.subarray(bits.contentStart + 1, bits.end);
    if (sameBytes(algDer, RSA_ALG)) {
      const rsaKey = readDer(keyBytes, 0);
      if (rsaKey.tag !== 0x30 || rsaKey.end !== keyBytes.length) return undefined;
      const ints = children(keyBytes, rsaKey, readDer);
      const [n, e] = ints;
      if (ints.length !== 2 || !n || !e || !minimalPositive(keyBytes, n) || !minimalPositive(keyBytes, e)) return undefined;
      const key = createPublicKey({ key: { kty: "RSA", n: magnitude(keyBytes, n), e: magnitude(keyBytes, e) }, format: "jwk" });
      return { spki, keyAlg: RSA, key };
    }
    const ec = EC_ALGS.find((a) => sameBytes(algDer, a.der));
    if (!ec || keyBytes.length !== 1 + 2 * ec.size || keyBytes[0] !== 0x04) return undefined;
    const coord = (from: number) => Buffer.from(keyBytes.buffer, keyBytes.byteOffset + from, ec.size).toString("base64url");
    const key = createPublicKey({ key: { kty: "EC", crv: ec.crv, x: coord(1), y: coord(1 + ec.size) }, format: "jwk" });
    return { spki, keyAlg: EC, key };
  } catch {
    // not on the curve, or anything else odd: the general path decides, with its own errors
    return undefined;
  }
}

/** An INTEGER that is positive and has no redundant leading byte (X.690 8.3.2). */
function minimalPositive(buf: Uint8Array, t: Tlv): boolean {
  const len = t.end - t.contentStart;
  if (t.tag !== 0x02 || len === 0) return false;
  const first = buf[t.contentStart]!;
  if (first & 0x80) return false;
  return !(len > 1 && first === 0 && !(buf[t.contentStart + 1]! & 0x80));
}

/** A positive INTEGER's value without its sign byte, base64url, as JWK wants it. */
function magnitude(buf: Uint8Array, t: Tlv): string {
  const from = buf[t.contentStart] === 0 && t.end - t.contentStart > 1 ? t.contentStart + 1 : t.contentStart;
  return Buffer.from(buf.buffer, buf.byteOffset + from, t.end - from).toString("base64url");
}

function refuseForbiddenExtensions(der: Uint8Array): void {
  let exts: asn.Extensions;
  try {
    exts = AsnConvert.parse(der, asn.Extensions);
  } catch {
    throw new DomainError("csr_malformed", { reason: "extensionRequest" });
  }
  for (const e of exts) {
    const value = new Uint8Array(e.extnValue.buffer);
    if (e.extnID === asn.id_ce_basicConstraints) {
      if (extensionValue(value, asn.BasicConstraints, "basicConstraints").cA) {
        throw new DomainError("csr_forbidden_extension", { extension: "basicConstraints CA:TRUE" });
      }
    } else if (e.extnID === asn.id_ce_subjectAltName) {
      throw new DomainError("csr_forbidden_extension", { extension: "subjectAltName" });
    } else if (e.extnID === asn.id_ce_keyUsage) {
      const ku = extensionValue(value, asn.KeyUsage, "keyUsage");
      if (ku.toNumber() & (asn.KeyUsageFlags.keyCertSign | asn.KeyUsageFlags.cRLSign)) {
        throw new DomainError("csr_forbidden_extension", { extension: "keyUsage keyCertSign/cRLSign" });
      }
    }
  }
}

/** A requested extension's value, or a refusal naming it: `-addext 2.5.29.19=DER:0101` sends such bytes. */
function extensionValue<T>(der: Uint8Array, type: new () => T, name: string): T {
  try {
    return AsnConvert.parse(der, type);
  } catch {
    throw new DomainError("csr_malformed", { reason: name });
  }
}

/** challengePassword is a DirectoryString; PrintableString and UTF8String are what clients send. */
function directoryStringValue(der: Uint8Array): string | undefined {
  try {
    const t = readTlv(der, 0);
    if (![0x0c, 0x13, 0x16, 0x14].includes(t.tag)) return undefined;
    return Buffer.from(der.subarray(t.contentStart, t.end)).toString("utf8");
  } catch {
    return undefined;
  }
}
