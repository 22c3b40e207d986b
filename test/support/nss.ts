import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { run } from "./harness.js";

/** NSS error codes (secerr.h) as vfychain prints them ("ERROR -8180: ..."), by their names in NSS */
export const SEC_ERROR = {
  REVOKED_CERTIFICATE: -8180,
  EXPIRED_CERTIFICATE: -8181,
  UNKNOWN_ISSUER: -8179,
  UNTRUSTED_ISSUER: -8172,
  EXPIRED_ISSUER_CERTIFICATE: -8162,
  INADEQUATE_KEY_USAGE: -8102,
  INADEQUATE_CERT_TYPE: -8101,
} as const;
const NAMES = new Map<number, string>(Object.entries(SEC_ERROR).map(([name, code]) => [code, `SEC_ERROR_${name}`]));

/** "good", or the first error NSS names ("SEC_ERROR_REVOKED_CERTIFICATE"), or what NSS said when neither */
export type NssVerdict = string;

/** vfychain's validation time (-b): UTCTime to the second, as RFC 5280 dates it until 2050 */
export function nssTime(d: Date): string {
  return d.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, "$1$2$3$4$5$6Z");
}

/**
 * Revocation checking of the whole chain by CRL, as a verifier that insists on it does: for the
 * leaf and for every CA certificate above it, the CRL must be named by a CDP (requireInfo) and
 * fetched from it and accepted (failIfNoInfo); fetching is allowed (no forbidFetching), and there
 * is no other source: the run has no database, so nothing is cached between two runs.
 */
const STRICT_CRL = ["-g", "leaf", "-m", "crl", "-s", "requireInfo,failIfNoInfo", "-g", "chain", "-m", "crl", "-s", "requireInfo,failIfNoInfo"];
/**
 * The same fetching without the two requirements. NSS reports missing revocation information
 * under failIfNoInfo as SEC_ERROR_REVOKED_CERTIFICATE too (and logs it against another certificate
 * of the chain), so a refusal is named by this run, where "revoked" can only come from a CRL that
 * lists the certificate.
 */
const LENIENT_CRL = ["-g", "leaf", "-m", "crl", "-g", "chain", "-m", "crl"];

/**
 * NSS's verdict on a client certificate at a given moment: vfychain through CERT_PKIXVerifyCert
 * (-pp) for SSL client use (-u 0) at that time (-b), the bank's root the only trust anchor (-t),
 * the issuing CA given, every CRL fetched by NSS from the CDP of the certificate it covers.
 * (NSS takes a CRL past its nextUpdate as it takes a current one, at -b and on its own clock alike,
 * and -h requireFreshInfo changes nothing for CRLs: a CRL's freshness is OpenSSL's to judge.)
 * Files are DER.
 */
export async function vfychainClient(o: { leaf: string; intermediates: string[]; root: string; at: Date }): Promise<{ verdict: NssVerdict; out: string }> {
  const vfy = async (revocation: string[]) => {
    const r = await run("vfychain", ["-pp", "-u", "0", "-b", nssTime(o.at), ...revocation, o.leaf, ...o.intermediates, "-t", o.root], undefined, { allowFail: true });
    const out = r.stdout + r.stderr;
    const good = r.status === 0 && /Chain is good!/.test(out);
    const code = /ERROR (-\d+):/.exec(out)?.[1];
    return { good, code: code === undefined ? undefined : Number(code), out: out.replace(/\s+/g, " ").trim() };
  };
  const strict = await vfy(STRICT_CRL);
  if (strict.good) return { verdict: "good", out: strict.out };
  const lenient = await vfy(LENIENT_CRL);
  const named = lenient.code === undefined ? undefined : NAMES.get(lenient.code);
  const verdict = !lenient.good && named ? named : `failed: ${strict.out} | without requireInfo/failIfNoInfo: ${lenient.out}`;
  return { verdict, out: `${strict.out} | ${lenient.out}` };
}

/** A new NSS database at $HOME/.pki/nssdb (where Chromium reads it), the harness's server CA trusted for TLS servers. */
export async function newNssHome(home: string, serverCaFile: string, serverCaNick = "Inkan test server CA"): Promise<string> {
  const dir = join(home, ".pki", "nssdb");
  mkdirSync(dir, { recursive: true });
  await run("certutil", ["-N", "-d", `sql:${dir}`, "--empty-password"]);
  await run("certutil", ["-A", "-d", `sql:${dir}`, "-n", serverCaNick, "-t", "C,,", "-a", "-i", serverCaFile]);
  return dir;
}

/**
 * The database holds these .p12s' certificates and keys as its only user certificates (none
 * without any): every other one goes with its key (certutil -F) first. A Chromium already reading
 * the database sees the change in its next browser context.
 */
export async function holdOnly(nssDir: string, p12s: string[] = [], passphrase = ""): Promise<void> {
  const db = `sql:${nssDir}`;
  const listed = (await run("certutil", ["-L", "-d", db])).stdout;
  for (const line of listed.split("\n")) {
    const nick = /^(.*\S)\s+u,u,u\s*$/.exec(line)?.[1];
    if (nick) await run("certutil", ["-F", "-d", db, "-n", nick]);
  }
  for (const p12 of p12s) await run("pk12util", ["-i", p12, "-d", db, "-W", passphrase]);
}
