import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { DATABASES, startHarness, testBank, type Harness } from "./support/harness.js";
import { https, type Answer } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";

const BANK = "lk";
const ROUNDS = 9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/**
 * The fastest of the rounds is the work the server does for that ID and little else: load on a
 * shared machine only adds to a round, so it moves the medians apart (a full run saw 223 vs 176 ms)
 * but hardly the minima. A skipped hash — the fault this test is for — shows there as ~10×.
 */
const fastest = (xs: number[]) => Math.min(...xs);

/**
 * Issue 13: a locked login ID answered 403 user_locked in ~12 ms without looking at the password, an
 * unknown or unlocked one 401 in ~140 ms — the lockout told who exists and who is locked. Now a wrong
 * password gets one answer, at one cost, whoever the ID belongs to; only the right password is told
 * of the lock.
 */
for (const db of DATABASES) {
  describe(`a wrong password answers the same for a locked, an unlocked and an unknown login ID (${db})`, () => {
    let h: Harness;
    const clock = new FakeClock("2027-06-01T00:00:00Z");
    let unlockedId = 0;
    before(async () => {
      h = await startHarness({ db, clock, serve: true, banks: [testBank(BANK)] });
      const c = await h.rt.lifecycle.addContract(BANK, { code: "C1", name: "株式会社テスト", loginMethod: "password" }, { actorKind: "cli", actorId: "test" });
      await h.addUser(BANK, c, "master01", "master");
      await h.addUser(BANK, c, "locked01", "general");
      unlockedId = await h.addUser(BANK, c, "open01", "general");
      for (let i = 0; i < 6; i++) await login("locked01", `Wrong${i}xx`);
      assert.equal((await h.rt.store.getUserByLoginId(BANK, "locked01"))!.failedLogins, 6, "locked (threshold 6)");
    });
    after(async () => h?.close());

    const login = (loginId: string, password: string) => https(h, { path: `/api/${BANK}/login`, body: { loginId, password } });
    const timed = async (loginId: string): Promise<{ r: Answer; ms: number }> => {
      const t0 = performance.now();
      const r = await login(loginId, "Wrong9xx");
      return { r, ms: performance.now() - t0 };
    };

    test("status, body and time alike; the right password alone tells the lock", async () => {
      const times: Record<string, number[]> = { locked01: [], open01: [], nobody01: [] };
      const bodies = new Set<string>();
      for (let i = 0; i < ROUNDS; i++) {
        // interleaved, so that load on the machine falls on all three alike
        for (const id of Object.keys(times)) {
          const { r, ms } = await timed(id);
          assert.equal(r.status, 401, `${id}: ${r.text}`);
          assert.equal(r.headers["www-authenticate"], 'Basic realm="inkan", charset="UTF-8"');
          bodies.add(r.text);
          times[id]!.push(ms);
        }
        // the unlocked one stays unlocked (outside the timing)
        await h.rt.store.write(BANK, (w) => w.setFailedLogins(unlockedId, 0, clock.now()));
      }
      assert.equal(bodies.size, 1, `one body for all: ${[...bodies].join(" | ")}`);
      const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
      console.log(`# median ms of a wrong password (${db}): locked ${m.locked01!.toFixed(1)}, unlocked ${m.open01!.toFixed(1)}, unknown ${m.nobody01!.toFixed(1)}`);
      const f = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, fastest(v)]));
      const noise = Math.max(15, 0.25 * f.open01!);
      const all = (id: string) => times[id]!.map((x) => x.toFixed(0)).join(", ");
      assert.ok(Math.abs(f.locked01! - f.open01!) < noise, `fastest: locked ${f.locked01} vs unlocked ${f.open01} ms (locked ${all("locked01")}; unlocked ${all("open01")})`);
      assert.ok(Math.abs(f.nobody01! - f.open01!) < noise, `fastest: unknown ${f.nobody01} vs unlocked ${f.open01} ms (unknown ${all("nobody01")}; unlocked ${all("open01")})`);
      const right = await login("locked01", "Pass1234");
      assert.equal(right.status, 403);
      assert.equal(right.json.error, "user_locked");
      assert.equal((await login("open01", "Pass1234")).status, 200);
    });
  });
}
