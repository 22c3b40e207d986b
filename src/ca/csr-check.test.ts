import { test } from "node:test";
import assert from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import { DEFAULT_POLICY, type BankPolicy } from "../domain/policy.js";
import { checkCsr, type CheckedCsr } from "./csr-check.js";
import { readTlv, children } from "./der-reader.js";
import { concat, hexBytes, seq, tlv } from "./der-writer.js";
import { spkiFingerprint } from "./signer.js";

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

/** What checkCsr decides: the key it found (and the one-time password carried), or the refusal. */
type Want = { key: string; challengePassword?: string } | { error: string; params?: Record<string, unknown> };

const RELAXED: BankPolicy = { ...DEFAULT_POLICY, keys: { rsaMinBits: 1024, rsaMaxBits: 2048, ecCurves: ["P-256", "P-384"] } };

interface Case {
  name: string;
  der: Uint8Array;
  /** under DEFAULT_POLICY (RSA 2048-4096, P-256) */
  want: Want;
  /** under RELAXED (RSA 1024-2048, P-256 and P-384), when it differs */
  relaxed?: Want;
  /** the key as the CertifiedCsr must carry it, when not the request's own bytes */
  spki?: Uint8Array;
}

function corpus(): Case[] {
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
  const p = p256.privateKey;
  const withExt = (e: Uint8Array) => request({ spki: s, key: p, attrs: [extReq(e)] });
  const P256 = { key: "ECDSA-P-256" };
  const malformed = (reason: string): Want => ({ error: "csr_malformed", params: { reason } });
  const forbidden = (extension: string): Want => ({ error: "csr_forbidden_extension", params: { extension } });
  const badSig: Want = { error: "csr_signature_invalid" };
  return [
    { name: "P-256", der: good, want: P256 },
    { name: "P-256, no attributes field", der: request({ spki: s, key: p, attrs: null }), want: P256 },
    {
      name: "P-384 (not in the default policy)",
      der: request({ spki: spkiOf(p384.publicKey), key: p384.privateKey, hash: "sha384", sigAlg: seq(hexBytes("06082a8648ce3d040303")) }),
      want: { error: "curve_not_allowed", params: { curve: "P-384", curves: "P-256" } },
      relaxed: { key: "ECDSA-P-384" },
    },
    { name: "secp256k1", der: request({ spki: spkiOf(k1.publicKey), key: k1.privateKey }), want: { error: "curve_not_allowed", params: { curve: "secp256k1" } } },
    { name: "RSA-2048", der: request({ spki: rsaSpki, key: rsa.privateKey }), want: { key: "RSA-2048" } },
    { name: "RSA-2048, AlgorithmIdentifier without NULL", der: request({ spki: rsaSpki, key: rsa.privateKey, sigAlg: seq(OID.sha256Rsa) }), want: { key: "RSA-2048" } },
    {
      name: "RSA-1024",
      der: request({ spki: spkiOf(rsa1024.publicKey), key: rsa1024.privateKey }),
      want: { error: "rsa_key_too_small", params: { bits: 1024, rsaMinBits: 2048, rsaMaxBits: 4096, curves: "P-256" } },
      relaxed: { key: "RSA-1024" },
    },
    { name: "RSA e=3", der: request({ spki: spkiOf(rsa3.publicKey), key: rsa3.privateKey }), want: { error: "key_type_not_allowed", params: { keyType: "RSA e=3" } } },
    { name: "RSA-PSS key", der: request({ spki: spkiOf(pss.publicKey), key: pss.privateKey }), want: { error: "key_type_not_allowed", params: { keyType: "rsa-pss" } } },
    {
      name: "Ed25519",
      der: request({ spki: spkiOf(ed.publicKey), key: ed.privateKey, sigAlg: seq(hexBytes("06032b6570")), hash: null }),
      want: { error: "key_type_not_allowed", params: { keyType: "ed25519" } },
    },
    { name: "compressed point", der: request({ spki: comp, key: p }), want: P256 },
    { name: "point off the curve", der: request({ spki: offCurve, key: p }), want: malformed("public key") },
    // a BER length is read, and the key kept in its DER encoding
    { name: "SPKI with a BER length", der: request({ spki: berLength(s), key: p }), want: P256, spki: s },
    { name: "RSA key with a BER length inside", der: request({ spki: rsaBerInner, key: rsa.privateKey }), want: { key: "RSA-2048" } },
    { name: "wrong signature", der: request({ spki: s, key: p, tamper: true }), want: badSig },
    { name: "signed by another key", der: request({ spki: s, key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey }), want: badSig },
    { name: "MD5 signature algorithm", der: request({ spki: rsaSpki, key: rsa.privateKey, sigAlg: seq(OID.md5Rsa, Uint8Array.of(5, 0)) }), want: badSig },
    { name: "challengePassword, UTF8String", der: request({ spki: s, key: p, attrs: [seq(OID.challenge, tlv(0x31, tlv(0x0c, Buffer.from("ワンタイム123"))))] }), want: { ...P256, challengePassword: "ワンタイム123" } },
    { name: "challengePassword, PrintableString", der: request({ spki: s, key: p, attrs: [seq(OID.challenge, tlv(0x31, tlv(0x13, Buffer.from("123456"))))] }), want: { ...P256, challengePassword: "123456" } },
    { name: "challengePassword, INTEGER", der: request({ spki: s, key: p, attrs: [seq(OID.challenge, tlv(0x31, Uint8Array.of(2, 1, 5)))] }), want: P256 },
    { name: "CA:TRUE requested", der: withExt(ext("0603551d13", true, seq(Uint8Array.of(1, 1, 0xff)))), want: forbidden("basicConstraints CA:TRUE") },
    { name: "CA:FALSE requested", der: withExt(ext("0603551d13", true, seq())), want: P256 },
    { name: "subjectAltName requested", der: withExt(ext("0603551d11", false, seq(tlv(0x82, Buffer.from("bank.example"))))), want: forbidden("subjectAltName") },
    { name: "keyCertSign requested", der: withExt(ext("0603551d0f", true, Uint8Array.of(3, 2, 1, 0x06))), want: forbidden("keyUsage keyCertSign/cRLSign") },
    { name: "digitalSignature requested", der: withExt(ext("0603551d0f", true, Uint8Array.of(3, 2, 7, 0x80))), want: P256 },
    // what `openssl req -addext "2.5.29.19=DER:0101"` sends: a value that is no BasicConstraints (once a 500)
    { name: "basicConstraints value 01 01", der: withExt(ext("0603551d13", false, Uint8Array.of(1, 1))), want: malformed("basicConstraints") },
    { name: "basicConstraints value empty", der: withExt(ext("0603551d13", false, new Uint8Array(0))), want: malformed("basicConstraints") },
    { name: "basicConstraints value an INTEGER", der: withExt(ext("0603551d13", false, Uint8Array.of(2, 1, 1))), want: malformed("basicConstraints") },
    { name: "keyUsage value 01 01", der: withExt(ext("0603551d0f", true, Uint8Array.of(1, 1))), want: malformed("keyUsage") },
    { name: "keyUsage value a SEQUENCE", der: withExt(ext("0603551d0f", true, seq())), want: malformed("keyUsage") },
    { name: "broken extensionRequest", der: request({ spki: s, key: p, attrs: [seq(OID.extReq, tlv(0x31, Uint8Array.of(4, 1, 0)))] }), want: malformed("extensionRequest") },
    { name: "truncated", der: good.subarray(0, 120), want: malformed("PKCS#10") },
    { name: "trailing byte", der: concat([good, Uint8Array.of(0)]), want: malformed("PKCS#10") },
    { name: "garbage", der: new Uint8Array(Buffer.from("hello world, I am not a CSR")), want: malformed("PKCS#10") },
    { name: "empty SEQUENCE", der: Uint8Array.of(0x30, 0x00), want: malformed("PKCS#10") },
    { name: "nothing", der: new Uint8Array(0), want: malformed("PKCS#10") },
  ];
}

function decide(der: Uint8Array, policy: BankPolicy): { got: Want; csr?: CheckedCsr } {
  try {
    const csr = checkCsr(der, policy);
    return { got: { key: csr.keyDescription, ...(csr.challengePassword !== undefined ? { challengePassword: csr.challengePassword } : {}) }, csr };
  } catch (e) {
    // anything but a DomainError would be a 500 at the web layer
    assert.ok(e instanceof DomainError, `not a DomainError: ${(e as Error).stack}`);
    return { got: { error: e.code, params: e.params as Record<string, unknown> } };
  }
}

test("checkCsr decides requests of every shape as the policy says, and refuses every malformed one with a DomainError", () => {
  for (const c of corpus()) {
    for (const [policy, want] of [[DEFAULT_POLICY, c.want], [RELAXED, c.relaxed ?? c.want]] as const) {
      const { got, csr } = decide(c.der, policy);
      if ("key" in want) {
        assert.deepEqual(got, want, c.name);
        const spki = c.spki ?? Buffer.from(AsnConvert.serialize(AsnConvert.parse(csr!.spki, asn.SubjectPublicKeyInfo)));
        assert.deepEqual(Buffer.from(csr!.spki), Buffer.from(spki), `${c.name}: key bytes`);
        assert.equal(csr!.spkiSha256, spkiFingerprint(csr!.spki), `${c.name}: fingerprint`);
      } else {
        assert.ok("error" in got, `${c.name}: accepted, ${JSON.stringify(got)}`);
        assert.equal(got.error, want.error, c.name);
        for (const [k, v] of Object.entries(want.params ?? {})) assert.equal(got.params?.[k], v, `${c.name}: ${k}`);
      }
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
