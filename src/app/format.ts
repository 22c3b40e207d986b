import { formatJaDateTime, formatLocalDateTime } from "../domain/time-zone.js";
import type { Locale } from "../i18n/index.js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import * as x509 from "./x509.js";

/** What the app shows of a certificate, in the seeds' terms (証明書発行結果, the app's list). */
export interface CertFacts {
  serial: string;
  cn: string;
  o: string;
  ou: string;
  /** CN=…, OU=…, O=… — the order the seeds' app lists them in */
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

export function facts(cert: x509.X509Certificate): CertFacts {
  const field = (k: string) => cert.subjectName.getField(k)[0] ?? "";
  const cn = field("CN");
  const ou = field("OU");
  const o = field("O");
  const subject = [cn && `CN=${cn}`, ou && `OU=${ou}`, o && `O=${o}`].filter(Boolean).join(", ");
  return { serial: cert.serialNumber.toLowerCase(), cn, o, ou, subject, notBefore: cert.notBefore, notAfter: cert.notAfter };
}

export function parsePem(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new x509.X509Certificate(b));
}

export function toPem(certs: x509.X509Certificate[]): string {
  return certs.map((c) => c.toString("pem")).join("\n") + "\n";
}

/** The machine's own zone: the user reads times as their clock shows them. */
function localOffsetMinutes(at: Date): number {
  return -at.getTimezoneOffset();
}

export function formatTime(at: Date, locale: Locale): string {
  const off = localOffsetMinutes(at);
  if (locale === "ja") {
    const sign = off >= 0 ? "+" : "-";
    const a = Math.abs(off);
    const zone = off === 540 ? "" : `（UTC${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}）`;
    return formatJaDateTime(at, off) + zone;
  }
  return formatLocalDateTime(at, off);
}

/** The DER of a certificate's subject and issuer names, compared byte for byte. */
function names(c: x509.X509Certificate): { subject: Buffer; issuer: Buffer } {
  const tbs = AsnConvert.parse(c.rawData, Certificate).tbsCertificate;
  return { subject: Buffer.from(AsnConvert.serialize(tbs.subject)), issuer: Buffer.from(AsnConvert.serialize(tbs.issuer)) };
}

/** The certificate in `chain` that issued `cert`. */
export function issuerIn(cert: x509.X509Certificate, chain: x509.X509Certificate[]): x509.X509Certificate | undefined {
  const want = names(cert).issuer;
  return chain.find((c) => names(c).subject.equals(want));
}

/** The self-signed root in `chain`. */
export function rootIn(chain: x509.X509Certificate[]): x509.X509Certificate | undefined {
  return chain.find((c) => {
    const n = names(c);
    return n.subject.equals(n.issuer);
  });
}
