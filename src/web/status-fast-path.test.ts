import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { pino } from "pino";
import type { FastifyInstance } from "fastify";
import type { CaStatus } from "../ca/ca-views.js";
import { Metrics } from "./metrics.js";
import { buildHttpServer } from "./server.js";
import { configSchema } from "../config/schema.js";

const MALFORMED = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]);
const CERT = Buffer.from("issuing certificate DER");
const CRL = Buffer.alloc(70_000, 0x5a);

/** when the served CRL was signed: its Last-Modified, whatever the moment it is fetched */
const CRL_SIGNED = Date.parse("2027-01-01T09:00:00Z");

/** A status view of one bank, "tbank", whose issuing CA is number 7. */
const ca: CaStatus = {
  bankIds: () => ["tbank"],
  hasBank: (id) => id === "tbank",
  chain: (id) => (id === "tbank" ? [new Uint8Array(CERT)] : undefined),
  caCertificate: (bank, caId) => (bank === "tbank" && caId === 7 ? new Uint8Array(CERT) : undefined),
  ocsp: async (bank, req) => (bank !== "tbank" ? undefined : req.length === 0 ? MALFORMED : Buffer.concat([Buffer.from("answer to "), req])),
  crl: (bank, caId) => (bank === "tbank" && caId === 7 ? { number: 12, thisUpdate: CRL_SIGNED, nextUpdate: Date.now() + 86_400_000, der: new Uint8Array(CRL) } : undefined),
  identifyClient: () => undefined,
};

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

function ask(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | Buffer[]): Promise<Answer> {
  const parts = Array.isArray(body) ? body : body ? [body] : [];
  // as most clients send a small body: with its length (node:http would otherwise send it chunked)
  if (parts.length > 0 && !headers["transfer-encoding"] && !headers["content-length"]) headers = { ...headers, "content-length": String(parts.reduce((n, p) => n + p.length, 0)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string | undefined>, body: Buffer.concat(parts) }));
    });
    req.on("error", reject);
    for (const b of parts) req.write(b);
    req.end();
  });
}

const OCSP = { "content-type": "application/ocsp-request" };
const der = Buffer.from([0xfb, 0xef, 0xff, 0x01, 0x02, 0x03, 0x3e, 0x3f]); // base64 "++//AQIDPj8=": + and / in it
const b64 = der.toString("base64");

/** name, whether the fast path answers it (else Fastify does), method, path, headers, body */
const CASES: Array<[string, boolean, string, string, Record<string, string>?, (Buffer | Buffer[])?]> = [
  ["OCSP POST", true, "POST", "/ocsp/tbank", OCSP, der],
  ["OCSP POST, empty body", true, "POST", "/ocsp/tbank", { ...OCSP, "content-length": "0" }],
  ["OCSP POST, body in pieces", true, "POST", "/ocsp/tbank", { ...OCSP, "content-length": String(der.length) }, [der.subarray(0, 3), der.subarray(3)]],
  ["OCSP POST, chunked", false, "POST", "/ocsp/tbank", { ...OCSP, "transfer-encoding": "chunked" }, der],
  ["OCSP POST, unknown bank", false, "POST", "/ocsp/nobank", OCSP, der],
  ["OCSP POST, other content type", false, "POST", "/ocsp/tbank", { "content-type": "text/plain" }, der],
  ["OCSP POST, content type with parameters", false, "POST", "/ocsp/tbank", { "content-type": "application/ocsp-request; x=y" }, der],
  ["OCSP POST, too large", false, "POST", "/ocsp/tbank", OCSP, Buffer.alloc(5000)],
  ["OCSP POST, query string", false, "POST", "/ocsp/tbank?x=1", OCSP, der],
  ["OCSP GET, base64 as it is", true, "GET", `/ocsp/tbank/${b64}`],
  ["OCSP GET, url-encoded", false, "GET", `/ocsp/tbank/${encodeURIComponent(b64)}`],
  ["OCSP GET, base64url", true, "GET", `/ocsp/tbank/${der.toString("base64url")}`],
  ["OCSP GET, not base64", false, "GET", "/ocsp/tbank/!!!"],
  ["OCSP GET, nothing", false, "GET", "/ocsp/tbank/"],
  ["OCSP GET, unknown bank", false, "GET", `/ocsp/nobank/${b64}`],
  ["OCSP GET, query string", false, "GET", `/ocsp/tbank/${b64}?x=1`],
  ["CRL", true, "GET", "/crl/tbank-7.crl"],
  ["CRL, HEAD", false, "HEAD", "/crl/tbank-7.crl"],
  ["CRL, another CA", false, "GET", "/crl/tbank-8.crl"],
  ["CRL, bad name", false, "GET", "/crl/whatever"],
  ["CA certificate", true, "GET", "/ca/tbank-7.crt"],
  ["CA certificate, another CA", false, "GET", "/ca/tbank-8.crt"],
  ["CA certificate, unknown bank, JSON", false, "GET", "/ca/nobank-7.crt", { accept: "application/json" }],
  ["health", false, "GET", "/healthz"],
  ["nothing there", false, "GET", "/nothing"],
];

const compared = ["content-type", "cache-control", "etag", "content-length", "www-authenticate"];

test("the plain-HTTP fast path answers exactly as the Fastify routes do, and leaves them the rest", async () => {
  const apps: FastifyInstance[] = [];
  const metrics = [new Metrics(), new Metrics()];
  try {
    const ports: number[] = [];
    // Fastify logs each request it handles: what the fast server logs is what it left to Fastify
    const logged: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void (JSON.parse(line).msg === "incoming request" && logged.push(JSON.parse(line).req.url)) });
    for (const [i, fastPath] of [true, false].entries()) {
      const app = buildHttpServer({ ca, metrics: metrics[i]!, logger: fastPath ? logger : pino({ level: "silent" }), bodyLimit: 4096, timeouts: configSchema.parse({ dataDir: "/" }).timeouts, health: async () => ({ ok: true, detail: { database: "test" } }) }, fastPath);
      apps.push(app);
      await app.listen({ host: "127.0.0.1", port: 0 });
      ports.push((app.server.address() as { port: number }).port);
    }
    for (const [name, byFastPath, method, path, headers, body] of CASES) {
      logged.length = 0;
      const [fast, slow] = [await ask(ports[0]!, method, path, headers, body), await ask(ports[1]!, method, path, headers, body)];
      assert.deepEqual(logged, byFastPath ? [] : [path], `${name}: ${byFastPath ? "fast path" : "Fastify"}`);
      assert.equal(fast.status, slow.status, `${name}: status`);
      for (const h of compared) assert.equal(fast.headers[h], slow.headers[h], `${name}: ${h}`);
      assert.equal(fast.headers["last-modified"], slow.headers["last-modified"], `${name}: last-modified`);
      if (fast.headers["last-modified"] !== undefined) assert.equal(fast.headers["last-modified"], "Fri, 01 Jan 2027 09:00:00 GMT", `${name}: a CRL is as new as it was signed`);
      assert.deepEqual(fast.body, slow.body, `${name}: body`);
    }
    // both saw the same requests: the fast path counts them as the Fastify hook does
    const metric = async (m: Metrics, name: string, labels: string) => (await m.registry.metrics()).split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    for (const [name, labels] of [
      ["inkan_ocsp_responses_total", 'bank="tbank"'],
      ["inkan_http_request_duration_seconds_count", 'route="/ocsp/:bank",method="POST",status="200"'],
      ["inkan_http_request_duration_seconds_count", 'route="/ocsp/:bank/*",method="GET",status="200"'],
      ["inkan_http_request_duration_seconds_count", 'route="/crl/:file",method="GET",status="200"'],
      ["inkan_http_request_duration_seconds_count", 'route="/ca/:file",method="GET",status="200"'],
    ] as const) {
      const [a, b] = [await metric(metrics[0]!, name, labels), await metric(metrics[1]!, name, labels)];
      assert.ok(a && !a.endsWith(" 0"), `${name} ${labels}: ${a}`);
      assert.equal(a, b);
    }
    // spot checks that the cases say what their names say
    const post = await ask(ports[0]!, "POST", "/ocsp/tbank", OCSP, der);
    assert.deepEqual(post.body, Buffer.concat([Buffer.from("answer to "), der]));
    assert.equal(post.headers["content-type"], "application/ocsp-response");
    assert.equal(post.headers["cache-control"], "no-store");
    const get = await ask(ports[0]!, "GET", `/ocsp/tbank/${b64}`);
    assert.deepEqual(get.body, post.body);
    assert.equal(get.headers["cache-control"], "public, max-age=60");
    assert.deepEqual((await ask(ports[0]!, "GET", "/crl/tbank-7.crl")).body, CRL);
    assert.equal((await ask(ports[0]!, "GET", "/ocsp/nobank/AAAA")).status, 404);
    assert.equal((await ask(ports[0]!, "POST", "/ocsp/tbank", OCSP, Buffer.alloc(5000))).status, 413);
  } finally {
    for (const a of apps) await a.close();
  }
});
