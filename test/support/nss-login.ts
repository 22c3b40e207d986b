import { join } from "node:path";
import type { Page } from "playwright-core";
import { autoSelectClientCertificates, launchChromium } from "./browser.js";
import { run, type Harness } from "./harness.js";

export const SERVER_CA_NICK = "Inkan test server CA";

export interface NssLogin {
  /** what the server said of the client certificate in the TLS handshake (x-inkan-certificate) */
  presented: string | null;
  loginStatus: number;
  loginId?: string;
  /** the serial of the certificate the server saw at login */
  serial?: string;
  /** GET /api/<bank>/me with the session that login made */
  meStatus: number;
  /** `certutil -L` and `-K` of the database, for a failure's message */
  nss: string;
  /** the page, still open, for a picture; closed with the browser by `close` */
  page: Page;
  close(): Promise<void>;
}

/**
 * Chromium, reading the NSS database at $HOME/.pki/nssdb (where `inkan-app install --nss` and the
 * window put certificates), logs in to the portal's JSON API: the client certificate is chosen by
 * Chromium itself through its AutoSelectCertificateForUrls policy; nothing hands it the key but NSS.
 * The harness's server CA is trusted in that database for TLS servers, so the page loads cleanly.
 * Chromium offers no certificate that is not yet valid by its own clock: a test whose server clock
 * runs ahead of the real one gets none presented.
 */
export async function chromiumLogsInFromNss(h: Harness, home: string, bank: string): Promise<NssLogin> {
  const nssDir = join(home, ".pki", "nssdb");
  await run("certutil", ["-A", "-d", `sql:${nssDir}`, "-n", SERVER_CA_NICK, "-t", "C,,", "-a", "-i", h.serverCaFile]);
  const origin = h.https;
  const policyGone = autoSelectClientCertificates();
  const browser = await launchChromium({ home });
  const close = async () => {
    await browser.close().catch(() => undefined);
    policyGone();
  };
  try {
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
    const nss = (await run("certutil", ["-L", "-d", `sql:${nssDir}`], undefined, { allowFail: true })).stdout + (await run("certutil", ["-K", "-d", `sql:${nssDir}`], undefined, { allowFail: true })).stdout;
    return { presented, loginStatus: login.status, loginId: user?.loginId, serial: user?.certificate?.serial, meStatus, nss, page, close };
  } catch (e) {
    await close();
    const listed = await run("certutil", ["-L", "-d", `sql:${nssDir}`], undefined, { allowFail: true });
    throw new Error(`${(e as Error).message}\nthe NSS database:\n${listed.stdout}`);
  }
}
