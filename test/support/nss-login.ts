import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { autoSelectClientCertificates, launchChromium } from "./browser.js";
import { run, type Harness } from "./harness.js";

export const SERVER_CA_NICK = "Inkan test server CA";

/** What Chromium's own client authentication got from the server in one new browser context. */
export interface NssAttempt {
  /** what the server said of the client certificate in the TLS handshake (x-inkan-certificate): null when none was presented */
  presented: string | null;
  loginStatus: number;
  loginId?: string;
  /** the serial of the certificate the server saw at login */
  serial?: string;
  /** GET /api/<bank>/me with the session that login made */
  meStatus: number;
  /** the page, still open, for a picture (its context closes with the browser) */
  page: Page;
}

export interface NssLogin extends NssAttempt {
  /** `certutil -L` and `-K` of the database, for a failure's message */
  nss: string;
  /** closes the browser */
  close(): Promise<void>;
}

/**
 * One login in a new context of a running Chromium (its own TLS sessions and client-certificate
 * choice, so a change of the NSS database since the last context is seen): the page loads, the
 * certificate Chromium chose is presented, the JSON login with the password only, then /me.
 */
export async function loginFromNss(browser: Browser, h: Harness, bank: string): Promise<NssAttempt> {
  const origin = h.https;
  const page = await (await browser.newContext()).newPage(); // no ignoreHTTPSErrors: the server CA is trusted through NSS
  const nav = await page.goto(`${origin}/healthz`);
  if (nav?.status() !== 200 || new URL(page.url()).origin !== origin) throw new Error(`the portal did not load: ${nav?.status()} ${page.url()}`);
  const presented = await page.evaluate(async (b) => (await fetch(`/.well-known/est/${b}/csrattrs`)).headers.get("x-inkan-certificate"), bank);
  // JSON login with the password only: the certificate Chromium presented names the user
  const login = await page.evaluate(async (b) => {
    const res = await fetch(`/api/${b}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: "Pass1234" }) });
    return { status: res.status, body: await res.text() };
  }, bank);
  const user = login.status === 200 ? (JSON.parse(login.body) as { user: { loginId: string; certificate: { serial: string } | null } }).user : undefined;
  // the session cookie from that login works on the next request, over the same certificate
  const meStatus = await page.evaluate(async (b) => (await fetch(`/api/${b}/me`)).status, bank);
  return { presented, loginStatus: login.status, loginId: user?.loginId, serial: user?.certificate?.serial, meStatus, page };
}

/**
 * Chromium, reading the NSS database at $HOME/.pki/nssdb (where `inkan-app install --nss` and the
 * window put certificates), logs in to the portal's JSON API: the client certificate is chosen by
 * Chromium itself through its AutoSelectCertificateForUrls policy; nothing hands it the key but NSS.
 * The harness's server CA is trusted in that database for TLS servers, so the page loads cleanly.
 * Chromium offers no certificate that is not yet valid by its own clock: a test whose server clock
 * runs ahead of the real one gets none presented, unless Chromium runs `at` that time too.
 */
export async function chromiumLogsInFromNss(h: Harness, home: string, bank: string, o: { at?: Date } = {}): Promise<NssLogin> {
  const nssDir = join(home, ".pki", "nssdb");
  await run("certutil", ["-A", "-d", `sql:${nssDir}`, "-n", SERVER_CA_NICK, "-t", "C,,", "-a", "-i", h.serverCaFile]);
  const policyGone = autoSelectClientCertificates();
  const browser = await launchChromium({ home, at: o.at });
  const close = async () => {
    await browser.close().catch(() => undefined);
    policyGone();
  };
  try {
    const attempt = await loginFromNss(browser, h, bank);
    const nss = (await run("certutil", ["-L", "-d", `sql:${nssDir}`], undefined, { allowFail: true })).stdout + (await run("certutil", ["-K", "-d", `sql:${nssDir}`], undefined, { allowFail: true })).stdout;
    return { ...attempt, nss, close };
  } catch (e) {
    await close();
    const listed = await run("certutil", ["-L", "-d", `sql:${nssDir}`], undefined, { allowFail: true });
    throw new Error(`${(e as Error).message}\nthe NSS database:\n${listed.stdout}`);
  }
}
