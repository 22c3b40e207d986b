import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import type { Logger } from "pino";
import { errorHandler, sendError } from "./errors.js";
import { estRoutes } from "./est-routes.js";
import { statusRoutes } from "./status-routes.js";
import { statusFastPath, statusServerFactory } from "./status-fast-path.js";
import { apiRoutes } from "./api-routes.js";
import { portalRoutes } from "./portal/portal-routes.js";
import { pageAssetRoutes } from "./page-bundle.js";
import { appDownloadRoutes } from "./app-download-routes.js";
import type { Metrics } from "./metrics.js";
import { proxyTrust, trustProxyCertificates, type ProxyOptions } from "./client-cert.js";
import type { CaStatus } from "../ca/ca-views.js";
import type { Lifecycle } from "../lifecycle/lifecycle.js";
import type { ServerTls } from "../ca/server-tls.js";
import { fastifyTimeoutOptions, clientCertificateListener, type ListenerTimeouts } from "./transport.js";
import type { Throttle } from "./throttle.js";
import { checkOrigin, mainSurface } from "./origin-check.js";
import { portalRefusalPage } from "./portal/portal-context.js";
import type { ErrorCode, ErrorParams } from "../domain/errors.js";
import type { AppEmbedded } from "../shared/app-embedded.js";

export interface WebDeps {
  lifecycle: Lifecycle;
  /** the CA as relying parties see it: it holds no key and cannot sign */
  ca: CaStatus;
  metrics: Metrics;
  tls: ServerTls;
  /** every bank's issuing CA and root, PEM: offered to browsers as acceptable client CAs */
  clientCaPem: string[];
  logger: Logger;
  bodyLimit: number;
  health: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;
  /** TLS ended at a proxy: whose certificate header and X-Forwarded-For are believed (none when absent) */
  proxy?: ProxyOptions;
  /** how long a client may take (config timeouts) */
  timeouts: ListenerTimeouts;
  /** throttling of secret tries (throttle.ts); none: unthrottled */
  throttle?: Throttle;
  /** what the issuing app's download carries: this server's address and TLS CA */
  appEmbedded?: () => AppEmbedded;
}

/** What the plain-HTTP listener needs: no TLS, no lifecycle. */
export type HttpDeps = Pick<WebDeps, "ca" | "metrics" | "logger" | "bodyLimit" | "health" | "proxy" | "timeouts">;

function common(app: FastifyInstance, deps: HttpDeps) {
  app.setErrorHandler(errorHandler(deps.bodyLimit));
  app.setNotFoundHandler((req, reply) => sendError(req, reply, "not_found"));
  app.addHook("onResponse", async (req, reply) => {
    deps.metrics.requests.observe({ route: req.routeOptions.url ?? "unknown", method: req.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get("/healthz", async (_req, reply) => {
    const h = await deps.health();
    return reply.code(h.ok ? 200 : 503).header("cache-control", "no-store").send({ status: h.ok ? "ok" : "unavailable", ...h.detail });
  });
}

/**
 * A refusal made before any route (the cross-site check, the throttle): a page in the person's
 * language on the portal's paths, JSON for the API and the page script, plain ja/en text for EST.
 */
const refusalOnMain =
  (deps: { lifecycle: Lifecycle }) =>
  (req: FastifyRequest, reply: FastifyReply, code: ErrorCode, params: ErrorParams = {}): FastifyReply => {
    const wantsJson = (req.headers.accept ?? "").includes("application/json");
    if (mainSurface(req.url.split("?")[0]!) === "browser" && !wantsJson) return portalRefusalPage(deps, req, reply, code, params);
    return sendError(req, reply, code, params);
  };

function options(deps: HttpDeps): FastifyServerOptions {
  return {
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit,
    // the client's address as seen on the socket; proxies are trusted only by explicit configuration
    // (proxy.trustedAddresses), and then with the very function that believes their certificate header
    trustProxy: deps.proxy?.trustedAddresses.length ? proxyTrust(deps.proxy.trustedAddresses) : false,
    ...fastifyTimeoutOptions(deps.timeouts),
  };
}

/**
 * Two listeners: HTTPS (EST, the portal and API) which asks for a client certificate without
 * requiring one, and plain HTTP for what relying parties fetch (CRL, OCSP, CA certificate). Metrics
 * are on neither (metrics-server.ts).
 */
export async function buildServers(deps: WebDeps): Promise<{ https: FastifyInstance; http: FastifyInstance }> {
  const https = (Fastify as any)({
    ...options(deps),
    https: clientCertificateListener(deps.tls, deps.clientCaPem, deps.timeouts),
  }) as FastifyInstance;
  common(https, deps);
  // before any route reads presentedCertificate(req): a trusted proxy's header, or the TLS peer's
  trustProxyCertificates(https, deps.proxy ?? { trustedAddresses: [], certificateHeader: "x-ssl-client-cert" });
  https.addHook("onSend", async (_req, reply) => {
    reply.header("strict-transport-security", "max-age=31536000");
    reply.header("x-content-type-options", "nosniff");
  });
  // before anything is read or throttled: a state-changing request from another site goes no further
  const refuse = refusalOnMain(deps);
  checkOrigin(https, mainSurface, (req, reply) => refuse(req, reply, "cross_site_refused"));
  deps.throttle?.register(https, refuse);
  estRoutes(https, deps);
  apiRoutes(https, deps);
  await portalRoutes(https, deps);
  pageAssetRoutes(https);
  appDownloadRoutes(https, deps);
  statusRoutes(https, deps);

  return { https, http: buildHttpServer(deps) };
}

/**
 * The plain-HTTP listener. It answers relying parties at volume, so its usual requests skip
 * Fastify (status-fast-path.ts); fastPath: false leaves all of them to Fastify, which tests use to
 * check that both give the same answers.
 */
export function buildHttpServer(deps: HttpDeps, fastPath = true): FastifyInstance {
  const fast = fastPath ? statusFastPath({ ca: deps.ca, metrics: deps.metrics, bodyLimit: deps.bodyLimit }) : () => false;
  const http = Fastify({ ...options(deps), serverFactory: statusServerFactory(fast, deps.timeouts) });
  common(http, deps);
  statusRoutes(http, deps);
  return http;
}
