import { randomBytes } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import { akiExtension, assembleCertificate, buildName, buildTbs, certificateSpki, nameToString, randomSerial, signTbs, skiExtension, SubjectTemplate, toHex, writeTbs } from "./certificate-builder.js";
import { buildCrl, type CrlEntries } from "./crl-builder.js";
import { bytesOf, readTlv, sameBytes, tbsParts } from "./der-reader.js";
import { ocspResponderExtensions, userExtensions, type CaUrls, type UserProfileUrls } from "./profiles.js";
import type { KeyKind, Signer } from "./signer.js";
import type { KeyStore } from "./key-store.js";
import type { PreparedUserCertificate, UserCertificateTemplate } from "./ca-views.js";
import type { Store, WriteTx } from "../store/store.js";
import type { BankConfig } from "../config/schema.js";
import type { Clock } from "../domain/clock.js";
import { generationName } from "../domain/ca-generations.js";

const YEAR = 365 * 86_400_000;

export interface LoadedCa {
  id: number;
  der: Uint8Array;
  signer: Signer;
}

/** Where a CA's CRL and certificate are served over plain HTTP (CDP and AIA caIssuers of what it signs). */
export function caUrls(httpBase: string, bankId: string, caId: number): CaUrls {
  return { crl: `${httpBase}/crl/${bankId}-${caId}.crl`, caIssuers: `${httpBase}/ca/${bankId}-${caId}.crt` };
}

/** The URLs a bank's user certificates point at (CDP and AIA), served over plain HTTP. */
export function bankUrls(httpBase: string, bankId: string, issuingCaId: number): UserProfileUrls {
  return { ...caUrls(httpBase, bankId, issuingCaId), ocsp: `${httpBase}/ocsp/${bankId}` };
}

/**
 * One generation of a bank's certificate authority at run time: its issuing CA (which signs user
 * certificates and CRLs), its root, and its delegated OCSP responder. A bank has one or more (the
 * newest signs new certificates; older ones keep their CRL and OCSP answers until their
 * certificates expire). Only this module holds the private keys.
 */
export class BankCa {
  readonly issuingSubject: asn.Name;
  readonly issuingSpki: Uint8Array;
  readonly urls: UserProfileUrls;
  readonly issuingNotAfter: Date;
  readonly ocspNotAfter: Date;
  /**
   * What every user certificate of this bank shares, encoded once: building these through the
   * ASN.1 object model on each issuance cost more than the signature.
   */
  private readonly issuerDer: Uint8Array;
  private readonly signatureAlgorithmDer: Uint8Array;
  private readonly profileExtensionsDer: Uint8Array[];
  private readonly akiDer: Uint8Array;
  private readonly subject: SubjectTemplate;

  constructor(
    readonly bankId: string,
    readonly organization: string,
    readonly caName: string,
    readonly policyOid: string | undefined,
    readonly root: { id: number; der: Uint8Array },
    readonly issuing: LoadedCa,
    readonly ocsp: LoadedCa,
    httpBase: string,
    /** the generation number (1: G1) and, after a compromise drill, when the root revoked it */
    readonly generation: { number: number; revokedAt: Date | null } = { number: 1, revokedAt: null },
  ) {
    this.issuingSubject = AsnConvert.parse(issuing.der, asn.Certificate).tbsCertificate.subject;
    this.issuingSpki = certificateSpki(issuing.der);
    this.issuingNotAfter = AsnConvert.parse(issuing.der, asn.Certificate).tbsCertificate.validity.notAfter.getTime();
    this.ocspNotAfter = AsnConvert.parse(ocsp.der, asn.Certificate).tbsCertificate.validity.notAfter.getTime();
    this.urls = bankUrls(httpBase, bankId, issuing.id);
    this.issuerDer = new Uint8Array(AsnConvert.serialize(this.issuingSubject));
    this.signatureAlgorithmDer = new Uint8Array(AsnConvert.serialize(issuing.signer.algorithm));
    this.profileExtensionsDer = userExtensions(this.urls, policyOid).map((e) => new Uint8Array(e.rawData));
    this.akiDer = akiExtension(this.issuingSpki);
    this.subject = new SubjectTemplate([
      { type: "O", value: organization },
      { type: "OU", value: caName },
    ]);
  }

  /** Builds the to-be-signed user certificate; nothing is signed here (record before you sign). */
  prepareUserCertificate(p: UserCertificateTemplate): PreparedUserCertificate {
    const serial = randomSerial();
    const subject = this.subject.withCommonName(p.commonName);
    const tbsDer = writeTbs({
      serial,
      signatureAlgorithm: this.signatureAlgorithmDer,
      issuer: this.issuerDer,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      subject: subject.der,
      subjectSpki: p.spki,
      // the profile's extensions, then SKI and AKI: the order buildTbs() writes
      extensions: [...this.profileExtensionsDer, skiExtension(p.spki), this.akiDer],
    });
    return { serial: toHex(serial), tbsDer, subject: subject.text };
  }

  /**
   * Signs a TBS this CA prepared; refuses anything naming another issuer or another signature
   * algorithm. The certificate carries the TBS bytes exactly as they were recorded and signed.
   */
  async sign(tbsDer: Uint8Array): Promise<Uint8Array> {
    let parts;
    try {
      const outer = readTlv(tbsDer, 0);
      if (outer.end !== tbsDer.length) throw new Error("trailing bytes");
      parts = tbsParts(tbsDer, outer);
    } catch (e) {
      throw new Error(`not a TBSCertificate: ${(e as Error).message}`);
    }
    if (!sameBytes(bytesOf(tbsDer, parts.issuer), this.issuerDer)) throw new Error("TBS names another issuer");
    if (!sameBytes(bytesOf(tbsDer, parts.signature), this.signatureAlgorithmDer)) throw new Error("TBS names another signature algorithm");
    const signature = await this.issuing.signer.sign(tbsDer);
    return assembleCertificate(tbsDer, this.signatureAlgorithmDer, signature);
  }

  async crl(entries: CrlEntries, number: number, thisUpdate: Date, nextUpdate: Date): Promise<Uint8Array> {
    return buildCrl({ issuerCertDer: this.issuing.der, signer: this.issuing.signer, number, thisUpdate, nextUpdate, entries });
  }

  /** This issuing CA then root: what a PKCS#12 chain of its certificates carries. */
  get chain(): Uint8Array[] {
    return [this.issuing.der, this.root.der];
  }
}

/** A delegated OCSP signing certificate, ECDSA P-256 (answers are signed often), valid one year. */
export async function issueOcspResponder(store: Store, keys: KeyStore, bank: BankConfig, issuing: { id: number; der: Uint8Array; signer: Signer; generation: number }, clock: Clock, actor: string): Promise<void> {
  const record = await makeOcspResponder(keys, bank, issuing, clock, actor);
  await store.write(bank.id, record);
}

/**
 * Makes the responder's key and certificate; returns the writes that record it (and its audit
 * record), for a transaction of the caller's: a rollover records its generation and the
 * generation's responder together, so no serving process ever sees the one without the other.
 */
export async function makeOcspResponder(keys: KeyStore, bank: BankConfig, issuing: { id: number; der: Uint8Array; signer: Signer; generation: number }, clock: Clock, actor: string): Promise<(w: WriteTx) => Promise<void>> {
  const now = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
  const key = await keys.create(bank.id, `ocsp-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, "ECDSA-P256");
  const issuerName = AsnConvert.parse(issuing.der, asn.Certificate).tbsCertificate.subject;
  const subject = buildName([
    { type: "O", value: bank.organization },
    { type: "CN", value: `${generationName(bank.caName, issuing.generation)} OCSP Responder` },
  ]);
  const notAfter = new Date(now.getTime() + YEAR);
  const der = await signTbs(
    buildTbs({ serial: randomSerial(), issuer: issuerName, subject, notBefore: now, notAfter, subjectSpki: key.signer.spki, issuerSpki: certificateSpki(issuing.der), signer: issuing.signer, extensions: ocspResponderExtensions() }),
    issuing.signer,
  );
  return async (w) => {
    await w.insertCa({ kind: "ocsp", subject: nameToString(subject), certDer: der, keyRef: key.keyRef, notAfter, at: now, parentId: issuing.id, generation: issuing.generation });
    await w.audit({ at: now, actorKind: "cli", actorId: actor, action: "ca.ocsp_responder_issued", result: "ok", detail: { issuingCaId: issuing.id, generation: issuing.generation, notAfter: notAfter.toISOString() } });
  };
}

/**
 * Loads a bank's live generations, newest first: every issuing CA whose certificate has not run
 * out (the first is the active one, unless the root revoked it). Renews a generation's OCSP
 * responder certificate when it has under 30 days left (never beyond its issuer's end).
 */
export async function loadBankGenerations(store: Store, keys: KeyStore, bank: BankConfig, policyOid: string | undefined, httpBase: string, clock: Clock): Promise<BankCa[]> {
  const all = await store.bankCas(bank.id);
  const now = clock.now().getTime();
  const issuings = all.filter((c) => c.kind === "issuing" && (c.current || c.notAfter.getTime() > now)).sort((a, b) => b.generation - a.generation || b.id - a.id);
  const out: BankCa[] = [];
  for (const rec of issuings) {
    const root = all.find((c) => c.id === rec.parentId) ?? all.find((c) => c.kind === "root" && c.current);
    if (!root) continue;
    const issuing = { id: rec.id, der: rec.certDer, signer: await keys.open(rec.keyRef) };
    const responderOf = (cas: typeof all) => cas.find((c) => c.kind === "ocsp" && c.current && c.parentId === rec.id);
    let ocspRec = responderOf(all);
    if (!ocspRec || (ocspRec.notAfter.getTime() - now < 30 * 86_400_000 && rec.notAfter.getTime() - now > 30 * 86_400_000)) {
      await issueOcspResponder(store, keys, bank, { ...issuing, generation: rec.generation }, clock, "system");
      ocspRec = responderOf(await store.bankCas(bank.id))!;
    }
    const ocsp = { id: ocspRec.id, der: ocspRec.certDer, signer: await keys.open(ocspRec.keyRef) };
    out.push(new BankCa(bank.id, bank.organization, bank.caName, policyOid, { id: root.id, der: root.certDer }, issuing, ocsp, httpBase, { number: rec.generation, revokedAt: rec.revokedAt }));
  }
  return out;
}
