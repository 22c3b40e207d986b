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
import type { Store } from "../store/store.js";
import type { BankConfig } from "../config/schema.js";
import type { Clock } from "../domain/clock.js";

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
 * One bank's certificate authority at run time: its issuing CA (which signs user certificates and
 * CRLs), its root, and its delegated OCSP responder. Only this module holds the private keys.
 */
export class BankCa {
  readonly issuingSubject: asn.Name;
  readonly issuingSpki: Uint8Array;
  readonly urls: UserProfileUrls;
  readonly issuingNotAfter: Date;
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
  ) {
    this.issuingSubject = AsnConvert.parse(issuing.der, asn.Certificate).tbsCertificate.subject;
    this.issuingSpki = certificateSpki(issuing.der);
    this.issuingNotAfter = AsnConvert.parse(issuing.der, asn.Certificate).tbsCertificate.validity.notAfter.getTime();
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

  /** Issuing CA then root: what EST cacerts and a PKCS#12 chain carry. */
  get chain(): Uint8Array[] {
    return [this.issuing.der, this.root.der];
  }
}

/** A delegated OCSP signing certificate, ECDSA P-256 (answers are signed often), valid one year. */
export async function issueOcspResponder(store: Store, keys: KeyStore, bank: BankConfig, issuing: { der: Uint8Array; signer: Signer }, clock: Clock, actor: string): Promise<void> {
  const now = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
  const key = await keys.create(bank.id, `ocsp-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, "ECDSA-P256");
  const issuerName = AsnConvert.parse(issuing.der, asn.Certificate).tbsCertificate.subject;
  const subject = buildName([
    { type: "O", value: bank.organization },
    { type: "CN", value: `${bank.caName} OCSP Responder` },
  ]);
  const notAfter = new Date(now.getTime() + YEAR);
  const der = await signTbs(
    buildTbs({ serial: randomSerial(), issuer: issuerName, subject, notBefore: now, notAfter, subjectSpki: key.signer.spki, issuerSpki: certificateSpki(issuing.der), signer: issuing.signer, extensions: ocspResponderExtensions() }),
    issuing.signer,
  );
  await store.write(bank.id, async (w) => {
    await w.insertCa({ kind: "ocsp", subject: nameToString(subject), certDer: der, keyRef: key.keyRef, notAfter, at: now });
    await w.audit({ at: now, actorKind: "cli", actorId: actor, action: "ca.ocsp_responder_issued", result: "ok", detail: { notAfter: notAfter.toISOString() } });
  });
}

/** Loads a bank's current CAs; renews the OCSP responder certificate when it has under 30 days left. */
export async function loadBankCa(store: Store, keys: KeyStore, bank: BankConfig, policyOid: string | undefined, httpBase: string, clock: Clock): Promise<BankCa | undefined> {
  let cas = await store.currentCas(bank.id);
  const root = cas.find((c) => c.kind === "root");
  const issuingRec = cas.find((c) => c.kind === "issuing");
  if (!root || !issuingRec) return undefined;
  const issuing = { id: issuingRec.id, der: issuingRec.certDer, signer: await keys.open(issuingRec.keyRef) };
  let ocspRec = cas.find((c) => c.kind === "ocsp");
  if (!ocspRec || ocspRec.notAfter.getTime() - clock.now().getTime() < 30 * 86_400_000) {
    await issueOcspResponder(store, keys, bank, issuing, clock, "system");
    cas = await store.currentCas(bank.id);
    ocspRec = cas.find((c) => c.kind === "ocsp")!;
  }
  const ocsp = { id: ocspRec.id, der: ocspRec.certDer, signer: await keys.open(ocspRec.keyRef) };
  return new BankCa(bank.id, bank.organization, bank.caName, policyOid, { id: root.id, der: root.certDer }, issuing, ocsp, httpBase);
}
