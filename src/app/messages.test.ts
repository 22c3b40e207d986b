import { test } from "node:test";
import assert from "node:assert/strict";
import { detectLocale } from "./messages.js";

test("the app speaks Japanese unless English is asked for", () => {
  assert.equal(detectLocale({}, undefined, "ja-JP"), "ja");
  // Windows: LANG unset, the OS in Japanese or in English
  assert.equal(detectLocale({}, undefined, "und"), "ja");
  assert.equal(detectLocale({}, undefined, "en-US"), "en");
  assert.equal(detectLocale({ LANG: "C.UTF-8" }, undefined, "ja-JP"), "ja");
  assert.equal(detectLocale({ LANG: "en_US.UTF-8" }, undefined, "ja-JP"), "en");
  assert.equal(detectLocale({ LANG: "ja_JP.UTF-8" }, undefined, "en-US"), "ja");
  assert.equal(detectLocale({ LC_ALL: "ja_JP.UTF-8", LANG: "en_US.UTF-8" }, undefined, "en-US"), "ja");
  assert.equal(detectLocale({ LANG: "fr_FR.UTF-8" }, undefined, "fr-FR"), "ja");
  assert.equal(detectLocale({ LANG: "en_US.UTF-8" }, "ja", "en-US"), "ja");
  assert.equal(detectLocale({}, "en", "ja-JP"), "en");
});
