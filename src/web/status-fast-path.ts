import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { CaStatus } from "../ca/ca-views.js";
import { bilingual } from "../i18n/index.js";
import type { Metrics } from "./metrics.js";
import { httpTimeoutOptions, type ListenerTimeouts } from "./transport.js";
import { caFile, crlFile, OCSP_CACHE, OCSP_REQUEST, OCSP_RESPONSE, ocspGetRequest, type StatusFile } from "./status-routes.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const BANK = /^[a-z0-9][a-z0-9-]{1,30}$/;
/** Paths the router would percent-decode or split: those are left to it, so both read them alike. */
const PLAIN_PATH = /^[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/;

/**
 * The plain-HTTP listener's hot requests — OCSP (POST and GET), CRL and CA certificate fetches —
 * answered straight from node:http, before Fastify. An OCSP answer is signed once and kept, so the
 * HTTP pipeline was most of its cost: through Fastify's routing, hooks, content-type parsing and
 * reply handling an answer took ~26 µs of CPU (bench/ocsp.ts), here ~18, where nginx serving the
 * same bytes as a file takes ~14. Only requests whose answer is
 * certain to be a 200 are taken here (a known bank, a usual content type, a body within the
 * limit); everything else — errors, /healthz, HEAD, odd encodings — goes on to Fastify,
 * which keeps one source for every error text. Request metrics are recorded alike on both paths;
 * these requests are not written to the request log.
 */
export function statusFastPath(deps: { ca: CaStatus; metrics: Metrics; bodyLimit: number }): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { ca, metrics, bodyLimit } = deps;

  // one labelled child per route and status, instead of hashing the labels every request (each
  // route here has one method)
  const timers = new Map<string, { observe(v: number): void }>();
  const finish = (req: IncomingMessage, route: string, started: number, status: number) => {
    const key = status === 200 ? route : `${route} ${status}`;
    let timer = timers.get(key);
    if (!timer) timers.set(key, (timer = metrics.requests.labels({ route, method: req.method!, status: String(status) })));
    timer.observe((performance.now() - started) / 1000);
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, route: string, started: number, f: StatusFile) => {
    res.writeHead(200, { ...f.headers, "content-length": f.body.length });
    res.end(f.body);
    finish(req, route, started, 200);
  };

  const ocsp = (req: IncomingMessage, res: ServerResponse, route: string, started: number, bank: string, request: Uint8Array, cache: string) => {
    ca.ocsp(bank, request).then(
      (der) => {
        // the bank was checked before the body was read, and banks are never unloaded
        const body = Buffer.isBuffer(der) ? der : Buffer.from(der!.buffer, der!.byteOffset, der!.length);
        metrics.ocsp.inc({ bank });
        res.writeHead(200, { "content-type": OCSP_RESPONSE, "cache-control": cache, "content-length": body.length });
        res.end(body);
        finish(req, route, started, 200);
      },
      () => {
        // the responder answers internalError itself; this is only for the unforeseen
        const msg = bilingual("internal_error", { requestId: "-" });
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
        res.end(`${msg.ja}\n${msg.en}\n`);
        finish(req, route, started, 500);
      },
    );
  };

  return (req, res) => {
    const url = req.url ?? "";
    const method = req.method;
    if (method === "POST") {
      if (!url.startsWith("/ocsp/")) return false;
      const bank = url.slice(6);
      if (!BANK.test(bank) || !ca.hasBank(bank)) return false;
      const h = req.headers;
      const length = Number(h["content-length"]);
      if (h["content-type"] !== OCSP_REQUEST || h["transfer-encoding"] !== undefined || !(length <= bodyLimit)) return false;
      const started = performance.now();
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => ocsp(req, res, "/ocsp/:bank", started, bank, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), OCSP_CACHE.POST));
      return true;
    }
    if (method !== "GET" || !PLAIN_PATH.test(url)) return false;
    if (url.startsWith("/ocsp/")) {
      const slash = url.indexOf("/", 6);
      if (slash < 0) return false;
      const bank = url.slice(6, slash);
      const request = ocspGetRequest(url.slice(slash + 1));
      if (!BANK.test(bank) || !ca.hasBank(bank) || request.length === 0) return false;
      ocsp(req, res, "/ocsp/:bank/*", performance.now(), bank, request, OCSP_CACHE.GET);
      return true;
    }
    if (url.startsWith("/crl/")) {
      const f = crlFile(ca, url.slice(5));
      if (!f) return false;
      sendFile(req, res, "/crl/:file", performance.now(), f);
      return true;
    }
    if (url.startsWith("/ca/")) {
      const f = caFile(ca, url.slice(4));
      if (!f) return false;
      sendFile(req, res, "/ca/:file", performance.now(), f);
      return true;
    }
    return false;
  };
}

/**
 * A Fastify serverFactory for the plain-HTTP listener: the fast path first, Fastify for the rest.
 * The timeouts are given at creation (web/transport.ts), as Fastify gives them to a server it makes.
 */
export function statusServerFactory(fast: (req: IncomingMessage, res: ServerResponse) => boolean, timeouts: ListenerTimeouts) {
  return (fastify: Handler): Server => {
    const server = createServer(httpTimeoutOptions(timeouts), (req, res) => {
      if (!fast(req, res)) fastify(req, res);
    });
    server.setTimeout(timeouts.idleMs);
    return server;
  };
}
