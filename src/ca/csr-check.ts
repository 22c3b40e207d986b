import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import * as asn from "@peculiar/asn1-x509";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import type { BankPolicy } from "../domain/policy.js";
import { readTlv, children } from "./der.js";
import { spkiFingerprint } from "./signer.js";

export interface CheckedCsr {
  der: Uint8Array;
  spki: Uint8Array;
  spkiSha256: string;
  /** e.g. "RSA-2048", "ECDSA-P-256" */
  keyDescription: string;
  /** the PKCS#9 challengePassword, which EST clients use to carry a one-time password */
  challengePassword?: string;
}

const SIG_HASH: Record<string, string> = {
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
};
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

/**
 * Checks a PKCS#10 request against the bank's policy: it must parse, carry a valid signature
 * (proof of possession) and a key the policy allows. The subject and most requested extensions
 * are ignored — the profile decides; requests for CA powers or extra names are refused outright,
 * because nobody asks for those by accident.
 */
export function checkCsr(der: Uint8Array, policy: BankPolicy): CheckedCsr {
  let csr: CertificationRequest;
  let infoBytes: Uint8Array;
  try {
    const outer = readTlv(der, 0);
    if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error("not one DER SEQUENCE");
    const [info] = children(der, outer);
    if (!info) throw new Error("empty");
    infoBytes = der.subarray(info.start, info.end);
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch (e) {
    throw new DomainError("csr_malformed", { reason: "PKCS#10" }, (e as Error).message);
  }
  const info = csr.certificationRequestInfo;
  const spki = new Uint8Array(AsnConvert.serialize(info.subjectPKInfo));

  let keyDescription: string;
  const keyAlg = info.subjectPKInfo.algorithm.algorithm;
  const curves = policy.keys.ecCurves.join(", ");
  const keyParams = { rsaMinBits: policy.keys.rsaMinBits, rsaMaxBits: policy.keys.rsaMaxBits, curves };
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
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

  const hash = SIG_HASH[csr.signatureAlgorithm.algorithm];
  if (!hash) throw new DomainError("csr_signature_invalid", {}, `signature algorithm ${csr.signatureAlgorithm.algorithm}`);
  let ok = false;
  try {
    ok = nodeVerify(hash, infoBytes, key, new Uint8Array(csr.signature));
  } catch {
    ok = false;
  }
  if (!ok) throw new DomainError("csr_signature_invalid");

  let challengePassword: string | undefined;
  for (const attr of info.attributes) {
    if (attr.type === EXTENSION_REQUEST) {
      for (const v of attr.values) refuseForbiddenExtensions(new Uint8Array(v));
    } else if (attr.type === CHALLENGE_PASSWORD && attr.values[0]) {
      challengePassword = directoryStringValue(new Uint8Array(attr.values[0]));
    }
  }
  return { der, spki, spkiSha256: spkiFingerprint(spki), keyDescription, challengePassword };
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
      if (AsnConvert.parse(value, asn.BasicConstraints).cA) {
        throw new DomainError("csr_forbidden_extension", { extension: "basicConstraints CA:TRUE" });
      }
    } else if (e.extnID === asn.id_ce_subjectAltName) {
      throw new DomainError("csr_forbidden_extension", { extension: "subjectAltName" });
    } else if (e.extnID === asn.id_ce_keyUsage) {
      const ku = AsnConvert.parse(value, asn.KeyUsage);
      if (ku.toNumber() & (asn.KeyUsageFlags.keyCertSign | asn.KeyUsageFlags.cRLSign)) {
        throw new DomainError("csr_forbidden_extension", { extension: "keyUsage keyCertSign/cRLSign" });
      }
    }
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
