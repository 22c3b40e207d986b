import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Fastify from "fastify";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { pageBundle, pageAssetRoutes } from "../src/web/page-bundle.js";
import { run } from "./support/harness.js";

/**
 * The page-side issuance (browser/issue.ts, served as /assets/issue.js) in real Chromium: the key is
 * made by Chromium's WebCrypto, the CSR goes to an endpoint that signs it with real OpenSSL, and the
 * PKCS#12 file the page offers is read by `openssl pkcs12` and imported by NSS's pk12util.
 * The page carries the portal's markup exactly and a CSP of `script-src 'self'`.
 */

const CHROMIUM = "/usr/bin/chromium";
const ENDPOINT = "/aoba/issue/csr";
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
const P12_PASSWORD = "p12-Secret-42";
/** a password typed in Japanese: UTF-8 for PBKDF2, BMPString for the MAC, as OpenSSL and NSS read it */
const P12_PASSWORD_JA = "証明書のパスワード2026";
const UTF8 = { env: { ...process.env, LC_ALL: "C.UTF-8" } };

interface PageSpec {
  lang: "ja" | "en";
  key: "RSA-2048" | "P-256";
  file: string;
  csrf: string;
  /** named inputs besides csrf and the file's passwords */
  extra: string;
  /** a heading in the result section (the portal's usual page) or none (the bare contract) */
  heading: boolean;
}

const PAGES: Record<string, PageSpec> = {
  rsa: { lang: "ja", key: "RSA-2048", file: "aouser01", csrf: randomBytes(16).toString("hex"), extra: '<input type="hidden" name="grant" value="grant-7f3a">', heading: true },
  p256: {
    lang: "en",
    key: "P-256",
    file: "aouser02",
    csrf: randomBytes(16).toString("hex"),
    extra: '<input type="password" name="password" autocomplete="current-password"> <input type="text" name="otp" inputmode="numeric">',
    heading: false,
  },
};

function pageHtml(p: PageSpec): string {
  return `<!doctype html>
<html lang="${p.lang}">
<head><meta charset="utf-8"><title>証明書発行確認</title></head>
<body>
<form id="issue-form" data-endpoint="${ENDPOINT}" data-key="${p.key}" data-file="${p.file}">
  <input type="hidden" name="csrf" value="${p.csrf}">
  ${p.extra}
  <input type="password" name="p12Password" autocomplete="new-password">
  <input type="password" name="p12Confirm" autocomplete="new-password">
  <button type="submit">発行</button>
  <p id="issue-progress" hidden>発行しています…</p>
  <div id="issue-error" role="alert" hidden></div>
</form>
<section id="issue-result" hidden>
  ${p.heading ? "<h2>証明書発行結果</h2>" : ""}
  <dl>
  <dt>O</dt><dd data-field="organization"></dd> <dt>OU</dt><dd data-field="organizationUnit"></dd> <dt>CN</dt><dd data-field="commonName"></dd>
  <dt>serial</dt><dd data-field="serial"></dd> <dt>from</dt><dd data-field="notBefore"></dd> <dt>to</dt><dd data-field="notAfter"></dd> <dt>renew</dt><dd data-field="renewalFrom"></dd>
  </dl>
  <a id="p12-download" href="#">ダウンロード</a>
</section>
<script src="/assets/issue.js"></script>
</body>
</html>`;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const REFUSAL = { error: "csr_malformed", message: { ja: "証明書発行要求の形式が正しくありません。", en: "The certificate request is malformed." } };

describe("page-side issuance in Chromium (WebCrypto key, CSR, PKCS#12)", () => {
  let dir: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let firstBuildMs = 0;
  let bundle = "";
  const received: Received[] = [];
  let mode: "sign" | "refuse" | "drop" = "sign";
  let issued: Record<string, string> = {};
  let counter = 0;

  async function sign(csrPem: string, cn: string): Promise<object> {
    const n = ++counter;
    const csrFile = join(dir, `req-${n}.pem`);
    const certFile = join(dir, `cert-${n}.pem`);
    writeFileSync(csrFile, csrPem);
    // the subject is the server's: O/OU/CN from the bank, whatever the CSR asked
    await run("openssl", [
      "x509", "-req", "-in", csrFile, "-CA", join(dir, "issuing.pem"), "-CAkey", join(dir, "issuing.key"),
      "-set_serial", `0x${randomBytes(16).toString("hex").replace(/^./, "4")}`, "-days", "365",
      "-subj", `/C=JP/O=Aoba Bank/OU=Aoba CA/CN=${cn}`, "-extfile", join(dir, "ee.ext"), "-out", certFile,
    ]);
    const info = await run("openssl", ["x509", "-in", certFile, "-noout", "-serial", "-startdate", "-enddate"]);
    const get = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(info.stdout)?.[1] ?? "";
    issued = {
      organization: "Aoba Bank",
      // markup in a value must reach the page as text
      organizationUnit: "Aoba CA <b>&amp;</b>",
      commonName: cn,
      serial: get("serial"),
      notBefore: get("notBefore"),
      notAfter: get("notAfter"),
      renewalFrom: "2027年05月02日 09時00分00秒",
    };
    return { certificate: readFileSync(certFile, "utf8"), chain: [readFileSync(join(dir, "issuing.pem"), "utf8"), readFileSync(join(dir, "root.pem"), "utf8")], fields: issued };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "inkan-browser-bundle-"));
    // a throwaway CA: RSA root, ECDSA issuing CA, as OpenSSL makes them
    writeFileSync(join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    writeFileSync(join(dir, "ee.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "root.key"), "-out", join(dir, "root.pem"), "-subj", "/C=JP/O=Aoba Bank/CN=Aoba Test Root", "-days", "3650"]);
    await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "issuing.key"), "-out", join(dir, "issuing.csr"), "-subj", "/C=JP/O=Aoba Bank/CN=Aoba Test Issuing CA"]);
    await run("openssl", ["x509", "-req", "-in", join(dir, "issuing.csr"), "-CA", join(dir, "root.pem"), "-CAkey", join(dir, "root.key"), "-set_serial", "0x01", "-days", "1825", "-extfile", join(dir, "ca.ext"), "-out", join(dir, "issuing.pem")]);

    const t0 = performance.now();
    bundle = await pageBundle();
    firstBuildMs = performance.now() - t0;

    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const name = /^\/issue\/(\w+)$/.exec(url.pathname)?.[1];
      if (req.method === "GET" && name && PAGES[name]) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": CSP });
        res.end(pageHtml(PAGES[name]));
        return;
      }
      if (req.method === "GET" && url.pathname === "/assets/issue.js") {
        pageBundle().then((js) => {
          res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
          res.end(js);
        }, () => res.writeHead(500).end());
        return;
      }
      if (req.method === "POST" && url.pathname === ENDPOINT) {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          received.push({ headers: req.headers, body });
          if (mode === "drop") {
            req.socket.destroy();
            return;
          }
          if (mode === "refuse") {
            res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(REFUSAL));
            return;
          }
          const page = Object.values(PAGES).find((p) => p.csrf === body.csrf);
          sign(String(body.csr), page?.file ?? "unknown").then(
            (answer) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer)),
            (e: unknown) => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "internal", message: { ja: String(e), en: String(e) } })),
          );
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context = await browser.newContext({ acceptDownloads: true });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A page that records CSP violations and script errors, and every POST it sends to the endpoint. */
  async function open(name: string): Promise<{ page: Page; problems: string[]; posts: () => number }> {
    const page = await context.newPage();
    const problems: string[] = [];
    let posts = 0;
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === ENDPOINT) posts++;
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to: CSP ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${origin}/issue/${name}`);
    return { page, problems, posts: () => posts };
  }

  async function errorText(page: Page): Promise<string> {
    const box = page.locator("#issue-error");
    await box.waitFor({ state: "visible" });
    return (await box.textContent()) ?? "";
  }

  /** The error box shows a text matching `re` (it may first show an earlier one). */
  async function waitError(page: Page, re: RegExp): Promise<string> {
    await page.waitForFunction((src) => {
      const el = document.getElementById("issue-error");
      return !!el && !el.hidden && new RegExp(src).test(el.textContent ?? "");
    }, re.source);
    return errorText(page);
  }

  /** Types the PKCS#12 password and its confirmation, then presses the form's button once. */
  async function submitPasswords(page: Page, password: string, confirm: string) {
    await page.fill('input[name="p12Password"]', password);
    await page.fill('input[name="p12Confirm"]', confirm);
    await page.locator('#issue-form button[type="submit"]').click();
  }

  async function checkP12(p12: string, spec: PageSpec, password: string, keyAlgorithm: RegExp) {
    // the MAC and both encryptions open with the password, and not with another
    await run("openssl", ["pkcs12", "-in", p12, "-passin", `pass:${password}`, "-noout"], undefined, UTF8);
    const wrong = await run("openssl", ["pkcs12", "-in", p12, "-passin", "pass:not-the-password", "-noout"], undefined, { ...UTF8, allowFail: true });
    assert.notEqual(wrong.status, 0, "a wrong password is refused");

    const info = await run("openssl", ["pkcs12", "-in", p12, "-passin", `pass:${password}`, "-info", "-nodes"], undefined, UTF8);
    assert.match(info.stderr, /MAC: sha256, Iteration 100000/, info.stderr);
    assert.match(info.stderr, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/, info.stderr);
    assert.match(info.stderr, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/, info.stderr);
    // key and certificate carry the same localKeyID and the certificate's CN as friendlyName
    const blocks = info.stdout.split(/(?=Bag Attributes)/).filter((b) => b.startsWith("Bag Attributes"));
    const keyBlock = blocks.find((b) => b.includes("PRIVATE KEY-----"));
    const certBlocks = blocks.filter((b) => b.includes("BEGIN CERTIFICATE"));
    assert.ok(keyBlock, info.stdout);
    assert.equal(certBlocks.length, 2, "the certificate and the issuing CA, not the root");
    const keyId = /localKeyID: ([0-9A-F ]+)/.exec(keyBlock)?.[1]?.trim();
    assert.ok(keyId);
    assert.match(keyBlock, new RegExp(`friendlyName: ${spec.file}\\b`));
    const ee = certBlocks.find((b) => b.includes(`CN = ${spec.file}`) && /subject=.*CN = /.test(b));
    assert.ok(ee, info.stdout);
    assert.equal(/localKeyID: ([0-9A-F ]+)/.exec(ee)?.[1]?.trim(), keyId, "key and certificate are paired by localKeyID");
    assert.match(ee, new RegExp(`friendlyName: ${spec.file}\\b`));
    assert.ok(certBlocks.some((b) => b.includes("friendlyName: Aoba Test Issuing CA")));
    assert.ok(!certBlocks.some((b) => b.includes("Aoba Test Root") && /subject=.*CN = Aoba Test Root/.test(b)), "no root in the file");

    // the key in the file is the key of the certificate
    const key = await run("openssl", ["pkcs12", "-in", p12, "-passin", `pass:${password}`, "-nocerts", "-nodes"], undefined, UTF8);
    const cert = await run("openssl", ["pkcs12", "-in", p12, "-passin", `pass:${password}`, "-clcerts", "-nokeys"], undefined, UTF8);
    const keyPub = await run("openssl", ["pkey", "-pubout"], key.stdout);
    const certPub = await run("openssl", ["x509", "-pubkey", "-noout"], cert.stdout);
    assert.match(keyPub.stdout, /BEGIN PUBLIC KEY/);
    assert.equal(keyPub.stdout, certPub.stdout);
    const keyText = await run("openssl", ["pkey", "-noout", "-text"], key.stdout);
    assert.match(keyText.stdout, keyAlgorithm);

    // NSS (Chromium and Firefox on Linux) imports it and pairs key and certificate
    const db = mkdtempSync(join(dir, "nssdb-"));
    await run("certutil", ["-N", "--empty-password", "-d", `sql:${db}`]);
    await run("pk12util", ["-i", p12, "-d", `sql:${db}`, "-W", password], undefined, UTF8);
    const keys = await run("certutil", ["-K", "-d", `sql:${db}`]);
    assert.match(keys.stdout, new RegExp(`\\b(rsa|ec)\\b.*${spec.file}`), keys.stdout);
    const certs = await run("certutil", ["-L", "-d", `sql:${db}`]);
    assert.match(certs.stdout, new RegExp(`${spec.file}\\s+u,u,u`), certs.stdout);
  }

  async function checkCsr(csrPem: string, bits: RegExp) {
    const verified = await run("openssl", ["req", "-verify", "-noout"], csrPem);
    assert.match(verified.stdout + verified.stderr, /verify OK|signature ok/i);
    const text = await run("openssl", ["req", "-noout", "-text"], csrPem);
    assert.match(text.stdout, bits, text.stdout);
    return text.stdout;
  }

  test("the bundle: built once per process, served as /assets/issue.js", async (t) => {
    t.diagnostic(`first esbuild build ${firstBuildMs.toFixed(0)} ms, ${Buffer.byteLength(bundle)} bytes`);
    assert.ok(bundle.length > 1000);
    assert.equal(await pageBundle(), bundle, "memoized");
    assert.doesNotMatch(bundle, /sourceMappingURL/);
    const app = Fastify();
    pageAssetRoutes(app);
    const res = await app.inject({ method: "GET", url: "/assets/issue.js" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(res.headers["cache-control"], "public, max-age=3600");
    assert.equal(res.body, bundle);
    const again = await app.inject({ method: "GET", url: "/assets/issue.js", headers: { "if-none-match": String(res.headers.etag) } });
    assert.equal(again.statusCode, 304);
    await app.close();
  });

  test("RSA-2048, Japanese page: checks, a refusal, a double click, the PKCS#12 in OpenSSL and NSS", async () => {
    const spec = PAGES.rsa!;
    const { page, problems, posts } = await open("rsa");
    const button = page.locator('#issue-form button[type="submit"]');
    const start = received.length;

    // too short, then mismatched: said on the page in Japanese, nothing sent
    await submitPasswords(page, "short", "short");
    assert.equal(await waitError(page, /8文字以上/), "PKCS#12ファイルのパスワードは8文字以上で入力してください。");
    await submitPasswords(page, P12_PASSWORD, `${P12_PASSWORD}x`);
    assert.match(await waitError(page, /一致しません/), /一致しません/);
    assert.equal(received.length, start, "no request for a mismatched confirmation");
    assert.equal(posts(), 0);

    // the server refuses: its Japanese words, the button works again, the typed values stay
    mode = "refuse";
    await submitPasswords(page, P12_PASSWORD, P12_PASSWORD);
    assert.equal(await waitError(page, /形式が正しくありません/), REFUSAL.message.ja);
    await page.waitForFunction(() => !(document.querySelector('#issue-form button[type="submit"]') as HTMLButtonElement).disabled);
    assert.equal(await page.locator("#issue-progress").isHidden(), true);
    assert.equal(await page.inputValue('input[name="p12Password"]'), P12_PASSWORD);
    assert.equal(await page.inputValue('input[name="p12Confirm"]'), P12_PASSWORD);
    assert.equal(received.length, start + 1);
    const refusedCsr = String(received[start]!.body.csr);

    // a double click sends one request; the answer becomes the result
    mode = "sign";
    await button.dblclick();
    await page.locator("#issue-result").waitFor({ state: "visible", timeout: 60_000 });
    assert.equal(received.length, start + 2, "exactly one request for a double click");
    assert.equal(posts(), 2);
    const req = received[start + 1]!;
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.headers.accept, "application/json");
    assert.equal(req.headers["x-csrf-token"], spec.csrf);
    assert.deepEqual(Object.keys(req.body).sort(), ["csr", "csrf", "grant"]);
    assert.equal(req.body.grant, "grant-7f3a");
    const csrText = await checkCsr(String(req.body.csr), /Public-Key: \(2048 bit\)/);
    assert.match(csrText, /Exponent: 65537/);
    assert.match(csrText, /Subject: CN ?= ?aouser01/);
    assert.match(csrText, /sha256WithRSAEncryption/);
    assert.notEqual(req.body.csr, refusedCsr, "a retry makes a new key");

    // the result: text in each cell (markup stays text), the form hidden, the focus on the heading
    for (const [name, value] of Object.entries(issued)) {
      assert.equal(await page.locator(`[data-field="${name}"]`).textContent(), value, name);
    }
    assert.equal(await page.locator('[data-field="organizationUnit"] b').count(), 0, "no markup from the answer");
    assert.equal(await page.locator("#issue-form").isHidden(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H2");
    assert.equal(await page.inputValue('input[name="p12Password"]'), "", "no password left in the hidden form");

    const link = page.locator("#p12-download");
    assert.equal(await link.getAttribute("download"), `${spec.file}.p12`);
    assert.match((await link.getAttribute("href")) ?? "", /^blob:/);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    assert.equal(download.suggestedFilename(), `${spec.file}.p12`);
    const p12 = join(dir, `${spec.file}.p12`);
    await download.saveAs(p12);
    await checkP12(p12, spec, P12_PASSWORD, /Private-Key: \(2048 bit, 2 primes\)/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("P-256, English page, a PKCS#12 password in Japanese: English checks, a lost connection, a double submit, the PKCS#12 in OpenSSL and NSS", async () => {
    const spec = PAGES.p256!;
    const { page, problems, posts } = await open("p256");
    const start = received.length;

    await submitPasswords(page, P12_PASSWORD, "something-else");
    assert.match(await waitError(page, /do not match/), /^The PKCS#12 file password and its confirmation do not match/);
    assert.equal(received.length, start);

    // the connection drops after the server read the request: say so, and that retrying is safe
    mode = "drop";
    await page.fill('input[name="password"]', "Pass1234");
    await page.fill('input[name="otp"]', "123456");
    await submitPasswords(page, P12_PASSWORD_JA, P12_PASSWORD_JA);
    const lost = await waitError(page, /Communication with the server failed/);
    assert.match(lost, /Retrying is safe/);
    await page.waitForFunction(() => !(document.querySelector('#issue-form button[type="submit"]') as HTMLButtonElement).disabled);
    assert.ok(received.length > start);

    // two submits in one go (the second while the first runs) send one request
    mode = "sign";
    const before = received.length;
    const postsBefore = posts();
    await page.evaluate(() => {
      const form = document.getElementById("issue-form") as HTMLFormElement;
      form.requestSubmit();
      form.requestSubmit();
    });
    await page.locator("#issue-result").waitFor({ state: "visible", timeout: 60_000 });
    assert.equal(received.length, before + 1, "exactly one request for two submits");
    assert.equal(posts(), postsBefore + 1);
    const req = received[before]!;
    assert.equal(req.headers["x-csrf-token"], spec.csrf);
    assert.deepEqual(Object.keys(req.body).sort(), ["csr", "csrf", "otp", "password"]);
    assert.equal(req.body.password, "Pass1234");
    assert.equal(req.body.otp, "123456");
    const csrText = await checkCsr(String(req.body.csr), /Public-Key: \(256 bit\)/);
    assert.match(csrText, /NIST CURVE: P-256|prime256v1/);
    assert.match(csrText, /ecdsa-with-SHA256/);

    for (const [name, value] of Object.entries(issued)) {
      assert.equal(await page.locator(`[data-field="${name}"]`).textContent(), value, name);
    }
    // no heading in the bare contract: the download link takes the focus
    assert.equal(await page.evaluate(() => document.activeElement?.id), "p12-download");

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#p12-download").click()]);
    assert.equal(download.suggestedFilename(), `${spec.file}.p12`);
    const p12 = join(dir, `${spec.file}.p12`);
    await download.saveAs(p12);
    await checkP12(p12, spec, P12_PASSWORD_JA, /Private-Key: \(256 bit\)/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
