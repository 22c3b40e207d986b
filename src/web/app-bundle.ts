import { fileURLToPath } from "node:url";
import { bundleOnce } from "./bundle-once.js";

/**
 * The issuing app (src/app/entry.ts) as one JavaScript file that runs with Node alone — no source
 * tree, no node_modules, no npm: what the portal offers as 証明書発行アプリのダウンロード. Bundled by
 * esbuild from node_modules when first asked for, once per process; nothing is fetched at run time.
 */

const ENTRY = fileURLToPath(new URL("../app/entry.ts", import.meta.url));

export const APP_BUNDLE_NAME = "inkan-app.mjs";

/** The bundled app. One build per process; a failed build is tried again on the next call. */
export const appBundle = bundleOnce(ENTRY, {
  format: "esm",
  platform: "node",
  target: ["node20"],
  // CommonJS dependencies (reflect-metadata, tsyringe) call require: give them Node's
  banner: { js: '#!/usr/bin/env node\nimport { createRequire as __inkanCreateRequire } from "node:module";\nconst require = __inkanCreateRequire(import.meta.url);' },
});
