import Fastify, { type FastifyInstance } from "fastify";
import formbody from "@fastify/formbody";
import { createHmac } from "node:crypto";
import type { Logger } from "pino";
import type { Lifecycle } from "../lifecycle/lifecycle.js";
import type { Clock } from "../domain/clock.js";
import type { ServerTls } from "../ca/server-tls.js";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { staffRoutes } from "./staff/routes.js";
import { BareErrorPage } from "./staff/screens/bare-error.js";
import { checkOrigin } from "./origin-check.js";
import { fastifyTimeoutOptions, clientCertificateListener, type ListenerTimeouts } from "./transport.js";
import { pageHeaderSet } from "../shared/page-headers.js";

/**
 * The key of the staff console's form tokens, derived from the CA passphrase: every node of an
 * installation has that passphrase already, so their tokens agree with nothing new to store or share.
 */
export function staffCsrfKey(caPassphrase: string): Uint8Array {
  return createHmac("sha256", caPassphrase).update("inkan/staff-console/csrf/v1").digest();
}

/** Every answer of the staff origin: no script at all, styles from our own stylesheet only. */
export const STAFF_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface StaffServerDeps {
  lifecycle: Lifecycle;
  /** the staff CA, PEM: the only CA this listener asks browsers for */
  staffCaPem: string;
  tls: ServerTls;
  logger: Logger;
  bodyLimit: number;
  /** signs staff sessions and derives their form tokens (staff/staff-session.ts): the same on every node */
  csrfKey: Uint8Array;
  /** the injected clock: how old a staff session is */
  clock: Clock;
  timeouts: ListenerTimeouts;
  /** the customer portal's public https origin, printed on the initial-password letter */
  portalUrl: string;
}

/**
 * The bank staff console: its own HTTPS listener (its own origin), which asks browsers for a
 * certificate from the staff CA only. Every request is identified afresh from the presented
 * certificate (staff CA signature checked in code, record looked up, clock injected); there is no
 * login: the certificate identifies the staff member on every request, and a short signed
 * session cookie (staff/staff-session.ts) carries what the form token rotates with. Changes go form → confirmation (POST) → 実行 (POST with a one-time token) → result (GET).
 */
export async function buildStaffServer(deps: StaffServerDeps): Promise<FastifyInstance> {
  const app = (Fastify as any)({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit,
    trustProxy: false,
    ...fastifyTimeoutOptions(deps.timeouts),
    https: clientCertificateListener(deps.tls, [deps.staffCaPem], deps.timeouts),
  }) as FastifyInstance;
  await app.register(formbody, { bodyLimit: deps.bodyLimit });
  // on every answer, pages, errors, refusals and stylesheets alike
  app.addHook("onSend", async (_req, reply) => {
    reply.headers(pageHeaderSet(STAFF_CSP, "https"));
  });

  // every change of the console comes from its own pages (origin-check.ts): before identification
  checkOrigin(app, () => "browser", (req, reply) =>
    reply.code(403).type("text/html; charset=utf-8").send("<!doctype html>" + renderToString(h(BareErrorPage, { error: { code: "cross_site_refused" }, path: req.url }))),
  );
  await staffRoutes(app, deps);
  return app;
}
