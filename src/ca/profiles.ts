import * as x509 from "./x509.js";

/** Extensions of each kind of certificate the CA makes. The user profile is SPEC.md's, exactly. */
export interface CaUrls {
  crl: string;
  caIssuers: string;
}

export interface UserProfileUrls extends CaUrls {
  ocsp: string;
}

/** certificatePolicies only for a bank that configured its own OID. */
const policies = (policyOid: string | undefined) => (policyOid ? [new x509.CertificatePolicyExtension([policyOid])] : []);

export function userExtensions(urls: UserProfileUrls, policyOid: string | undefined): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
    new x509.CRLDistributionPointsExtension([urls.crl]),
    new x509.AuthorityInfoAccessExtension({ ocsp: [urls.ocsp], caIssuers: [urls.caIssuers] }),
    ...policies(policyOid),
  ];
}

export function rootExtensions(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

/**
 * An issuing CA: with the root's CRL (ARL) at its CDP and the root certificate at caIssuers, so a
 * verifier that checks the whole chain (Windows client authentication, Java with revocation on,
 * `openssl verify -crl_check_all`, NSS fetching) can decide the issuing CA's own status.
 */
export function issuingExtensions(policyOid: string | undefined, root?: CaUrls): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ...(root ? [new x509.CRLDistributionPointsExtension([root.crl]), new x509.AuthorityInfoAccessExtension({ caIssuers: [root.caIssuers] })] : []),
    ...policies(policyOid),
  ];
}

const OCSP_NO_CHECK = "1.3.6.1.5.5.7.48.1.5";

/** RFC 6960 4.2.2.2: a delegated responder, with id-pkix-ocsp-nocheck so clients do not loop. */
export function ocspResponderExtensions(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning], false),
    new x509.Extension(OCSP_NO_CHECK, false, Uint8Array.of(0x05, 0x00)),
  ];
}

export function serverExtensions(names: string[]): x509.Extension[] {
  const sans = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(":") ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n }));
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    new x509.SubjectAlternativeNameExtension(sans),
  ];
}
