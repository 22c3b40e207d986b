import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import { concat, enumerated, hexBytes, seq, smallInt, tlv, time, uint } from "./der-writer.js";
import { keyIdentifier, type Signer } from "./signer.js";
import type { RevokedEntry } from "../store/store.js";

const REASON_CODE_OID = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x15); // 2.5.29.21

function entry(e: RevokedEntry): Uint8Array {
  const parts = [uint(hexBytes(e.serial)), time(e.revokedAt)];
  // RFC 5280 5.3.1: reason code unspecified (0) should be left out
  if (e.reason !== 0) parts.push(seq(seq(REASON_CODE_OID, tlv(0x04, enumerated(e.reason)))));
  return seq(...parts);
}

export interface CrlParams {
  issuerCertDer: Uint8Array;
  signer: Signer;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: RevokedEntry[];
}

/**
 * A v2 CRL, DER. The entry list is written directly (a hundred thousand entries through a generic
 * ASN.1 object model costs seconds); the envelope uses the ASN.1 library.
 */
export async function buildCrl(p: CrlParams): Promise<Uint8Array> {
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
