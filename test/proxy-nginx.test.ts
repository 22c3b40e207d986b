import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASES, freePort, run, startHarness, testBank, until, type Harness } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, estReenroll, https, type Answer, type Identity } from "./support/client.js";

/**
 * Behind a proxy (issue 4, item 5): real nginx, run from docs/nginx.conf itself, ends TLS and passes
 * the client certificate in X-SSL-Client-Cert; Inkan believes that header from the proxy's address
 * (127.0.0.2, nginx's proxy_bind) only, and checks the certificate itself as if presented directly.
 * Clients reach nginx from 127.0.0.3, so the history shows whose address Inkan recorded; direct
 * clients come from 127.0.0.1 (loopback answers on all of 127/8).
 */

const BANK = "tbank";
const PROXY_ADDRESS = "127.0.0.2";
const CLIENT_ADDRESS = "127.0.0.3";
const PASSWORD = "Pass1234";
const TEMPLATE = readFileSync(new URL("../docs/nginx.conf", import.meta.url), "utf8");

/** docs/nginx.conf with its placeholders filled in; fails if the document and the test drift apart. */
function nginxConf(dir: string, values: Record<string, string>): string {
  let text = TEMPLATE;
  for (const [name, value] of Object.entries(values)) {
    assert.ok(text.includes(`__${name}__`), `docs/nginx.conf has no __${name}__`);
    text = text.replaceAll(`__${name}__`, value);
  }
  const directives = text.split("\n").filter((l) => !l.trim().startsWith("#")).join("\n");
  assert.deepEqual(directives.match(/__[A-Z_]+__/g) ?? [], [], "every placeholder of docs/nginx.conf is filled in");
  // the one addition: nginx's temporary files in the test's own directory, not /var/lib/nginx
  const temp = join(dir, "temp");
  mkdirSync(temp, { recursive: true });
  assert.equal(text.split("\nhttp {\n").length, 2);
  return text.replace("\nhttp {\n", `\nhttp {\n${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `    ${t}_temp_path ${temp};\n`).join("")}`);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port }, () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
  });
}

const cookieOf = (a: Answer) => String(a.headers["set-cookie"]).split(";")[0]!;

for (const db of DATABASES) {
  describe(`behind nginx: the client certificate in a header from a trusted proxy only (${db})`, () => {
    let h: Harness;
    let dir: string;
    let nginx: ChildProcess | undefined;
    let nginxOut = "";
    let port = 0;
    let origin = "";
    let nginxHttp = "";
    const logLines: string[] = [];
    const ids: Record<string, Identity> = {};
    // one request through nginx over a new TLS connection made from CLIENT_ADDRESS
    const through = (o: { method?: string; path: string; identity?: Identity; body?: object; headers?: Record<string, string> }) => https(h, { ...o, origin: `https://localhost:${port}`, localAddress: CLIENT_ADDRESS });

    /** nginx from docs/nginx.conf on these ports: "listening", or why it exited (its output and error log). */
    async function startNginx(httpsPort: number, httpPort: number): Promise<string> {
      const conf = join(dir, "nginx.conf");
      writeFileSync(
        conf,
        nginxConf(dir, {
          ACCESS_LOG: join(dir, "access.log"),
          LISTEN_HTTPS: `127.0.0.1:${httpsPort}`,
          LISTEN_HTTP: `127.0.0.1:${httpPort}`,
          SERVER_NAME: "localhost",
          SERVER_CERT: join(h.dataDir, "tls", "server.pem"),
          SERVER_KEY: join(dir, "server.key"),
          BANK_CAS: join(dir, "bank-cas.pem"),
          INKAN_HTTPS: `127.0.0.1:${h.serving!.httpsPort}`,
          INKAN_HTTP: `127.0.0.1:${h.serving!.httpPort}`,
          INKAN_SERVER_CA: h.serverCaFile,
          INKAN_SERVER_NAME: "localhost",
          PROXY_ADDRESS,
        }),
      );
      const errorLog = join(dir, "error.log");
      const args = ["-p", dir, "-c", conf, "-g", `daemon off; master_process off; pid ${join(dir, "nginx.pid")}; error_log ${errorLog} info;`];
      await run("nginx", ["-t", ...args]);
      nginxOut = "";
      const child = spawn("nginx", args, { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout!.on("data", (d: Buffer) => (nginxOut += d));
      child.stderr!.on("data", (d: Buffer) => (nginxOut += d));
      let exited = false;
      child.on("exit", () => (exited = true));
      const gone = new Promise((r) => child.once("close", r));
      const up = await until("nginx to listen or exit", 20_000, async () => {
        if (exited) return "exited";
        return (await portOpen(httpsPort)) && (await portOpen(httpPort)) && "listening";
      });
      if (up.value === "listening") {
        nginx = child;
        return "listening";
      }
      await gone;
      return `${nginxOut}\n${existsSync(errorLog) ? readFileSync(errorLog, "utf8").split("\n").slice(-10).join("\n") : "(no error log)"}`;
    }

    before(async () => {
      h = await startHarness({ db, serve: true, logLines, banks: [testBank(BANK, { policy: { renewalWindow: "P400D" } })], config: { proxy: { trustedAddresses: [PROXY_ADDRESS] } } });
      const c = await h.addContract(BANK);
      for (const [loginId, role] of [["master01", "master"], ["user01", "general"], ["user02", "general"], ["user03", "general"]] as const) {
        await h.addUser(BANK, c, loginId, role);
        // enrolment straight to Inkan, as before
        const r = await estEnroll(h, BANK, loginId, PASSWORD, await newKeyAndCsr());
        assert.equal(r.status, 200, r.text);
        ids[loginId] = r.identity!;
      }

      dir = mkdtempSync(join(tmpdir(), "inkan-nginx-"));
      // nginx gets Inkan's own server certificate and its key, decrypted
      const key = join(dir, "server.key");
      await run("openssl", ["pkey", "-in", join(h.dataDir, "tls", "server.key.pem"), "-passin", `file:${join(h.dataDir, "ca", "passphrase")}`, "-out", key]);
      const bankCas = join(dir, "bank-cas.pem");
      writeFileSync(bankCas, readFileSync(join(h.dataDir, "ca", BANK, "chain.pem")));
      // A port chosen free can be taken by another test file before nginx binds it: then nginx
      // says so in its error log and exits, and the start is tried again on other ports. Any other
      // reason to exit fails the suite with nginx's own words.
      let httpsPort = 0;
      let httpPort = 0;
      for (let attempt = 1; ; attempt++) {
        [httpsPort, httpPort] = [await freePort(), await freePort()];
        const started = await startNginx(httpsPort, httpPort);
        if (started === "listening") break;
        if (!/Address already in use/.test(started) || attempt === 3) throw new Error(`nginx did not start: ${started}`);
      }
      port = httpsPort;
      origin = `https://localhost:${httpsPort}`;
      nginxHttp = `http://127.0.0.1:${httpPort}`;
    });

    after(async () => {
      if (nginx && nginx.exitCode === null) {
        const gone = new Promise((r) => nginx!.once("exit", r));
        nginx.kill("SIGTERM");
        await gone;
      }
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("login through nginx with the client certificate; the session works; the history records the client's address, never nginx's", async () => {
      const login = await through({ path: `/api/${BANK}/login`, identity: ids.user01, body: { password: PASSWORD }, headers: { "x-forwarded-for": "203.0.113.9" } });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.json.user.loginId, "user01");
      assert.equal(login.json.user.certificate.serial, ids.user01!.serial);
      const cookie = cookieOf(login);
      const me = await through({ path: `/api/${BANK}/me`, identity: ids.user01, headers: { cookie } });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.user.loginId, "user01");
      const history = await through({ path: `/api/${BANK}/history?operation=login`, identity: ids.user01, headers: { cookie } });
      assert.equal(history.status, 200, history.text);
      const logins = history.json.entries.filter((e: any) => e.action === "login" && e.result === "ok");
      assert.equal(logins.length, 1, history.text);
      // X-Forwarded-For from the trusted proxy is believed, and nginx wrote the client's address
      // over what the client claimed (203.0.113.9)
      assert.equal(logins[0].address, CLIENT_ADDRESS);
      assert.equal(logins[0].certSerial, ids.user01!.serial);
      const addresses = new Set((await h.rt.store.auditChain(BANK)).rows.map((r: any) => r.address).filter(Boolean));
      assert.ok(!addresses.has(PROXY_ADDRESS), `no record names the proxy: ${[...addresses].join(", ")}`);
      assert.ok(!addresses.has("203.0.113.9"), "no record takes the client's own X-Forwarded-For");
      assert.ok(!logLines.some((l) => l.includes("not a trusted proxy")), "nothing came from an untrusted address yet");
    });

    test("directly (from 127.0.0.1, not a trusted proxy) a forged X-SSL-Client-Cert with a valid user's PEM and no TLS certificate is ignored and logged without its value", async () => {
      const pem = ids.user02!.certPem;
      const forged = { "x-ssl-client-cert": encodeURIComponent(pem), "x-forwarded-for": PROXY_ADDRESS };
      const login = await https(h, { path: `/api/${BANK}/login`, body: { password: PASSWORD }, headers: forged });
      assert.equal(login.status, 403, login.text);
      assert.equal(login.json.error, "certificate_refused");
      assert.equal(login.json.cause, "none");
      // a real session of user02 (through nginx), then the same cookie directly with only the header
      const ok = await through({ path: `/api/${BANK}/login`, identity: ids.user02, body: { password: PASSWORD } });
      assert.equal(ok.status, 200, ok.text);
      const me = await https(h, { path: `/api/${BANK}/me`, headers: { ...forged, cookie: cookieOf(ok) } });
      assert.notEqual(me.status, 200, me.text);
      assert.ok(["session_invalid", "certificate_refused"].includes(me.json.error), me.text);
      // the refusal is recorded with the socket's address, not the X-Forwarded-For it claimed
      const refused = (await h.rt.store.auditChain(BANK)).rows.filter((r: any) => r.action === "login" && r.result === "refused");
      assert.equal(refused.at(-1)?.address, "127.0.0.1");
      const warnings = logLines.filter((l) => l.includes("not a trusted proxy"));
      assert.ok(warnings.length >= 2, logLines.slice(-5).join(""));
      const w = JSON.parse(warnings[0]!);
      assert.equal(w.level, 40, "logged at warn");
      assert.equal(w.peer, "127.0.0.1");
      const body = pem.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
      for (const l of logLines) {
        assert.ok(!l.includes(body.slice(10, 60)) && !l.includes(encodeURIComponent(body.slice(10, 60))), "the header's value is never logged");
      }
    });

    test("through nginx, a client's own X-SSL-Client-Cert without a TLS certificate is dropped by nginx: no certificate", async () => {
      const r = await through({ path: `/api/${BANK}/login`, body: { password: PASSWORD }, headers: { "x-ssl-client-cert": encodeURIComponent(ids.user03!.certPem) } });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.error, "certificate_refused");
      assert.equal(r.json.cause, "none");
      // and with another user's certificate on TLS, the TLS one counts, not the client's header
      const mixed = await through({ path: `/api/${BANK}/login`, identity: ids.master01, body: { password: PASSWORD }, headers: { "x-ssl-client-cert": encodeURIComponent(ids.user03!.certPem) } });
      assert.equal(mixed.status, 200, mixed.text);
      assert.equal(mixed.json.user.loginId, "master01");
    });

    test("a certificate from a foreign CA through nginx: Inkan's own check refuses it (cause foreign)", async () => {
      const key = join(dir, "foreign.key");
      const cert = join(dir, "foreign.pem");
      await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=Stranger/O=Test Bank, Ltd.", "-days", "30"]);
      const stranger: Identity = { keyPem: readFileSync(key, "utf8"), certPem: readFileSync(cert, "utf8"), serial: "-" };
      const r = await through({ path: `/api/${BANK}/login`, identity: stranger, body: { password: PASSWORD } });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.error, "certificate_refused");
      assert.equal(r.json.cause, "foreign");
      assert.match(r.json.message.ja, /お客様が選択された証明書は本サービスではご利用できません。/);
    });

    test("renewal over EST simplereenroll through nginx: the current certificate comes in the header; the new one then logs in and the old one is refused", async () => {
      const renewed = await estReenroll(h, BANK, ids.user03!, "user03", PASSWORD, await newKeyAndCsr(), undefined, origin);
      assert.equal(renewed.status, 200, renewed.text);
      assert.notEqual(renewed.identity!.serial, ids.user03!.serial);
      const login = await through({ path: `/api/${BANK}/login`, identity: renewed.identity, body: { password: PASSWORD } });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.json.user.certificate.serial, renewed.identity!.serial);
      const old = await through({ path: `/api/${BANK}/login`, identity: ids.user03, body: { password: PASSWORD } });
      assert.equal(old.status, 403, old.text);
      assert.equal(old.json.cause, "superseded");
      // EST enrolment itself works through nginx too (no certificate needed)
      const c = (await h.rt.store.getUserByLoginId(BANK, "master01"))!.contractId;
      await h.addUser(BANK, c, "user04", "general");
      const enrolled = await estEnroll(h, BANK, "user04", PASSWORD, await newKeyAndCsr(), undefined, origin);
      assert.equal(enrolled.status, 200, enrolled.text);
    });

    test("CRL and OCSP through nginx's plain-HTTP server", async () => {
      const base = nginxHttp;
      const files = readFileSync(join(h.dataDir, "ca", BANK, "chain.pem"), "utf8");
      assert.ok(files.includes("BEGIN CERTIFICATE"));
      const crlName = (await run("openssl", ["x509", "-noout", "-ext", "crlDistributionPoints"], ids.user01!.certPem)).stdout.match(/URI:\S+\/crl\/(\S+)/)?.[1];
      assert.ok(crlName, "the certificate names a CRL");
      const crl = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", `${base}/crl/${crlName}`]);
      assert.equal(crl.stdout, "200");
      const metrics = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", `${base}/metrics`]);
      assert.equal(metrics.stdout, "404", "only CRL, OCSP and CA certificates are exposed");
      // nor on the HTTPS side: nginx's own 404, before Inkan; Inkan's metrics listener answers only on loopback
      const viaHttps = await run("curl", ["-sS", "--cacert", h.serverCaFile, "-w", "\n%{http_code}", `${origin}/metrics`]);
      assert.match(viaHttps.stdout, /<center>nginx<\/center>[\s\S]*\n404$/, "nginx refuses /metrics itself");
      const direct = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${h.serving!.metricsPort}/metrics`]);
      assert.equal(direct.stdout, "200");
      const issuing = join(dir, "issuing.pem");
      writeFileSync(issuing, readFileSync(join(h.dataDir, "ca", BANK, "issuing.pem")));
      const certFile = join(dir, "user01.pem");
      writeFileSync(certFile, ids.user01!.certPem);
      const ocsp = await run("openssl", ["ocsp", "-issuer", issuing, "-cert", certFile, "-url", `${base}/ocsp/${BANK}`, "-noverify"]);
      assert.match(ocsp.stdout, /: good/);
    });

    test("revoked (by the CLI) → the very next request through nginx is refused by Inkan's own check (nginx has no CRL)", async () => {
      const login = await through({ path: `/api/${BANK}/login`, identity: ids.user01, body: { password: PASSWORD } });
      assert.equal(login.status, 200, login.text);
      const cookie = cookieOf(login);
      const r = await h.cli(["cert", "revoke", ids.user01!.serial, "--bank", BANK, "--reason", "keyCompromise"]);
      assert.equal(r.status, 0, r.stderr);
      const me = await through({ path: `/api/${BANK}/me`, identity: ids.user01, headers: { cookie } });
      assert.equal(me.status, 403, me.text);
      assert.equal(me.json.error, "certificate_refused");
      assert.equal(me.json.cause, "revoked");
      const again = await through({ path: `/api/${BANK}/login`, identity: ids.user01, body: { password: PASSWORD } });
      assert.equal(again.status, 403, again.text);
      assert.equal(again.json.cause, "revoked");
    });
  });
}
