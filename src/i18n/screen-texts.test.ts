import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import type { TextTable } from "./text.js";

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Every screen-text table in i18n/: each entry has both languages, the same placeholders, English without Japanese. */
test("every screen text exists in Japanese and English with the same placeholders", async () => {
  const files = readdirSync(new URL(".", import.meta.url)).filter((f) => /-text\.ts$/.test(f));
  assert.ok(files.includes("portal-text.ts"));
  let checked = 0;
  for (const f of files) {
    const mod = (await import(`./${f}`)) as Record<string, unknown>;
    for (const [name, table] of Object.entries(mod)) {
      if (!table || typeof table !== "object") continue;
      for (const [key, t] of Object.entries(table as TextTable)) {
        if (!t || typeof t !== "object" || !("ja" in t) || !("en" in t)) continue;
        const where = `${f} ${name}.${key}`;
        assert.ok(t.ja.trim().length > 0, `${where}: Japanese missing`);
        assert.ok(t.en.trim().length > 0, `${where}: English missing`);
        assert.doesNotMatch(t.en, CJK, `${where}: English holds Japanese`);
        assert.deepEqual(placeholders(t.ja), placeholders(t.en), `${where}: placeholders differ`);
        checked++;
      }
    }
  }
  assert.ok(checked > 150, `checked ${checked}`);
});
