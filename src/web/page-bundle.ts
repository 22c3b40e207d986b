import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { bundleOnce } from "./bundle-once.js";
import type { FastifyInstance } from "fastify";

/**
 * The page-side script (browser/issue.ts: key pair, CSR, PKCS#12 in the browser) bundled by
 * esbuild from node_modules when first asked for, once per process. Nothing is fetched at run time
 * and nothing is written to disk. The output is one IIFE file with no eval and no inline code,
 * for pages whose CSP is `script-src 'self'`.
 */

const ENTRY = fileURLToPath(new URL("../../browser/issue.ts", import.meta.url));

export const PAGE_BUNDLE_PATH = "/assets/issue.js";

/** The bundled script. One build per process; a failed build is tried again on the next call. */
export const pageBundle = bundleOnce(ENTRY, { format: "iife", platform: "browser", target: ["chrome110", "firefox115", "safari16"] });

let etag: { of: string; tag: string } | undefined;

/** GET /assets/issue.js */
export function pageAssetRoutes(app: FastifyInstance): void {
  app.get(PAGE_BUNDLE_PATH, async (req, reply) => {
    const js = await pageBundle();
    if (etag?.of !== js) etag = { of: js, tag: `"${createHash("sha256").update(js).digest("base64url").slice(0, 22)}"` };
    reply.header("content-type", "text/javascript; charset=utf-8").header("cache-control", "public, max-age=3600").header("etag", etag.tag);
    if (req.headers["if-none-match"] === etag.tag) return reply.code(304).send();
    return reply.send(js);
  });
}
