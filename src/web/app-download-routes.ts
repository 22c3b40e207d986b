import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { appBundle, APP_BUNDLE_NAME } from "./app-bundle.js";
import { EMBEDDED_EMPTY, embeddedLiteral, type AppEmbedded } from "../shared/app-embedded.js";
import type { Lifecycle } from "../lifecycle/lifecycle.js";
import { APP_BANKS_PATH, type AppBank } from "../shared/app-banks.js";

/** 証明書発行アプリのダウンロード: the issuing app as one file (app-bundle.ts), offered on 証明書取得認証. */
export const APP_DOWNLOAD_PATH = `/downloads/${APP_BUNDLE_NAME}`;

/** The bundle with this server written into it, so the person types neither address nor CA. */
export function appBundleFor(js: string, embedded: AppEmbedded): string {
  const parts = js.split(EMBEDDED_EMPTY);
  if (parts.length !== 2) throw new Error(`the app bundle holds its embedding marker ${parts.length - 1} times, not once`);
  return parts.join(embeddedLiteral(embedded));
}

/** `embedded`: asked per download, since the server knows its port only once it listens. */
export function appDownloadRoutes(app: FastifyInstance, deps: { lifecycle: Lifecycle; appEmbedded?: () => AppEmbedded }): void {
  let made: { bundle: string; embedded: string; js: string; tag: string } | undefined;
  app.get(APP_DOWNLOAD_PATH, async (req, reply) => {
    const bundle = await appBundle();
    const e = deps.appEmbedded?.() ?? {};
    const embedded = JSON.stringify(e);
    if (made?.bundle !== bundle || made.embedded !== embedded) {
      const js = appBundleFor(bundle, e);
      made = { bundle, embedded, js, tag: `"${createHash("sha256").update(js).digest("base64url").slice(0, 22)}"` };
    }
    reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("content-disposition", `attachment; filename="${APP_BUNDLE_NAME}"`)
      .header("cache-control", "public, max-age=3600")
      .header("etag", made.tag);
    if (req.headers["if-none-match"] === made.tag) return reply.code(304).send();
    return reply.send(made.js);
  });

  // read-only and public: the banks' ids and display names, as the front page lists them, and the
  // renewal window the reminder mail announces
  app.get(APP_BANKS_PATH, async (_req, reply) => {
    const banks: AppBank[] = deps.lifecycle.banks.list().map((b) => ({ id: b.config.id, name: { ja: b.config.nameJa, en: b.config.nameEn }, renewalWindow: b.policy.renewalWindow }));
    return reply.header("cache-control", "no-cache").send({ banks });
  });
}
