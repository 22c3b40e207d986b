import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import * as x509 from "./x509.js";
import { buildName, buildTbs, certificateSpki, nameToString, randomSerial, signTbs, toHex, toPem } from "./certificate-builder.js";
import type { KeyStore } from "./key-store.js";
import type { Signer } from "./signer.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import { addDuration, parseDuration } from "../domain/duration.js";

/** The key store's owner name for the staff CA's key (bank IDs never start with "_"). */
export const STAFF_KEY_OWNER = "_staff";
/** O= of every staff certificate */
export const STAFF_ORGANIZATION = "Inkan staff";
const CA_NAME = [
  { type: "O" as const, value: "Inkan" },
  { type: "CN" as const, value: "Inkan Staff CA" },
];
const TEN_YEARS = 3652 * 86_400_000;

/** A staff ID: what CN= carries and what the staff member is known by within the bank. */
export const STAFF_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** What a presented staff certificate proves once the staff CA's signature on it was checked. */
export interface PresentedStaffCertificate {
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedStaffCertificate {
  serial: string;
  certDer: Uint8Array;
  /** the staff member's new private key, unencrypted PKCS#8: it goes into the PKCS#12 file only */
  pkcs8: Uint8Array;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

function staffCaExtensions(): x509.Extension[] {
  return [
    // signs end-entity staff certificates only: no CA below it
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

function staffExtensions(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
  ];
}

/**
 * The installation's one staff CA: a single self-signed CA that signs bank staff's client
 * certificates and nothing else. (Not root + issuing: both keys would sit in the same key store on
 * the same machine, so a split would add a certificate without protecting anything; and the
 * staff origin trusts exactly this certificate.) Its certificates carry no CRL or OCSP pointer:
 * the only relying party is the staff console, which reads their status from the database on
 * every request.
 */
export class StaffCa {
  private readonly cert: X509Certificate;
  private readonly cache = new Map<string, PresentedStaffCertificate | null>();

  constructor(
    readonly id: number,
    readonly der: Uint8Array,
    private readonly signer: Signer,
  ) {
    this.cert = new X509Certificate(Buffer.from(der));
  }

  get pem(): string {
    return toPem(this.der);
  }

  /**
   * Checks that a presented certificate was signed by this CA (our own check: Node's TLS verdict
   * runs on the wall clock). Validity and status are the caller's business, on the injected clock
   * and the database. Kept by the certificate's hash: a signature never changes.
   */
  identify(der: Uint8Array): PresentedStaffCertificate | undefined {
    const key = createHash("sha256").update(der).digest("base64");
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    let found: PresentedStaffCertificate | null = null;
    try {
      const c = new X509Certificate(Buffer.from(der));
      if (c.checkIssued(this.cert) && c.verify(this.cert.publicKey) && !c.ca) {
        found = { serial: normalizeSerial(c.serialNumber), notBefore: new Date(c.validFrom), notAfter: new Date(c.validTo) };
      }
    } catch {
      found = null;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, found);
    return found ?? undefined;
  }

  /**
   * A staff member's certificate and a new key for it (ECDSA P-256), made on the machine that runs
   * the command: CN = staff ID, O = "Inkan staff", OU = the bank's ID, clientAuth, one year.
   * Nothing is stored here; the caller records it before the key leaves the process.
   */
  async issue(p: { bankId: string; staffId: string; now: Date }): Promise<IssuedStaffCertificate> {
    if (!STAFF_ID_PATTERN.test(p.staffId)) throw new Error(`not a staff ID: ${p.staffId}`);
    const notBefore = new Date(Math.floor(p.now.getTime() / 1000) * 1000);
    const notAfter = addDuration(notBefore, parseDuration("P1Y"));
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const subject = buildName([
      { type: "O", value: STAFF_ORGANIZATION },
      { type: "OU", value: p.bankId },
      { type: "CN", value: p.staffId },
    ]);
    const serial = randomSerial();
    const certDer = await signTbs(
      buildTbs({ serial, issuer: buildName(CA_NAME), subject, notBefore, notAfter, subjectSpki: spki, issuerSpki: this.signer.spki, signer: this.signer, extensions: staffExtensions() }),
      this.signer,
    );
    return { serial: toHex(serial), certDer, pkcs8: new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })), subject: nameToString(subject), notBefore, notAfter };
  }
}

export function normalizeSerial(hex: string): string {
  return hex.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, "").padStart(32, "0");
}

/**
 * Loads the staff CA, making it first when there is none (at init, or at the first start of an
 * installation made before staff CAs existed): a key in the key store, a self-signed certificate
 * valid ten years, recorded in staff_cas; every bank's audit chain notes its birth, because it
 * opens that bank's console. Two processes making one at once each keep the older row.
 */
export async function loadStaffCa(store: Store, keys: KeyStore, clock: Clock, bankIds: string[]): Promise<StaffCa> {
  let rec = await store.staff.currentCa();
  if (!rec) {
    const now = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
    const stamp = now.toISOString().slice(0, 10).replace(/-/g, "");
    const key = await keys.create(STAFF_KEY_OWNER, `staff-ca-${stamp}-${toHex(randomSerial()).slice(0, 8)}`, "ECDSA-P256");
    const name = buildName(CA_NAME);
    const notAfter = new Date(now.getTime() + TEN_YEARS);
    const der = await signTbs(
      buildTbs({ serial: randomSerial(), issuer: name, subject: name, notBefore: now, notAfter, subjectSpki: key.signer.spki, issuerSpki: key.signer.spki, signer: key.signer, extensions: staffCaExtensions() }),
      key.signer,
    );
    const id = await store.staff.insertCa({ subject: nameToString(name), certDer: der, keyRef: key.keyRef, notAfter, at: now });
    const fingerprint = createHash("sha256").update(der).digest("hex");
    for (const bankId of bankIds) {
      await store.write(bankId, (w) => w.audit({ at: now, actorKind: "system", actorId: "init", action: "staff_ca.ceremony", result: "ok", detail: { staffCaId: id, subject: nameToString(name), sha256: fingerprint } }));
    }
    rec = await store.staff.currentCa();
    if (!rec) throw new Error("the staff CA was not recorded");
  }
  // the key must open (wrong passphrase, missing token) before anyone relies on it
  const signer = await keys.open(rec.keyRef);
  if (Buffer.compare(Buffer.from(signer.spki), Buffer.from(certificateSpki(rec.certDer))) !== 0) throw new Error(`staff CA key ${rec.keyRef} does not match its certificate`);
  return new StaffCa(rec.id, rec.certDer, signer);
}
