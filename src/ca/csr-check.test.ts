import { test } from "node:test";
import assert from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import * as asn from "@peculiar/asn1-x509";
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import { DEFAULT_POLICY, type BankPolicy } from "../domain/policy.js";
import { checkCsr, type CheckedCsr } from "./csr-check.js";
import { readTlv, children } from "./der.js";
import { concat, hexBytes, seq, tlv } from "./der-writer.js";
import { spkiFingerprint } from "./signer.js";

// ---- checkCsr as it was when it read the request through @peculiar/asn1-csr: the reference

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

function legacyCheckCsr(der: Uint8Array, policy: BankPolicy): CheckedCsr {
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
      for (const v of attr.values) legacyRefuse(new Uint8Array(v));
    } else if (attr.type === CHALLENGE_PASSWORD && attr.values[0]) {
      challengePassword = legacyDirectoryString(new Uint8Array(attr.values[0]));
    }
  }
  return { der, spki, spkiSha256: spkiFingerprint(spki), keyDescription, challengePassword };
}

function legacyRefuse(der: Uint8Array): void {
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
function legacyDirectoryString(der: Uint8Array): string | undefined {
  try {
    const t = readTlv(der, 0);
    if (![0x0c, 0x13, 0x16, 0x14].includes(t.tag)) return undefined;
    return Buffer.from(der.subarray(t.contentStart, t.end)).toString("utf8");
  } catch {
    return undefined;
  }
}

// ---- requests of every shape, signed by node:crypto

const OID = {
  ecdsaSha256: hexBytes("06082a8648ce3d040302"),
  sha256Rsa: hexBytes("06092a864886f70d01010b"),
  md5Rsa: hexBytes("06092a864886f70d010104"),
  extReq: hexBytes("06092a864886f70d01090e"),
  challenge: hexBytes("06092a864886f70d010907"),
};
const CN = seq(tlv(0x31, seq(hexBytes("0603550403"), tlv(0x0c, Buffer.from("someone")))));

function request(o: { spki: Uint8Array; key: KeyObject; attrs?: Uint8Array[] | null; sigAlg?: Uint8Array; tamper?: boolean; hash?: string | null }): Uint8Array {
  const attrs = o.attrs === null ? [] : [tlv(0xa0, ...(o.attrs ?? []))];
  const info = seq(Uint8Array.of(0x02, 0x01, 0x00), CN, o.spki, ...attrs);
  const sig = new Uint8Array(nodeSign(o.hash === null ? null : (o.hash ?? "sha256"), info, o.key));
  if (o.tamper) sig[sig.length - 3] = sig[sig.length - 3]! ^ 0x40;
  const alg = o.sigAlg ?? (o.key.asymmetricKeyType === "ec" ? seq(OID.ecdsaSha256) : seq(OID.sha256Rsa, Uint8Array.of(5, 0)));
  return seq(info, alg, tlv(0x03, concat([Uint8Array.of(0), sig])));
}

const spkiOf = (k: KeyObject) => new Uint8Array(k.export({ type: "spki", format: "der" }));
const ext = (oid: string, critical: boolean, value: Uint8Array) => seq(hexBytes(oid), ...(critical ? [Uint8Array.of(1, 1, 0xff)] : []), tlv(0x04, value));
const extReq = (...exts: Uint8Array[]) => seq(OID.extReq, tlv(0x31, seq(...exts)));

/** Re-encodes a DER element's length in long form: valid BER, not DER. */
function berLength(der: Uint8Array): Uint8Array {
  const t = readTlv(der, 0);
  const len = t.end - t.contentStart;
  return concat([Uint8Array.of(der[0]!, 0x82, len >> 8, len & 0xff), der.subarray(t.contentStart)]);
}

function corpus(): Array<[string, Uint8Array]> {
  const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const rsa3 = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 3 });
  const pss = generateKeyPairSync("rsa-pss", { modulusLength: 2048 });
  const ed = generateKeyPairSync("ed25519");
  const s = spkiOf(p256.publicKey);
  const compressed = new Uint8Array(p256.publicKey.export({ format: "der", type: "spki" }));
  // the same point, compressed (0x02/0x03 || X), in a SubjectPublicKeyInfo of its own
  const point = compressed.subarray(compressed.length - 65);
  const comp = seq(hexBytes("301306072a8648ce3d020106082a8648ce3d030107"), tlv(0x03, Uint8Array.of(0, 2 + (point[64]! & 1)), point.subarray(1, 33)));
  const offCurve = s.slice();
  offCurve[offCurve.length - 1] = offCurve[offCurve.length - 1]! ^ 1;
  const rsaSpki = spkiOf(rsa.publicKey);
  const rsaBerInner = (() => {
    // the RSAPublicKey SEQUENCE inside the BIT STRING with a long-form length
    const t = readTlv(rsaSpki, 0);
    const [alg, bits] = children(rsaSpki, t);
    const inner = rsaSpki.subarray(bits!.contentStart + 1, bits!.end);
    const ber = concat([Uint8Array.of(0x30, 0x83, 0, (inner.length - 4) >> 8, (inner.length - 4) & 0xff), inner.subarray(4)]);
    return seq(rsaSpki.subarray(alg!.start, alg!.end), tlv(0x03, Uint8Array.of(0), ber));
  })();
  const good = request({ spki: s, key: p256.privateKey });
  return [
    ["P-256", good],
    ["P-256, no attributes field", request({ spki: s, key: p256.privateKey, attrs: null })],
    ["P-384 (not in the default policy)", request({ spki: spkiOf(p384.publicKey), key: p384.privateKey, hash: "sha384", sigAlg: seq(hexBytes("06082a8648ce3d040303")) })],
    ["secp256k1", request({ spki: spkiOf(k1.publicKey), key: k1.privateKey })],
    ["RSA-2048", request({ spki: rsaSpki, key: rsa.privateKey })],
    ["RSA-2048, AlgorithmIdentifier without NULL", request({ spki: rsaSpki, key: rsa.privateKey, sigAlg: seq(OID.sha256Rsa) })],
    ["RSA-1024", request({ spki: spkiOf(rsa1024.publicKey), key: rsa1024.privateKey })],
    ["RSA e=3", request({ spki: spkiOf(rsa3.publicKey), key: rsa3.privateKey })],
    ["RSA-PSS key", request({ spki: spkiOf(pss.publicKey), key: pss.privateKey })],
    ["Ed25519", request({ spki: spkiOf(ed.publicKey), key: ed.privateKey, sigAlg: seq(hexBytes("06032b6570")), hash: null })],
    ["compressed point", request({ spki: comp, key: p256.privateKey })],
    ["point off the curve", request({ spki: offCurve, key: p256.privateKey })],
    ["SPKI with a BER length", request({ spki: berLength(s), key: p256.privateKey })],
    ["RSA key with a BER length inside", request({ spki: rsaBerInner, key: rsa.privateKey })],
    ["wrong signature", request({ spki: s, key: p256.privateKey, tamper: true })],
    ["signed by another key", request({ spki: s, key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey })],
    ["MD5 signature algorithm", request({ spki: rsaSpki, key: rsa.privateKey, sigAlg: seq(OID.md5Rsa, Uint8Array.of(5, 0)) })],
    ["challengePassword, UTF8String", request({ spki: s, key: p256.privateKey, attrs: [seq(OID.challenge, tlv(0x31, tlv(0x0c, Buffer.from("ワンタイム123"))))] })],
    ["challengePassword, PrintableString", request({ spki: s, key: p256.privateKey, attrs: [seq(OID.challenge, tlv(0x31, tlv(0x13, Buffer.from("123456"))))] })],
    ["challengePassword, INTEGER", request({ spki: s, key: p256.privateKey, attrs: [seq(OID.challenge, tlv(0x31, Uint8Array.of(2, 1, 5)))] })],
    ["CA:TRUE requested", request({ spki: s, key: p256.privateKey, attrs: [extReq(ext("0603551d13", true, seq(Uint8Array.of(1, 1, 0xff))))] })],
    ["CA:FALSE requested", request({ spki: s, key: p256.privateKey, attrs: [extReq(ext("0603551d13", true, seq()))] })],
    ["subjectAltName requested", request({ spki: s, key: p256.privateKey, attrs: [extReq(ext("0603551d11", false, seq(tlv(0x82, Buffer.from("bank.example")))))] })],
    ["keyCertSign requested", request({ spki: s, key: p256.privateKey, attrs: [extReq(ext("0603551d0f", true, Uint8Array.of(3, 2, 1, 0x06)))] })],
    ["digitalSignature requested", request({ spki: s, key: p256.privateKey, attrs: [extReq(ext("0603551d0f", true, Uint8Array.of(3, 2, 7, 0x80)))] })],
    ["broken extensionRequest", request({ spki: s, key: p256.privateKey, attrs: [seq(OID.extReq, tlv(0x31, Uint8Array.of(4, 1, 0)))] })],
    ["truncated", good.subarray(0, 120)],
    ["trailing byte", concat([good, Uint8Array.of(0)])],
    ["garbage", new Uint8Array(Buffer.from("hello world, I am not a CSR"))],
    ["empty SEQUENCE", Uint8Array.of(0x30, 0x00)],
    ["nothing", new Uint8Array(0)],
  ];
}

type Outcome = { ok: Omit<CheckedCsr, "der"> & { spki: Buffer } } | { error: string; params: unknown };

function outcome(f: () => CheckedCsr): Outcome {
  try {
    const r = f();
    return { ok: { spki: Buffer.from(r.spki), spkiSha256: r.spkiSha256, keyDescription: r.keyDescription, challengePassword: r.challengePassword } };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { error: e.code, params: e.params };
  }
}

test("checkCsr reading the request in place decides as the ASN.1 object model did, for requests of every shape", () => {
  const policies: BankPolicy[] = [DEFAULT_POLICY, { ...DEFAULT_POLICY, keys: { rsaMinBits: 1024, rsaMaxBits: 2048, ecCurves: ["P-256", "P-384"] } }];
  for (const [name, der] of corpus()) {
    for (const policy of policies) {
      const want = outcome(() => legacyCheckCsr(der, policy));
      assert.deepEqual(outcome(() => checkCsr(der, policy)), want, name);
    }
  }
});

test("a key taken from the request as it stands is the one DER re-encoding gives", () => {
  for (const kp of [generateKeyPairSync("ec", { namedCurve: "P-256" }), generateKeyPairSync("rsa", { modulusLength: 2048 })]) {
    const spki = spkiOf(kp.publicKey);
    const r = checkCsr(request({ spki, key: kp.privateKey }), DEFAULT_POLICY);
    assert.deepEqual(Buffer.from(r.spki), Buffer.from(AsnConvert.serialize(AsnConvert.parse(spki, asn.SubjectPublicKeyInfo))));
    assert.equal(r.spkiSha256, spkiFingerprint(spki));
  }
});
