import { concat, hexBytes, seq, smallInt, tlv } from "./der-writer.js";

const SIGNED_DATA = hexBytes("06092a864886f70d010702"); // 1.2.840.113549.1.7.2
const DATA = hexBytes("06092a864886f70d010701"); // 1.2.840.113549.1.7.1

/** A CMS "certs-only" SignedData (RFC 7030 4.1.3, RFC 5751): certificates and nothing signed. */
export function certsOnly(certs: Uint8Array[]): Uint8Array {
  const signedData = seq(smallInt(1), tlv(0x31, new Uint8Array(0)), seq(DATA), tlv(0xa0, concat(certs)), tlv(0x31, new Uint8Array(0)));
  return seq(SIGNED_DATA, tlv(0xa0, signedData));
}

const CHALLENGE_PASSWORD = hexBytes("06092a864886f70d010907"); // 1.2.840.113549.1.9.7
const EC_PUBLIC_KEY = hexBytes("06072a8648ce3d0201"); // 1.2.840.10045.2.1
const CURVES = { "P-256": hexBytes("06082a8648ce3d030107"), "P-384": hexBytes("06052b81040022") };
const RSA = hexBytes("06092a864886f70d010101");
const SHA256_RSA = hexBytes("06092a864886f70d01010b");
const ECDSA_SHA256 = hexBytes("06082a8648ce3d040302");

/**
 * RFC 7030 4.5.2 CsrAttrs: what the client should put in its CSR — the challengePassword when a
 * one-time password is required, and the key types and signature algorithms the bank accepts.
 */
export function csrAttributes(opts: { otp: boolean; ecCurves: Array<"P-256" | "P-384"> }): Uint8Array {
  const items: Uint8Array[] = [];
  if (opts.otp) items.push(CHALLENGE_PASSWORD);
  items.push(RSA, SHA256_RSA);
  if (opts.ecCurves.length > 0) {
    items.push(seq(EC_PUBLIC_KEY, tlv(0x31, concat(opts.ecCurves.map((c) => CURVES[c])))));
    items.push(ECDSA_SHA256);
  }
  return seq(...items);
}
