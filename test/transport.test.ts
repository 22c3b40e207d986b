import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { request } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATABASES, run, startHarness, type Harness } from "./support/harness.js";
import { TLS_CIPHERS } from "../src/web/transport.js";

/**
 * Issue 13, Build 4 and /metrics: every listener (HTTPS portal/EST/API, the staff console, plain
 * HTTP for CRL/OCSP, metrics) cuts off a slow client, the TLS listeners speak Mozilla's
 * "intermediate" profile without DHE and refuse a client's renegotiation, and the metrics are on
 * their own loopback listener only. The timeouts are configured small here, so each cut-off is
 * seen in about a second; production's defaults are checked in src/web/transport.test.ts.
 */

const TIMEOUTS = { handshakeMs: 300, headersMs: 400, requestMs: 800, keepAliveMs: 300, idleMs: 5000 };
/** how much later than its timeout a connection may close (node checks its timers every 100 ms here; the machine is shared) */
const SLACK_MS = 1500;

type Listener = { name: string; port: number; tls: boolean };

function open(l: Listener, o: ConnectionOptions = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s: Socket = l.tls
      ? tlsConnect({ host: "127.0.0.1", port: l.port, servername: "localhost", rejectUnauthorized: false, ...o }, () => resolve(s))
      : netConnect({ host: "127.0.0.1", port: l.port }, () => resolve(s));
    s.once("error", reject);
  });
}

/**
 * Feeds `bytes` into the socket one `chunk` every 100 ms until the server closes it; resolves with
 * how long the connection lived, and what the server said. Fails (instead of waiting on) once the
 * connection outlives `maxMs`.
 */
function closedAfter(s: Socket, maxMs: number, feed?: { first: string; chunk: string }): Promise<{ ms: number; answer: string }> {
  const start = Date.now();
  let answer = "";
  s.on("data", (d: Buffer) => (answer += d.toString("latin1")));
  s.on("error", () => undefined);
  if (feed) s.write(feed.first);
  const trickle = feed?.chunk ? setInterval(() => s.writable && s.write(feed.chunk), 100) : undefined;
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      s.destroy();
      reject(new Error(`still open after ${maxMs} ms`));
    }, maxMs);
    s.once("close", () => {
      clearInterval(trickle);
      clearTimeout(guard);
      resolve({ ms: Date.now() - start, answer });
    });
  });
}

for (const db of DATABASES) {
  describe(`every listener cuts off slow clients; TLS profile; metrics on their own listener (${db})`, () => {
    let h: Harness;
    let listeners: Listener[];
    before(async () => {
      h = await startHarness({ db, serve: true, config: { timeouts: TIMEOUTS } });
      const s = h.serving!;
      listeners = [
        { name: "HTTPS (portal, EST, API)", port: s.httpsPort, tls: true },
        { name: "staff console", port: s.staffPort, tls: true },
        { name: "HTTP (CRL, OCSP)", port: s.httpPort, tls: false },
        { name: "metrics", port: s.metricsPort, tls: false },
      ];
    });
    after(async () => h?.close());

    test("a body trickled one byte every 100 ms is cut off at the request timeout, on every listener", async () => {
      for (const l of listeners) {
        const s = await open(l);
        const r = await closedAfter(s, TIMEOUTS.requestMs + SLACK_MS, { first: "POST /ocsp/tbank HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/ocsp-request\r\nContent-Length: 5000\r\n\r\n", chunk: "0" });
        assert.ok(r.ms >= TIMEOUTS.requestMs - 100, `${l.name}: closed after ${r.ms} ms, before its time`);
        // whatever came back before (a listener may refuse before it reads the body) is a 4xx, 408 at the cut-off
        assert.match(r.answer, /^$|^HTTP\/1\.1 4\d\d/, `${l.name}: ${r.answer.slice(0, 40)}`);
      }
    });

    test("headers trickled one line every 100 ms are cut off at the headers timeout, on every listener", async () => {
      for (const l of listeners) {
        const s = await open(l);
        const r = await closedAfter(s, TIMEOUTS.headersMs + SLACK_MS, { first: "GET /healthz HTTP/1.1\r\nHost: localhost\r\n", chunk: "X-Slow: a\r\n" });
        assert.ok(r.ms >= TIMEOUTS.headersMs - 100, `${l.name}: closed after ${r.ms} ms, before its time`);
        assert.match(r.answer, /^$|^HTTP\/1\.1 408 /, `${l.name}: ${r.answer.slice(0, 40)}`);
      }
    });

    test("a kept-alive connection with no next request is closed at the keep-alive timeout, on every listener", async () => {
      for (const l of listeners) {
        const s = await open(l);
        const path = l.name === "metrics" ? "/metrics" : "/healthz";
        // node keeps the socket a second past keepAliveTimeout, so that a client told "timeout=N" closes first
        const r = await closedAfter(s, TIMEOUTS.keepAliveMs + 1000 + SLACK_MS, { first: `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`, chunk: "" });
        // (the staff console answers 403 without a staff certificate: an answer all the same)
        assert.match(r.answer, /^HTTP\/1\.1 (200|403) /, `${l.name}: the one request is answered`);
        assert.match(r.answer, /connection: keep-alive/i, `${l.name}: and the connection kept`);
        assert.ok(r.ms >= TIMEOUTS.keepAliveMs - 100, `${l.name}: closed after ${r.ms} ms, before its time`);
      }
    });

    test("a connection that never says anything is closed: at the TLS handshake timeout, or the headers timeout on plain HTTP", async () => {
      for (const l of listeners) {
        const s = await new Promise<Socket>((resolve) => {
          const c = netConnect({ host: "127.0.0.1", port: l.port }, () => resolve(c));
        });
        const bound = l.tls ? TIMEOUTS.handshakeMs : TIMEOUTS.headersMs;
        const r = await closedAfter(s, bound + SLACK_MS);
        assert.ok(r.ms >= bound - 100, `${l.name}: closed after ${r.ms} ms, before its time`);
      }
    });

    test("TLS listeners: 1.3 by default, 1.2 with ECDHE and AEAD suites only; 1.0/1.1 refused; a client's renegotiation refused", async () => {
      // every suite this OpenSSL knows, offered one at a time over TLS 1.2
      const all = (await run("openssl", ["ciphers", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"])).stdout.trim().split(":").filter((c) => !c.startsWith("TLS_"));
      const allowed = TLS_CIPHERS.split(":");
      for (const l of listeners.filter((x) => x.tls)) {
        const s = (await open(l)) as TLSSocket;
        assert.equal(s.getProtocol(), "TLSv1.3", l.name);
        s.destroy();
        const accepted: string[] = [];
        for (const cipher of all) {
          const got = await open(l, { maxVersion: "TLSv1.2", ciphers: `${cipher}@SECLEVEL=0` }).then(
            (t) => {
              const name = (t as TLSSocket).getCipher().name;
              t.destroy();
              return name;
            },
            () => undefined,
          );
          if (got) accepted.push(got);
        }
        // the server's certificate is ECDSA: its three ECDHE-ECDSA suites, nothing else
        assert.deepEqual(accepted.sort(), allowed.filter((c) => c.startsWith("ECDHE-ECDSA")).sort(), l.name);
        for (const maxVersion of ["TLSv1", "TLSv1.1"] as const) {
          await assert.rejects(open(l, { minVersion: "TLSv1", maxVersion, ciphers: "DEFAULT@SECLEVEL=0" }), /PROTOCOL_VERSION|protocol version/i, `${l.name} ${maxVersion}`);
        }
        const t = (await open(l, { maxVersion: "TLSv1.2" })) as TLSSocket;
        const renegotiation = await new Promise<Error | null>((resolve) => {
          t.once("error", resolve);
          t.renegotiate({ rejectUnauthorized: false }, (e) => resolve(e ?? null));
        });
        t.destroy();
        assert.match(String(renegotiation?.message), /no renegotiation/, `${l.name}: renegotiation refused`);
      }
    });

    test("/metrics answers on its own loopback listener only; the public listeners answer 404", async () => {
      const m = await get(`http://127.0.0.1:${h.serving!.metricsPort}/metrics`);
      assert.equal(m.status, 200);
      assert.match(m.body, /inkan_http_request_duration_seconds_bucket\{/);
      for (const [name, url] of [["HTTP", `${h.http}/metrics`], ["HTTPS", `${h.https}/metrics`], ["staff", `https://localhost:${h.serving!.staffPort}/metrics`]] as const) {
        const r = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", h.serverCaFile, url]);
        assert.equal(r.stdout, name === "staff" ? "403" : "404", name);
      }
    });
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

/**
 * testssl.sh (Debian's) against both TLS listeners at once, on the default timeouts: protocols,
 * cipher categories, forward secrecy, the vulnerability checks, and the server's defaults
 * (certificate included) once. The TLS layer never touches the database, so this runs on SQLite only.
 * Allowed: what Inkan's own self-signed server chain (the demo's) causes — a public CA's
 * certificate would chain to a trusted root and name its CRL and OCSP responder.
 */
describe("testssl.sh finds nothing rated MEDIUM or worse on either TLS listener", () => {
  const SELF_SIGNED_CHAIN = new Set(["cert_chain_of_trust", "cert_revocation"]);
  let h: Harness;
  let dir: string;
  before(async () => {
    h = await startHarness({ db: "sqlite", serve: true });
    dir = mkdtempSync(join(tmpdir(), "inkan-testssl-"));
  });
  after(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("HTTPS (portal, EST, API) and the staff console", async () => {
    // both listeners show the same server certificate (one ServerTls): its checks (-S) run once
    const scans = [["https", h.serving!.httpsPort, ["-S"]], ["staff", h.serving!.staffPort, []]] as const;
    const results = await Promise.all(
      scans.map(async ([name, port, extra]) => {
        const json = join(dir, `${name}.json`);
        const r = await run("testssl", ["-p", "-s", "-f", "-U", ...extra, "--fast", "--nodns", "min", "--quiet", "--color", "0", "--warnings", "off", "--jsonfile", json, `https://localhost:${port}`], undefined, { allowFail: true });
        return { name, text: r.stdout, findings: JSON.parse(readFileSync(json, "utf8")) as Array<{ id: string; severity: string; finding: string }> };
      }),
    );
    for (const { name, text, findings } of results) {
      const ids = new Set(findings.map((f) => f.id));
      // the scan really ran the checks this test relies on
      for (const id of ["TLS1_2", "TLS1_3", "cipherlist_AVERAGE", "PFS", "LUCKY13", "BEAST", "ROBOT", "secure_client_renego", ...(name === "https" ? ["cert_chain_of_trust"] : [])]) {
        assert.ok(ids.has(id), `${name}: ${id} was checked\n${text}`);
      }
      const bad = findings.filter((f) => ["MEDIUM", "HIGH", "CRITICAL"].includes(f.severity) && !SELF_SIGNED_CHAIN.has(f.id));
      assert.deepEqual(bad, [], `${name}:\n${text}`);
      // a check that could not run is no pass; except RC4 (this OpenSSL has none to try with, and
      // -s found no LOW cipher) and session resumption (a speed feature, not a weakness, whose probe
      // gives up on a busy machine)
      const unsure = findings.filter((f) => f.severity === "WARN" && !["RC4", "sessionresumption_ticket", "sessionresumption_ID"].includes(f.id));
      assert.deepEqual(unsure, [], `${name}:\n${text}`);
      assert.equal(findings.find((f) => f.id === "secure_client_renego")?.severity, "OK", name);
      assert.equal(findings.find((f) => f.id === "LUCKY13")?.severity, "OK", name);
    }
  });
});
