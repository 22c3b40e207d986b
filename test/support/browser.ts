import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/**
 * Real Chromium for the portal's browser tests: Debian's /usr/bin/chromium driven by playwright-core.
 *
 * Client certificates come two ways:
 *  - Playwright's `clientCertificates` (newPortalContext): Playwright does the TLS to the server in
 *    Node and hands Chromium a plain tunnel. That Node-side TLS verifies the server with Node's
 *    root store, which NODE_EXTRA_CA_CERTS extends only when the process starts — and the harness
 *    makes a new server CA per run, after that. Node 20 has no way to add a root later
 *    (tls.setDefaultCACertificates is Node 22.15+), so these contexts use ignoreHTTPSErrors; the
 *    server's certificate is checked against h.serverCaFile by the NSS run, where Chromium verifies it.
 *  - Chromium's own client authentication from an NSS database ($HOME/.pki/nssdb) with the
 *    AutoSelectCertificateForUrls policy (launchChromium({ home })), as test/app-chromium.test.ts does.
 */

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOT_DIR = join(process.cwd(), "test-artifacts", "screenshots");

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/**
 * The environment that runs a program (and every process it starts) on a clock `at` the given
 * moment: Debian's libfaketime preloaded with a fixed offset from the real clock, so Chromium's
 * processes agree with each other and the clock still runs. The monotonic clock is offset too:
 * with FAKETIME_DONT_FAKE_MONOTONIC, Chromium spins (a minute of CPU to load a page).
 */
export function fakeTimeEnv(at: Date): NodeJS.ProcessEnv {
  const seconds = Math.round((at.getTime() - Date.now()) / 1000);
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: `${seconds >= 0 ? "+" : ""}${seconds}` };
}

/**
 * Chromium, headless; `home` chooses the $HOME (and so the NSS database) it reads; `at` runs it on
 * a clock at that moment (libfaketime), for the certificates it offers and the server's it accepts.
 */
export function launchChromium(o: { home?: string; at?: Date } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    env: { ...process.env, ...(o.home ? { HOME: o.home } : {}), ...(o.at ? fakeTimeEnv(o.at) : {}) },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--font-render-hinting=none"],
  });
}

const POLICY_DIR = "/etc/chromium/policies/managed";
/**
 * Every test server is https://localhost:<some port>. One pattern for all of them: Chromium reads
 * every file of the managed-policy folder (and reloads it when it changes), and of several files
 * setting the same policy only one wins, so files naming each test's own origin would take each
 * other's place when test files (or several people's runs) overlap.
 */
const AUTO_SELECT = JSON.stringify({ AutoSelectCertificateForUrls: [JSON.stringify({ pattern: "https://localhost:*", filter: {} })] });

/**
 * Lets Chromium present the client certificate it finds in NSS without asking (the
 * AutoSelectCertificateForUrls policy) until the returned function removes this run's file; the
 * files of overlapping runs all say the same.
 */
export function autoSelectClientCertificates(): () => void {
  mkdirSync(POLICY_DIR, { recursive: true });
  const file = join(POLICY_DIR, `inkan-test-${randomBytes(6).toString("hex")}.json`);
  writeFileSync(`${file}.tmp`, AUTO_SELECT);
  renameSync(`${file}.tmp`, file);
  return () => rmSync(file, { force: true });
}

/** The .p12 the page downloaded (with its passphrase), or a PEM key and certificate. */
export type ClientCert = { pfx: Buffer; passphrase: string } | { keyPem: string; certPem: string };

/**
 * A browser context for the portal at `origin` (exactly as the server is addressed: scheme, host,
 * port), presenting `cert` when given. `locale` sets navigator.language and Accept-Language.
 */
export async function newPortalContext(browser: Browser, origin: string, o: { cert?: ClientCert; locale?: string } = {}): Promise<BrowserContext> {
  const clientCertificates = !o.cert
    ? undefined
    : "pfx" in o.cert
      ? [{ origin, pfx: o.cert.pfx, passphrase: o.cert.passphrase }]
      : [{ origin, cert: Buffer.from(o.cert.certPem), key: Buffer.from(o.cert.keyPem) }];
  return browser.newContext({
    ignoreHTTPSErrors: true,
    clientCertificates,
    locale: o.locale ?? "ja-JP",
    timezoneId: "Asia/Tokyo",
    viewport: { width: 1100, height: 800 },
    acceptDownloads: true,
  });
}

/**
 * Records what would make a page silently wrong into `sink`: uncaught exceptions and
 * Content-Security-Policy refusals (the pages run under `script-src 'self'`, so an inline script or
 * style shows here).
 */
export function watchPage(page: Page, sink: string[] = []): string[] {
  page.on("pageerror", (e) => sink.push(`page error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) sink.push(`CSP on ${page.url()}: ${m.text()}`);
  });
  return sink;
}

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * axe-core on the page as it is now; fails on any violation of impact serious or critical, listing
 * them. axe is evaluated through the DevTools protocol, so the page's CSP stays as served.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  axeSource ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations;
  })) as AxeResult[];
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.equal(
    bad.length,
    0,
    `axe on ${name} (${page.url()}):\n` +
      bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` + v.nodes.map((n) => `      ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\n/g, " ") ?? ""}`).join("\n")).join("\n"),
  );
}

/** A full-page picture at test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Every screen a test visits: its picture first (kept even when axe then fails), then axe. */
export async function inspect(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await checkA11y(page, name);
}
