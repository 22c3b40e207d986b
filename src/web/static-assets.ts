import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const CSS = readFileSync(new URL("./assets/portal.css", import.meta.url), "utf8");

export interface Theme {
  /** the bank's colour behind white header text; must keep a 4.5:1 contrast with white */
  primary: string;
}

/** The portal's stylesheet and each bank's colours, served from our own origin (CSP style-src 'self'). */
export function staticAssetRoutes(app: FastifyInstance, themes: (bank: string) => Theme | undefined) {
  app.get("/assets/portal.css", async (_req, reply) => reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(CSS));
  app.get("/assets/theme/:bank.css", async (req, reply) => {
    const t = themes((req.params as { bank: string }).bank);
    if (!t) return reply.code(404).type("text/css; charset=utf-8").send("");
    return reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(`:root { --brand: ${t.primary}; }\n`);
  });
}
