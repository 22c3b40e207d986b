import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * The rooms around the issuing app: src/app imports only domain/, i18n/ and shared/ of src/ (it is
 * a separate program); src/shared imports nothing of src/ but itself (the bank's CLI, the app and
 * the portal's page all take it); nothing else imports src/app.
 */

const SRC = resolve("src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) && !n.endsWith(".test.ts") ? [p] : [];
  });
}

/** The src/ rooms (first folder under src/) a file imports by relative path. */
function roomsImported(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import\()\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)).split(/[\\/]/)[0]!);
}

test("src/app imports only domain/, i18n/ and shared/ of src/", () => {
  const bad = files(join(SRC, "app")).flatMap((f) => roomsImported(f).filter((r) => !["app", "domain", "i18n", "shared"].includes(r)).map((r) => `${relative(SRC, f)} → ${r}`));
  assert.deepEqual(bad, []);
});

test("src/shared imports nothing else of src/", () => {
  const bad = files(join(SRC, "shared")).flatMap((f) => roomsImported(f).filter((r) => r !== "shared").map((r) => `${relative(SRC, f)} → ${r}`));
  assert.deepEqual(bad, []);
});

test("no other room imports src/app", () => {
  const others = readdirSync(SRC).filter((d) => d !== "app" && statSync(join(SRC, d)).isDirectory());
  const bad = others.flatMap((d) => files(join(SRC, d)).filter((f) => roomsImported(f).includes("app")).map((f) => relative(SRC, f)));
  assert.deepEqual(bad, []);
});
