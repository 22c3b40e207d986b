import { test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import * as x509 from "./x509.js";
import { BankCa } from "./bank-ca.js";
import { buildName, buildTbs, nameToString, randomSerial, signTbs, SubjectTemplate } from "./certificate-builder.js";
import { buildCrl, type RevokedColumns } from "./crl-builder.js";
import { time, writeTime, timeSize, concat, enumerated, hexBytes, seq, smallInt, tlv, uint } from "./der-writer.js";
import { issuingExtensions, rootExtensions, userExtensions } from "./profiles.js";
import { keyIdentifier, signatureAlgorithm, type KeyKind, type Signer } from "./signer.js";
import type { RevokedEntry } from "../store/store.js";

/** A signer over an in-memory key; RSA PKCS#1 v1.5 signatures are deterministic, so outputs compare byte for byte. */
function memorySigner(kind: KeyKind): Signer {
  const { privateKey } = kind.startsWith("RSA") ? generateKeyPairSync("rsa", { modulusLength: Number(kind.slice(4)) }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
  const key: KeyObject = createPrivateKey(privateKey.export({ type: "pkcs8", format: "pem" }));
  return {
    kind,
    spki: new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" })),
    algorithm: signatureAlgorithm(kind),
    sign: async (data) => new Uint8Array(nodeSign("sha256", data, key)),
  };
}

// ---- the encoders as they were before they wrote DER directly: the reference the fast ones must match

function legacyBuildTbs(p: Parameters<typeof buildTbs>[0]): Uint8Array {
  const ext = (e: x509.Extension) => AsnConvert.parse(e.rawData, asn.Extension);
  const extensions = [
    ...p.extensions,
    new x509.Extension("2.5.29.14", false, AsnConvert.serialize(new asn.SubjectKeyIdentifier(keyIdentifier(p.subjectSpki)))),
    new x509.Extension("2.5.29.35", false, AsnConvert.serialize(new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(keyIdentifier(p.issuerSpki)) }))),
  ];
  const tbs = new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: p.serial.slice().buffer,
    signature: p.signer.algorithm,
    issuer: p.issuer,
    validity: new asn.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: AsnConvert.parse(p.subjectSpki, asn.SubjectPublicKeyInfo),
    extensions: new asn.Extensions(extensions.map(ext)),
  });
  return new Uint8Array(AsnConvert.serialize(tbs));
}

async function legacySignTbs(tbsDer: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const signature = await signer.sign(tbsDer);
  const cert = new asn.Certificate({ tbsCertificate: AsnConvert.parse(tbsDer, asn.TBSCertificate), signatureAlgorithm: signer.algorithm, signatureValue: signature.slice().buffer });
  return new Uint8Array(AsnConvert.serialize(cert));
}

async function legacyBuildCrl(p: { issuerCertDer: Uint8Array; signer: Signer; number: number; thisUpdate: Date; nextUpdate: Date; entries: RevokedEntry[] }): Promise<Uint8Array> {
  const entry = (e: RevokedEntry) => {
    const parts = [uint(hexBytes(e.serial)), time(e.revokedAt)];
    if (e.reason !== 0) parts.push(seq(seq(Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x15), tlv(0x04, enumerated(e.reason)))));
    return seq(...parts);
  };
  const issuerCert = AsnConvert.parse(p.issuerCertDer, asn.Certificate);
  const issuer = new Uint8Array(AsnConvert.serialize(issuerCert.tbsCertificate.subject));
  const issuerSpki = new Uint8Array(AsnConvert.serialize(issuerCert.tbsCertificate.subjectPublicKeyInfo));
  const sigAlg = new Uint8Array(AsnConvert.serialize(p.signer.algorithm));
  const aki = new Uint8Array(
    AsnConvert.serialize(
      new asn.Extension({
        extnID: asn.id_ce_authorityKeyIdentifier,
        critical: false,
        extnValue: new OctetString(AsnConvert.serialize(new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(keyIdentifier(issuerSpki)) }))),
      }),
    ),
  );
  const numberBytes = Buffer.alloc(8);
  numberBytes.writeBigUInt64BE(BigInt(p.number));
  const crlNumber = seq(Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x14), tlv(0x04, uint(new Uint8Array(numberBytes))));
  const parts = [smallInt(1), sigAlg, issuer, time(p.thisUpdate), time(p.nextUpdate)];
  if (p.entries.length > 0) parts.push(seq(concat(p.entries.map(entry))));
  parts.push(tlv(0xa0, seq(aki, crlNumber)));
  const tbs = seq(...parts);
  const signature = await p.signer.sign(tbs);
  return seq(tbs, sigAlg, tlv(0x03, Uint8Array.of(0), signature));
}

// ---- a bank CA made the way the ceremony makes one

async function makeBank(kind: KeyKind, organization = "Test Bank, Ltd.", caName = "Test Bank TEST CA - G1") {
  const rootSigner = memorySigner(kind);
  const issuingSigner = memorySigner(kind);
  const ocspSigner = memorySigner("ECDSA-P256");
  const now = new Date(Date.UTC(2026, 3, 1, 0, 0, 0));
  const later = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const rootName = buildName([{ type: "O", value: organization }, { type: "CN", value: `${caName} Root` }]);
  const issuingName = buildName([{ type: "O", value: organization }, { type: "CN", value: caName }]);
  const rootDer = await legacySignTbs(legacyBuildTbs({ serial: randomSerial(), issuer: rootName, subject: rootName, notBefore: now, notAfter: later, subjectSpki: rootSigner.spki, issuerSpki: rootSigner.spki, signer: rootSigner, extensions: rootExtensions() }), rootSigner);
  const policyOid = "1.3.6.1.4.1.99999.1.2";
  const issuingDer = await legacySignTbs(legacyBuildTbs({ serial: randomSerial(), issuer: rootName, subject: issuingName, notBefore: now, notAfter: later, subjectSpki: issuingSigner.spki, issuerSpki: rootSigner.spki, signer: rootSigner, extensions: issuingExtensions(policyOid) }), rootSigner);
  const ca = new BankCa("tbank", organization, caName, policyOid, { id: 1, der: rootDer }, { id: 2, der: issuingDer, signer: issuingSigner }, { id: 3, der: rootDer, signer: ocspSigner }, "http://127.0.0.1:8080");
  return { ca, issuingName, issuingSigner, policyOid };
}

const userSpki = (kind: "rsa" | "ec") =>
  new Uint8Array((kind === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" })).publicKey.export({ type: "spki", format: "der" }));

test("a user TBS written directly is byte for byte the one the ASN.1 object model wrote", async () => {
  for (const kind of ["RSA-2048", "ECDSA-P256"] as const) {
    const { ca, issuingName, issuingSigner, policyOid } = await makeBank(kind);
    const cns = ["user01 A002 20260401090000123456", "ab A999 x", "名前 A001 1", "user_01 A002 2026", "", "a".repeat(200), "O'Neil (x) + y = z?"];
    const dates: Array<[Date, Date]> = [
      [new Date(Date.UTC(2026, 3, 1, 0, 0, 0, 789)), new Date(Date.UTC(2027, 3, 1, 14, 59, 59))],
      [new Date(Date.UTC(2049, 11, 31, 23, 59, 59)), new Date(Date.UTC(2050, 0, 1, 0, 0, 0))],
    ];
    for (const cn of cns) {
      for (const [notBefore, notAfter] of dates) {
        const spki = userSpki(cn.length % 2 ? "rsa" : "ec");
        const prepared = ca.prepareUserCertificate({ commonName: cn, spki, notBefore, notAfter });
        const subject = buildName([{ type: "O", value: "Test Bank, Ltd." }, { type: "OU", value: "Test Bank TEST CA - G1" }, { type: "CN", value: cn }]);
        const legacy = legacyBuildTbs({ serial: hexBytes(prepared.serial), issuer: issuingName, subject, notBefore, notAfter, subjectSpki: spki, issuerSpki: issuingSigner.spki, signer: issuingSigner, extensions: userExtensions(ca.urls, policyOid) });
        assert.deepEqual(Buffer.from(prepared.tbsDer), Buffer.from(legacy), `${kind} CN=${cn}`);
        assert.equal(prepared.subject, nameToString(subject));
        assert.match(prepared.serial, /^[0-7][0-9a-f]{31}$/);
        const cert = await ca.sign(prepared.tbsDer);
        if (kind === "RSA-2048") assert.deepEqual(Buffer.from(cert), Buffer.from(await legacySignTbs(prepared.tbsDer, issuingSigner)));
        // @peculiar/x509 reads every field back
        const parsed = new x509.X509Certificate(Buffer.from(cert));
        assert.equal(parsed.serialNumber, prepared.serial);
        assert.equal(parsed.subject, prepared.subject);
        assert.equal(parsed.notAfter.getTime(), Math.floor(notAfter.getTime() / 1000) * 1000);
        assert.equal(parsed.extensions.length, 8);
        assert.ok(await parsed.verify({ publicKey: await new x509.X509Certificate(Buffer.from(ca.issuing.der)).publicKey.export(), signatureOnly: true }));
      }
    }
  }
});

test("generic buildTbs and signTbs match the object-model encoders (ceremony certificates)", async () => {
  const s = memorySigner("RSA-2048");
  const name = buildName([{ type: "C", value: "JP" }, { type: "O", value: "Bank \"Q\" <x>; y\\z" }, { type: "CN", value: "ルート" }]);
  const p = { serial: randomSerial(), issuer: name, subject: name, notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2066, 0, 1)), subjectSpki: s.spki, issuerSpki: s.spki, signer: s, extensions: rootExtensions() };
  const tbs = buildTbs(p);
  assert.deepEqual(Buffer.from(tbs), Buffer.from(legacyBuildTbs(p)));
  assert.deepEqual(Buffer.from(await signTbs(tbs, s)), Buffer.from(await legacySignTbs(tbs, s)));
});

test("a CN @peculiar/x509 would rewrite or escape takes its path and agrees with it", () => {
  const t = new SubjectTemplate([{ type: "O", value: "Org, Inc." }, { type: "OU", value: "Unit" }]);
  // a leading # makes @peculiar/x509 read the value as hex: refused on both paths alike
  assert.throws(() => t.withCommonName("#hash"));
  for (const cn of ["plain A001 1", "a,b", "a+b", 'q"uote"', "back\\slash", " lead", "trail ", "tab\there", "<>;", "é", "😀"]) {
    const name = buildName([{ type: "O", value: "Org, Inc." }, { type: "OU", value: "Unit" }, { type: "CN", value: cn }]);
    const got = t.withCommonName(cn);
    assert.deepEqual(Buffer.from(got.der), Buffer.from(AsnConvert.serialize(name)), cn);
    assert.equal(got.text, nameToString(name), cn);
  }
});

test("sign() refuses a TBS of another issuer, another algorithm, or not a TBS at all", async () => {
  const a = await makeBank("RSA-2048");
  const b = await makeBank("RSA-2048", "Other Bank", "Other CA");
  const c = await makeBank("ECDSA-P256");
  const at = { commonName: "user01 A001 1", spki: userSpki("ec"), notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2027, 0, 1)) };
  await assert.rejects(a.ca.sign(b.ca.prepareUserCertificate(at).tbsDer), /another issuer/);
  // same names, different key type: the signature algorithm differs
  const same = await makeBank("ECDSA-P256", "Test Bank, Ltd.", "Test Bank TEST CA - G1");
  await assert.rejects(a.ca.sign(same.ca.prepareUserCertificate(at).tbsDer), /another signature algorithm/);
  const good = a.ca.prepareUserCertificate(at).tbsDer;
  await assert.rejects(a.ca.sign(concat([good, Uint8Array.of(0)])), /not a TBSCertificate/);
  await assert.rejects(a.ca.sign(good.subarray(0, 100)), /not a TBSCertificate/);
  await assert.rejects(a.ca.sign(Uint8Array.of(0x30, 0x00)), /not a TBSCertificate/);
  assert.ok((await c.ca.sign(c.ca.prepareUserCertificate(at).tbsDer)).length > 0);
});

test("writeTime writes what time() writes, across the UTCTime/GeneralizedTime boundary", () => {
  const buf = new Uint8Array(17);
  const check = (ms: number) => {
    const want = time(new Date(ms));
    const end = writeTime(buf, 0, ms);
    assert.equal(end, timeSize(ms));
    assert.deepEqual(Buffer.from(buf.subarray(0, end)), Buffer.from(want), new Date(ms).toISOString());
  };
  for (const ms of [0, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(2049, 11, 31, 23, 59, 59, 999), Date.UTC(2050, 0, 1), Date.UTC(2100, 1, 28, 12), Date.UTC(2400, 1, 29)]) check(ms);
  let seed = 1;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 20_000; i++) check(Math.floor(rnd() * Date.UTC(2200, 0, 1)));
});

test("a CRL written into one buffer is byte for byte the one the entry-by-entry writer made, from arrays and from columns", async () => {
  const { ca, issuingSigner } = await makeBank("RSA-2048");
  let seed = 7;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const entries: RevokedEntry[] = [];
  const edge = ["00" + "ab".repeat(15), "0000" + "80".repeat(14), "80" + "00".repeat(15), "00", "0000", "7f", "ff", "", "ABCDEF0123456789abcdef0123456789", "abc", "zz11"];
  for (let i = 0; i < 3000; i++) {
    const serial = i < edge.length ? edge[i]! : Buffer.from(randomSerial()).toString("hex");
    const at = i % 500 === 0 ? Date.UTC(2050, 0, 1) + i : Math.floor(rnd() * Date.UTC(2060, 0, 1));
    entries.push({ serial, revokedAt: new Date(at), reason: [0, 1, 3, 4, 5, 9, 10][i % 7]! });
  }
  const columns: RevokedColumns = { count: entries.length, serials: entries.map((e) => e.serial), revokedAt: Float64Array.from(entries, (e) => e.revokedAt.getTime()), reasons: Uint8Array.from(entries, (e) => e.reason) };
  const base = { issuerCertDer: ca.issuing.der, signer: issuingSigner, number: 4242, thisUpdate: new Date(Date.UTC(2026, 3, 1, 1, 2, 3)), nextUpdate: new Date(Date.UTC(2026, 3, 8, 1, 2, 3)) };
  for (const n of [0, 1, 200, entries.length]) {
    const want = Buffer.from(await legacyBuildCrl({ ...base, entries: entries.slice(0, n) }));
    assert.deepEqual(Buffer.from(await buildCrl({ ...base, entries: entries.slice(0, n) })), want, `${n} entries, array`);
    assert.deepEqual(Buffer.from(await buildCrl({ ...base, entries: { ...columns, count: n } })), want, `${n} entries, columns`);
  }
  // (@peculiar/x509 refuses to parse a list this long, so it reads a shorter one)
  const crl = new x509.X509Crl(Buffer.from(await buildCrl({ ...base, entries: { ...columns, count: 200 } })));
  assert.equal(crl.entries.length, 200);
  assert.ok(await crl.verify({ publicKey: await new x509.X509Certificate(Buffer.from(ca.issuing.der)).publicKey.export() }));
});
