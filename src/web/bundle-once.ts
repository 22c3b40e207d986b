import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What differs between the bundles: where they run and how they start. */
export type BundleTarget = Pick<BuildOptions, "format" | "platform" | "target" | "banner">;

/**
 * One source file bundled by esbuild from node_modules into one minified file, in memory (nothing
 * fetched, nothing written). Built when first asked for and shared by every caller; a build that
 * failed is made again by the next call instead of answering every later request with its error.
 */
export function bundleOnce(entry: string, target: BundleTarget): () => Promise<string> {
  let pending: Promise<string> | undefined;
  const make = async () => {
    const out = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      write: false,
      minify: true,
      legalComments: "none",
      // Japanese messages stay readable UTF-8 instead of \u escapes (served with charset=utf-8)
      charset: "utf8",
      logLevel: "silent",
      ...target,
    });
    const file = out.outputFiles[0];
    if (!file) throw new Error(`esbuild produced no output for ${entry}`);
    return file.text;
  };
  return () => {
    if (!pending) {
      pending = make();
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
