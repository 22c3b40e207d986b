import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { freePort, startHarness, testBank, type DbKind, type Harness } from "./support/harness.js";
import { https, newKeyAndCsr, estEnroll, type Answer } from "./support/client.js";
import { FakeClock } from "../src/domain/clock.js";
import { loadConfig } from "../src/config/load.js";
import { openRuntime, makeLogger, type Runtime } from "../src/cli/runtime.js";
import { serve, type Serving } from "../src/cli/serve.js";

const BANK = "thr";
const REDIS = "redis://127.0.0.1:6379";

/**
 * Issue 13: every place a secret is tried is throttled per source address and per login ID; a 429
 * carries Retry-After and a ja/en message; a flood cannot lock the account; with Redis the counters
 * are shared by every node. rate-limiter-flexible keeps its windows on the wall clock (or Redis's),
 * so the windows here are long and everything is measured by counts.
 */
function assertThrottled(r: Answer, what: string) {
  assert.equal(r.status, 429, `${what}: ${r.text}`);
  const after = Number(r.headers["retry-after"]);
  assert.ok(Number.isInteger(after) && after >= 1 && after <= 600, `${what}: Retry-After ${r.headers["retry-after"]}`);
  if (String(r.headers["content-type"]).startsWith("text/html")) {
    // a portal page: the bank's frame, in the person's language (Japanese unless they chose English)
    assert.match(r.text, /<html lang="ja">/, what);
    assert.match(r.text, /試行回数が多すぎます。\d+秒後に再度お試しください。/, what);
    assert.match(r.text, /テスト銀行/, what);
    return;
  }
  const text = r.json ? `${r.json.message.ja}\n${r.json.message.en}` : r.text;
  assert.match(text, /試行回数が多すぎます/);
  assert.match(text, /Too many attempts/);
}

const login = (h: Harness, loginId: string, password: string, localAddress: string, origin?: string) =>
  https(h, { path: `/api/${BANK}/login`, body: { loginId, password }, localAddress, origin });

const cases: Array<{ db: DbKind; redis: boolean }> = [
  { db: "sqlite", redis: false },
  { db: "postgres", redis: true },
];

for (const { db, redis } of cases) {
  describe(`throttling of secret tries (${db}, counters ${redis ? "in Redis shared by two nodes" : "in memory"})`, () => {
    let h: Harness;
    let second: { rt: Runtime; serving: Serving } | undefined;
    let origins: string[];
    const clock = new FakeClock("2027-05-01T00:00:00Z");
    before(async () => {
      h = await startHarness({
        db,
        clock,
        serve: true,
        banks: [testBank(BANK)],
        config: { throttle: { keyPrefix: `t${randomBytes(6).toString("hex")}`, ...(redis ? { redisUrl: REDIS } : {}), perAddress: { points: 12, seconds: 600 }, perLoginId: { points: 5, seconds: 600 } } },
      });
      const c = await h.addContract(BANK, "C1");
      await h.addUser(BANK, c, "master01", "master");
      for (const id of ["user01", "user02"]) await h.addUser(BANK, c, id, "general");
      const byPassword = await h.rt.lifecycle.addContract(BANK, { code: "C2", name: "株式会社パスワード", loginMethod: "password" }, { actorKind: "cli", actorId: "test" });
      await h.addUser(BANK, byPassword, "user03", "master");
      origins = [h.https];
      if (redis) {
        const [p1, p2] = [await freePort(), await freePort()];
        const rt = await openRuntime(loadConfig(h.dataDir, { INKAN_HTTPS_PORT: String(p1), INKAN_HTTP_PORT: String(p2) }), { clock, log: makeLogger("silent") });
        second = { rt, serving: await serve(rt) };
        origins.push(`https://localhost:${p1}`);
      }
    });
    after(async () => {
      await second?.serving.stop();
      await second?.rt.close();
      await h?.close();
    });
    // alternate between the nodes: a shared counter throttles at the same count as one node's
    const node = (i: number) => origins[i % origins.length];

    test("a flood of wrong passwords for one login ID from one address: 5 answered 401, then 429 with Retry-After; the account is not locked", async () => {
      const answers: number[] = [];
      for (let i = 0; i < 15; i++) {
        const r = await login(h, "user01", `Wrong${i}xx`, "127.0.0.2", node(i));
        answers.push(r.status);
        if (i >= 5) assertThrottled(r, `try ${i + 1}`);
      }
      assert.deepEqual(answers, [401, 401, 401, 401, 401, ...Array(10).fill(429)]);
      const u = (await h.rt.store.getUserByLoginId(BANK, "user01"))!;
      assert.equal(u.failedLogins, 5, "only the tries let through counted toward the lockout");
      assert.ok(u.failedLogins < 6, "not locked (threshold 6)");
    });

    test("from another address the same login ID is still throttled (per login ID, any address)", async () => {
      assertThrottled(await login(h, "user01", "Wrong99x", "127.0.0.3", node(1)), "user01 from 127.0.0.3");
      // and another login ID from that address is not
      assert.equal((await login(h, "user02", "Wrong1xx", "127.0.0.3", node(0))).status, 401);
    });

    test("right passwords give their point back: a user logging in often is never throttled", async () => {
      for (let i = 0; i < 8; i++) {
        const r = await login(h, "user03", "Pass1234", `127.0.1.${i}`, node(i));
        assert.equal(r.status, 200, `login ${i + 1}: ${r.text}`);
      }
    });

    test("one address trying many login IDs: throttled after 12 tries, on every secret-taking route, EST included", async () => {
      const answers: number[] = [];
      for (let i = 0; i < 12; i++) answers.push((await login(h, `nobody${i}`, "Wrong1xx", "127.0.0.9", node(i))).status);
      assert.deepEqual(answers, Array(12).fill(401));
      assertThrottled(await login(h, "nobody99", "Wrong1xx", "127.0.0.9", node(0)), "API login");
      const kc = await newKeyAndCsr();
      const est = await https(h, {
        origin: node(1),
        path: `/.well-known/est/${BANK}/simpleenroll`,
        body: kc.csrB64,
        localAddress: "127.0.0.9",
        headers: { "content-type": "application/pkcs10", authorization: "Basic " + Buffer.from("user02:Pass1234").toString("base64") },
      });
      assertThrottled(est, "EST simpleenroll");
      const portal = await https(h, { origin: node(0), path: `/${BANK}/login`, method: "POST", body: "loginId=user02&password=Wrong1xx", localAddress: "127.0.0.9", headers: { "content-type": "application/x-www-form-urlencoded" } });
      assertThrottled(portal, "portal login");
      const issue = await https(h, { origin: node(1), path: `/${BANK}/certificate/issue`, method: "POST", body: "loginId=user02&password=Wrong1xx", localAddress: "127.0.0.9", headers: { "content-type": "application/x-www-form-urlencoded" } });
      assertThrottled(issue, "証明書取得認証");
      // the same page in English for whoever chose it; the page script's CSR post gets JSON
      const en = await https(h, { origin: node(0), path: `/${BANK}/login`, body: "loginId=user02&password=Wrong1xx", localAddress: "127.0.0.9", headers: { "content-type": "application/x-www-form-urlencoded", cookie: "__Host-inkan_lang=en" } });
      assert.equal(en.status, 429);
      assert.match(en.text, /<html lang="en">/);
      assert.match(en.text, /Too many attempts\. Please wait \d+ seconds and try again\./);
      assert.ok(Number(en.headers["retry-after"]) >= 1);
      const csr = await https(h, { origin: node(1), path: `/${BANK}/certificate/issue/csr`, body: { csr: "x", password: "Wrong1xx" }, localAddress: "127.0.0.9", headers: { accept: "application/json" } });
      assert.equal(csr.status, 429);
      assert.equal(csr.json.error, "too_many_attempts");
      // what tries no secret is not counted
      assert.equal((await https(h, { origin: node(0), path: `/.well-known/est/${BANK}/cacerts`, localAddress: "127.0.0.9" })).status, 200);
      // another address is untouched, and the right password from it still works
      const ok = await estEnroll(h, BANK, "user02", "Pass1234", kc, undefined, node(1));
      assert.equal(ok.status, 200, ok.text);
    });
  });
}
