import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

/**
 * PKCS#12 (RFC 7292) written in the browser with pkijs over WebCrypto, in the layout OpenSSL 3
 * writes by default and the issuing app's `export` writes (src/app/pkcs12.ts):
 *
 *   authSafe = [ EncryptedData(PBES2){ CertBag(end entity; friendlyName, localKeyId),
 *                                      CertBag(issuing CA; friendlyName), CertBag(root; friendlyName) },
 *                Data{ PKCS8ShroudedKeyBag(PBES2; friendlyName, localKeyId) } ]
 *   PBES2 = PBKDF2-HMAC-SHA256 (P12_ITERATIONS) + AES-256-CBC; MAC = HMAC-SHA256 (PKCS#12 KDF).
 *
 * OpenSSL 3, NSS (pk12util, Chromium and Firefox on Linux), macOS and Windows 10+ import it.
 * localKeyId = SHA-1 of the certificate, as OpenSSL makes it: Windows and NSS pair key and
 * certificate by it. Passwords are used as UTF-8 for PBKDF2 and as BMPString for the MAC, as OpenSSL does.
 *
 * pkijs splits encrypted content into a constructed (BER) OCTET STRING of 1 KB pieces; it is put
 * back into one primitive OCTET STRING here, so the file is the plain DER-like form every importer reads.
 */

export const P12_ITERATIONS = 100_000;

const OID = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
};

export interface Pkcs12Input {
  /** the private key, extractable */
  privateKey: CryptoKey;
  /** the end-entity certificate, DER */
  certificate: ArrayBuffer;
  /** issuing CA and root, DER, each with the name shown when imported (its CN) */
  chain: Array<{ der: ArrayBuffer; name: string }>;
  /** shown by Windows, Keychain and NSS as the certificate's name: its CN */
  friendlyName: string;
  password: string;
  iterations?: number;
}

function attribute(type: string, value: asn1js.BaseBlock): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** PBES2-encrypts `plain`: returns the AlgorithmIdentifier and the ciphertext as one primitive OCTET STRING. */
async function pbes2(plain: ArrayBuffer, password: ArrayBuffer, iterations: number, crypto: pkijs.ICryptoEngine): Promise<pkijs.EncryptedContentInfo> {
  const enc = new pkijs.EncryptedData();
  await enc.encrypt(
    {
      password,
      // pkijs draws the IV itself (and writes it into the PBES2 parameters): none is given here
      contentEncryptionAlgorithm: { name: "AES-CBC", length: 256 } as pkijs.ContentEncryptionAlgorithm,
      hmacHashAlgorithm: "SHA-256",
      iterationCount: iterations,
      contentToEncrypt: plain,
    },
    crypto,
  );
  const info = enc.encryptedContentInfo;
  info.encryptedContent = new asn1js.OctetString({ valueHex: info.getEncryptedContent() });
  return info;
}

export async function buildPkcs12(o: Pkcs12Input): Promise<ArrayBuffer> {
  if (o.password.length === 0) throw new Error("a PKCS#12 password is required");
  const crypto = pkijs.getCrypto(true);
  const iterations = o.iterations ?? P12_ITERATIONS;
  const password = new TextEncoder().encode(o.password).buffer as ArrayBuffer;

  const pkcs8 = await crypto.exportKey("pkcs8", o.privateKey);
  const localKeyId = await crypto.digest({ name: "SHA-1" }, o.certificate);
  const keyAttrs = () => [
    attribute(OID.friendlyName, new asn1js.BmpString({ value: o.friendlyName })),
    attribute(OID.localKeyId, new asn1js.OctetString({ valueHex: localKeyId })),
  ];
  const certBag = (der: ArrayBuffer, attrs: pkijs.Attribute[]) =>
    new pkijs.SafeBag({
      bagId: OID.certBag,
      bagValue: new pkijs.CertBag({ certId: OID.x509Certificate, certValue: new asn1js.OctetString({ valueHex: der }) }),
      bagAttributes: attrs,
    });

  // certificates: one SafeContents inside a password-encrypted EncryptedData
  const certContents = new pkijs.SafeContents({
    safeBags: [
      certBag(o.certificate, keyAttrs()),
      ...o.chain.map((c) => certBag(c.der, [attribute(OID.friendlyName, new asn1js.BmpString({ value: c.name }))])),
    ],
  });
  const certsEncrypted = new pkijs.EncryptedData({
    version: 0,
    encryptedContentInfo: await pbes2(certContents.toSchema().toBER(false), password, iterations, crypto),
  });

  // the key: a PKCS8ShroudedKeyBag (itself encrypted) inside a plain Data
  const shrouded = await pbes2(pkcs8, password, iterations, crypto);
  const keyBag = new pkijs.SafeBag({
    bagId: OID.shroudedKeyBag,
    bagValue: new pkijs.PKCS8ShroudedKeyBag({
      encryptionAlgorithm: shrouded.contentEncryptionAlgorithm,
      encryptedData: shrouded.encryptedContent as asn1js.OctetString,
    }),
    bagAttributes: keyAttrs(),
  });
  const keyContents = new pkijs.SafeContents({ safeBags: [keyBag] });

  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    safeContents: [
      new pkijs.ContentInfo({ contentType: OID.encryptedData, content: certsEncrypted.toSchema() }),
      new pkijs.ContentInfo({ contentType: OID.data, content: new asn1js.OctetString({ valueHex: keyContents.toSchema().toBER(false) }) }),
    ],
  });

  // integrity: HMAC-SHA256 over the authSafe, key from the PKCS#12 KDF (pkijs: integrityMode 0)
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues(
    { password, iterations, pbkdf2HashAlgorithm: { name: "SHA-256" }, hmacHashAlgorithm: "SHA-256" },
    crypto,
  );
  return pfx.toSchema().toBER(false);
}
