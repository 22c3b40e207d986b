import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { appBundle, APP_BUNDLE_NAME } from "./app-bundle.js";

/** 証明書発行アプリのダウンロード: the issuing app as one file (app-bundle.ts), offered on 証明書取得認証. */
export const APP_DOWNLOAD_PATH = `/downloads/${APP_BUNDLE_NAME}`;

let etag: { of: string; tag: string } | undefined;

export function appDownloadRoutes(app: FastifyInstance): void {
  app.get(APP_DOWNLOAD_PATH, async (req, reply) => {
    const js = await appBundle();
    if (etag?.of !== js) etag = { of: js, tag: `"${createHash("sha256").update(js).digest("base64url").slice(0, 22)}"` };
    reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("content-disposition", `attachment; filename="${APP_BUNDLE_NAME}"`)
      .header("cache-control", "public, max-age=3600")
      .header("etag", etag.tag);
    if (req.headers["if-none-match"] === etag.tag) return reply.code(304).send();
    return reply.send(js);
  });
}
