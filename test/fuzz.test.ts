import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { DATABASES, startHarness, type Harness } from "./support/harness.js";
import { https } from "./support/client.js";
import { fuzzServerConfig, prepareTarget } from "./support/fuzz-target.js";
import { formatHistogram, runFuzz } from "./support/fuzz.js";

/**
 * Issue 13, the fuzz suite's seeded run inside the normal tests: a few thousand generated requests
 * (EST with mutated and re-signed CSRs, OCSP, portal, API and staff forms, cookies, query strings,
 * a trusted proxy's headers; test/support/fuzz.ts) against the real server on each database. None
 * may answer 5xx or go unanswered, and the server must be up after. `npm run fuzz` runs 100,000.
 */
const COUNT = Number(process.env.FUZZ_TEST_COUNT ?? 1500);

for (const [i, db] of DATABASES.entries()) {
  describe(`fuzzed requests against a live server (${db})`, () => {
    let h: Harness;
    before(async () => {
      const base = fuzzServerConfig(`t${randomBytes(6).toString("hex")}`);
      h = await startHarness({ db, serve: true, banks: base.banks, config: base.config });
    });
    after(async () => h?.close());

    test(`${COUNT} seeded cases: no 5xx, no hang, the server up`, async () => {
      const target = await prepareTarget(h, `https://localhost:${h.serving!.staffPort}`);
      const seed = 20_261_202 + i;
      const r = await runFuzz(target, { seed, count: COUNT, concurrency: 8 });
      assert.equal(r.total, COUNT);
      assert.deepEqual(r.failures, [], `seed ${seed}:\n${formatHistogram(r)}`);
      assert.equal((await https(h, { path: "/healthz" })).status, 200);
      // the cases reached past the front doors: some were answered, some refused for what they held
      const statuses = new Set([...r.histogram.values()].flatMap((m) => [...m.keys()]));
      for (const s of [200, 400, 403]) assert.ok(statuses.has(s), `some answers ${s}:\n${formatHistogram(r)}`);
    });
  });
}
