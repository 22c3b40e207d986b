import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { webcrypto } from "node:crypto";
import { run, testBank, type Harness } from "./harness.js";
import { addStaffMember } from "./staff.js";
import { estEnroll, https, newKeyAndCsr } from "./client.js";
import type { Target } from "./fuzz.js";

export const FUZZ_BANK = "fz";

/**
 * What the fuzzed server is configured with: its one bank, 127.0.0.2 as the trusted proxy (the
 * fuzzer sends a proxy's X-Forwarded-For and certificate header from there, as nginx would), and
 * a throttle per address loose enough that a good share of password tries reach the CSR and form
 * checks behind them (5 a second; each costs a 32 MiB scrypt), none per login ID (the enrolling
 * user's CSRs are mostly refused, yet must not throttle it).
 */
export const fuzzServerConfig = (keyPrefix: string) => ({
  banks: [testBank(FUZZ_BANK)],
  config: {
    proxy: { trustedAddresses: ["127.0.0.2"], certificateHeader: "x-ssl-client-cert" },
    throttle: { keyPrefix, perAddress: { points: 300, seconds: 60 }, perLoginId: { points: 100_000, seconds: 60 } },
  },
});

const cookie = (r: { headers: Record<string, unknown> }, name: string) =>
  ([] as string[])
    .concat((r.headers["set-cookie"] as string[] | string | undefined) ?? [])
    .find((c) => c.startsWith(`${name}=`))
    ?.split(";")[0]
    ?.slice(name.length + 1);
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

/**
 * The fuzzed world, made through the real server: a certificate contract with a master, a user who
 * enrols over EST (its password always sent right), a user with a certificate and a portal session,
 * an ID/password contract, a staff operator with a console session, and the seeds to mutate.
 * `staffOrigin` and the listeners are those the fuzzer will hit.
 */
export async function prepareTarget(h: Harness, staffOrigin: string): Promise<Target> {
  const c1 = await h.addContract(FUZZ_BANK, "C1");
  await h.addUser(FUZZ_BANK, c1, "master01", "master");
  await h.addUser(FUZZ_BANK, c1, "fuzz01", "general");
  await h.addUser(FUZZ_BANK, c1, "cert01", "general");
  const c2 = await h.rt.lifecycle.addContract(FUZZ_BANK, { code: "C2", name: "株式会社ファズ", loginMethod: "password" }, { actorKind: "cli", actorId: "fuzz" });
  await h.addUser(FUZZ_BANK, c2, "pwuser01", "master");

  const enrolled = await estEnroll(h, FUZZ_BANK, "cert01", "Pass1234", await newKeyAndCsr());
  assert.equal(enrolled.status, 200, enrolled.text);
  const user = enrolled.identity!;
  const login = await https(h, { path: `/${FUZZ_BANK}/login`, identity: user, body: "password=Pass1234", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(login.status, 303, login.text);
  const session = cookie(login, "__Host-inkan_session")!;
  const top = await https(h, { path: `/${FUZZ_BANK}/top`, identity: user, headers: { cookie: `__Host-inkan_session=${session}` } });
  const csrf = hidden(top.text, "csrf");
  assert.ok(csrf, "the portal session's form token");

  const { certPem: staffCert, keyPem: staffKey } = (await addStaffMember(h, { bank: FUZZ_BANK, id: "op01", role: "operator", passphrase: "fuzz-P12" })).identity;
  const page = await https(h, { origin: staffOrigin, path: "/unlock", identity: { certPem: staffCert, keyPem: staffKey, serial: "" } });
  assert.equal(page.status, 200, page.text);

  const kc = await newKeyAndCsr();
  const issuer = join(h.dataDir, "ca", FUZZ_BANK, "issuing.pem");
  const reqFile = join(h.dataDir, "fuzz-ocsp.der");
  await run("openssl", ["ocsp", "-issuer", issuer, "-serial", `0x${user.serial}`, "-no_nonce", "-reqout", reqFile]);
  const keys: CryptoKeyPair[] = [];
  for (let i = 0; i < 3; i++) keys.push((await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair);
  keys.push((await webcrypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }, true, ["sign", "verify"])) as CryptoKeyPair);
  return {
    https: h.https,
    http: h.http,
    staff: staffOrigin,
    bank: FUZZ_BANK,
    user: { keyPem: user.keyPem, certPem: user.certPem, session, csrf },
    staffMember: { keyPem: staffKey, certPem: staffCert, session: cookie(page, "__Host-inkan_staff")!, csrf: hidden(page.text, "csrf") },
    serverCa: readFileSync(h.serverCaFile, "utf8"),
    csrDer: new Uint8Array(Buffer.from(kc.csrB64, "base64")),
    ocspDer: new Uint8Array(readFileSync(reqFile)),
    keys,
    enrolId: "fuzz01",
    password: "Pass1234",
  };
}
