import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildOnce } from "./build-once.js";

/**
 * The issuing app (src/app/entry.ts) as one JavaScript file that runs with Node alone — no source
 * tree, no node_modules, no npm: what the portal offers as 証明書発行アプリのダウンロード. Bundled by
 * esbuild from node_modules when first asked for, once per process; nothing is fetched at run time.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("../app/entry.ts", import.meta.url));

export const APP_BUNDLE_NAME = "inkan-app.mjs";


async function buildBundle(): Promise<string> {
  const out = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: ["node20"],
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    // CommonJS dependencies (reflect-metadata, tsyringe) call require: give them Node's
    banner: { js: '#!/usr/bin/env node\nimport { createRequire as __inkanCreateRequire } from "node:module";\nconst require = __inkanCreateRequire(import.meta.url);' },
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output for src/app/entry.ts");
  return file.text;
}

/** The bundled app. One build per process; a failed build is tried again on the next call. */
export const appBundle = buildOnce(buildBundle);
