import { createServer, type Server } from "node:http";
import type { Metrics } from "./metrics.js";
import { httpTimeoutOptions, type ListenerTimeouts } from "./transport.js";

/**
 * Prometheus metrics on a listener of their own (loopback by default): request counts by route and
 * status, refusals by reason and the process's figures tell an outsider what is being tried and how
 * it fares, so they are never on the public listeners. GET /metrics only; anything else is a 404.
 */
export function metricsServer(metrics: Metrics, timeouts: ListenerTimeouts): Server {
  const server = createServer(httpTimeoutOptions(timeouts), (req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" }).end(text),
      () => res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("metrics unavailable\n"),
    );
  });
  server.setTimeout(timeouts.idleMs);
  return server;
}
