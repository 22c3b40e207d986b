import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { request } from "node:http";
import { DATABASES, startHarness, freePort, until } from "./support/harness.js";
import { newKeyAndCsr, estEnroll, https } from "./support/client.js";
import { verifyAuditChain } from "../src/audit/verify.js";

const BANK = "tbank";
const WORKERS = 4;

/**
 * Issue 13, Build 6: SIGTERM to `inkan serve` in the middle of EST enrolments and CRL fetches, with
 * the notice round and the status poll running as often as the configuration allows. The node
 * exits 0 within 5 s, logs no error (once: "driver has already been destroyed", from a notice round
 * that outlived the database pool), and leaves nothing half done: no certificate left signing,
 * every certificate a client received stored as it was handed out, the audit chain whole.
 */
for (const db of DATABASES) {
  test(`SIGTERM under load: exit 0 within 5 s, nothing half done (${db})`, async () => {
    const h = await startHarness({ db, config: { statusPollMs: 20, mail: { pollMs: 50 } } });
    try {
      const contract = await h.addContract(BANK);
      const users = Array.from({ length: WORKERS }, (_, i) => `user0${i + 1}`);
      await h.addUser(BANK, contract, "master01", "master");
      for (const u of users) await h.addUser(BANK, contract, u, "general");
      const [httpsPort, httpPort] = [await freePort(), await freePort()];
      const proc = spawn(process.execPath, [join(process.cwd(), "bin", "inkan.mjs"), "serve", "--data", h.dataDir], {
        env: { ...process.env, INKAN_HTTPS_PORT: String(httpsPort), INKAN_HTTP_PORT: String(httpPort), INKAN_LOG_LEVEL: "info", DATABASE_URL: "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      proc.stdout!.on("data", (d: Buffer) => (out += d));
      proc.stderr!.on("data", (d: Buffer) => (out += d));
      const exited = new Promise<{ code: number | null; at: number }>((resolve) => proc.on("exit", (code) => resolve({ code, at: Date.now() })));
      const origin = `https://localhost:${httpsPort}`;
      await until("inkan serve", 30_000, async () => {
        if (proc.exitCode !== null) throw new Error(`inkan serve exited ${proc.exitCode}: ${out}`);
        return (await https(h, { path: "/healthz", origin }).catch(() => undefined))?.status === 200;
      });

      const received = new Map<string, string>();
      let stopping = false;
      const enrolments = users.map(async (u) => {
        for (;;) {
          const r = await estEnroll(h, BANK, u, "Pass1234", await newKeyAndCsr(), undefined, origin).catch(() => undefined);
          if (!r) break; // refused or cut: the node has stopped accepting
          if (r.status === 200) received.set(r.identity!.serial, r.identity!.certPem);
          // while it stops, a request on a kept connection may be told 503 (closing); nothing else
          else assert.ok(stopping && r.status === 503, `${r.status} ${r.text}`);
        }
      });
      const fetches = (async () => {
        for (;;) {
          const status = await new Promise<number | undefined>((resolve) => {
            request(`http://127.0.0.1:${httpPort}/healthz`, (res) => (res.resume(), res.on("end", () => resolve(res.statusCode)))).on("error", () => resolve(undefined)).end();
          });
          if (status === undefined) break;
        }
      })();

      // under load: some certificates issued, more requests on their way
      await until("a few enrolments", 60_000, async () => received.size >= 2 * WORKERS);
      const sent = Date.now();
      stopping = true;
      proc.kill("SIGTERM");
      const { code, at } = await exited;
      await Promise.all([...enrolments, fetches]);

      assert.equal(code, 0, out);
      assert.ok(at - sent <= 5000, `exited ${at - sent} ms after SIGTERM`);
      assert.match(out, /"msg":"stopping"/);
      assert.match(out, /"msg":"stopped"/);
      assert.doesNotMatch(out, /destroyed|"level":(50|60)/, out);

      // nothing half done
      const certs = await h.rt.store.listCertificates(BANK);
      assert.deepEqual(certs.filter((c) => c.state === "signing").map((c) => c.serial), [], "no certificate left signing");
      for (const [serial, pem] of received) {
        const rec = certs.find((c) => c.serial === serial);
        assert.ok(rec?.der, `${serial} handed out and stored`);
        assert.equal(Buffer.from(rec.der).toString("base64"), pem.replace(/-----[A-Z ]+-----|\s/g, ""));
      }
      const chain = await verifyAuditChain(h.rt.store, BANK);
      assert.ok(chain.ok, JSON.stringify(chain));
    } finally {
      await h.close();
    }
  });
}
