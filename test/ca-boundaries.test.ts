import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * web/ cannot reach a CA signer, and lifecycle/ reaches the CA only through its narrow view
 * (src/ca/ca-views.ts). Read from the source's import statements, so a new import that breaks
 * the rule fails here before it can be used.
 */
const ROOT = resolve(import.meta.dirname, "..");

/** Modules that hold, open or make a bank CA's key, or hand out the object that does. */
const KEY_HOLDERS = ["src/ca/authority.ts", "src/ca/bank-ca.ts", "src/ca/key-store.ts", "src/ca/file-signer.ts", "src/ca/root-operations.ts", "src/ca/root-key-move.ts", "src/ca/pkcs11-key-store.ts", "src/ca/pkcs11-signer.ts", "src/ca/pkcs11-token.ts"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /import\(\s*["']([^"']+)["']\s*\)/g;

/** The project files a module imports: all of them, or only those that load code at run time. */
function imports(file: string, typesToo: boolean): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(IMPORT)].filter((m) => typesToo || !m[1]).map((m) => m[2]!);
  specs.push(...[...text.matchAll(DYNAMIC)].map((m) => m[1]!));
  return specs
    .filter((s) => s.startsWith("."))
    .flatMap((s) => {
      const base = resolve(dirname(file), s).replace(/\.js$/, "");
      const hit = [".ts", ".tsx"].map((e) => base + e).find((p) => existsSync(p));
      return hit ? [hit] : [];
    });
}

/** Every module reachable from the given ones, each with the module that first imported it. */
function reach(from: string[], typesToo: boolean): Map<string, string | null> {
  const seen = new Map<string, string | null>(from.map((f) => [f, null]));
  const queue = [...from];
  while (queue.length) {
    const f = queue.shift()!;
    for (const d of imports(f, typesToo)) if (!seen.has(d)) (seen.set(d, f), queue.push(d));
  }
  return seen;
}

const rel = (p: string) => relative(ROOT, p);
function path(seen: Map<string, string | null>, f: string): string {
  const chain: string[] = [];
  for (let x: string | null | undefined = f; x; x = seen.get(x)) chain.push(rel(x));
  return chain.reverse().join(" → ");
}

test("no module of web/ imports, even for a type, a module that holds a CA key", () => {
  const holders = new Set(KEY_HOLDERS.map((p) => join(ROOT, p)));
  const web = sources(join(ROOT, "src/web"));
  assert.ok(web.length > 20, "the web sources were found");
  const direct = web.flatMap((f) => imports(f, true).filter((d) => holders.has(d)).map((d) => `${rel(f)} imports ${rel(d)}`));
  assert.deepEqual(direct, []);
});

test("nothing web/ loads at run time, however indirectly, holds or opens a CA key", () => {
  const holders = new Set(KEY_HOLDERS.map((p) => join(ROOT, p)));
  const seen = reach(sources(join(ROOT, "src/web")), false);
  assert.ok(seen.has(join(ROOT, "src/lifecycle/lifecycle.ts")), "the walk follows web/ into lifecycle/");
  assert.deepEqual([...seen.keys()].filter((f) => holders.has(f)).map((f) => path(seen, f)), []);
});

test("lifecycle/ sees the CA only through its narrow view", () => {
  const holders = new Set(KEY_HOLDERS.map((p) => join(ROOT, p)));
  const lifecycle = sources(join(ROOT, "src/lifecycle"));
  const direct = lifecycle.flatMap((f) => imports(f, true).filter((d) => holders.has(d)).map((d) => `${rel(f)} imports ${rel(d)}`));
  assert.deepEqual(direct, []);
  const used = new Set(lifecycle.flatMap((f) => imports(f, true)));
  assert.ok(used.has(join(ROOT, "src/ca/ca-views.ts")), "lifecycle/ is handed ca-views' CaOperations");
});

test("the views module is types only: importing it loads no CA code", () => {
  const views = join(ROOT, "src/ca/ca-views.ts");
  assert.deepEqual(imports(views, false), []);
  assert.ok(imports(views, true).length > 0, "the check reads its type imports");
});
