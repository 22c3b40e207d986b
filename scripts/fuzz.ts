// npm run fuzz: 100,000 generated requests (test/support/fuzz.ts) against a live `inkan serve`
// in its own process, on SQLite (FUZZ_DB=postgres for PostgreSQL). Prints a histogram of answers
// per kind of request; fails on any 5xx, any request left unanswered, or the server going down.
// FUZZ_COUNT, FUZZ_SEED, FUZZ_CONCURRENCY change the run; a failing run prints its seed and cases.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startHarness, freePort, until, type DbKind } from "../test/support/harness.js";
import { https } from "../test/support/client.js";
import { fuzzServerConfig, prepareTarget } from "../test/support/fuzz-target.js";
import { formatHistogram, runFuzz } from "../test/support/fuzz.js";

const count = Number(process.env.FUZZ_COUNT ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 1_000_000));
const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 16);
const db = (process.env.FUZZ_DB ?? "sqlite") as DbKind;

const [httpsPort, httpPort, staffPort] = [await freePort(), await freePort(), await freePort()];
const base = fuzzServerConfig(`fuzz${randomBytes(4).toString("hex")}`);
const h = await startHarness({ db, banks: base.banks, config: { ...base.config, httpsPort, httpPort, staffPort } });
const origins = { https: `https://localhost:${httpsPort}`, http: `http://127.0.0.1:${httpPort}`, staff: `https://localhost:${staffPort}` };
// the harness's own origins name port 0 (it was not asked to serve): the child's are these
Object.assign(h, { https: origins.https, http: origins.http });

const server = spawn(process.execPath, [join(process.cwd(), "bin", "inkan.mjs"), "serve", "--data", h.dataDir], {
  env: { ...process.env, INKAN_LOG_LEVEL: "error", DATABASE_URL: db === "postgres" ? h.databaseUrl : "" },
  stdio: ["ignore", "pipe", "pipe"],
});
let errorLines = 0;
let lastError = "";
const onLog = (d: Buffer) => {
  for (const line of d.toString().split("\n")) {
    if (!line.trim()) continue;
    errorLines++;
    lastError = line.slice(0, 2000);
  }
};
server.stdout!.on("data", onLog);
server.stderr!.on("data", onLog);
let exited: number | null = null;
server.on("exit", (code) => (exited = code ?? -1));

const up = async () => (await https(h, { path: "/healthz" }).catch(() => undefined))?.status === 200;
try {
  await until("inkan serve", 60_000, async () => {
    if (exited !== null) throw new Error(`inkan serve exited ${exited}: ${lastError}`);
    return up();
  });
  const target = await prepareTarget(h, origins.staff);
  errorLines = 0;
  console.log(`fuzzing ${count} requests, seed ${seed}, ${concurrency} in flight, ${db}, server pid ${server.pid}`);
  let downs = 0;
  const r = await runFuzz(target, {
    seed,
    count,
    concurrency,
    onProgress: async (done, so) => {
      if (done % 10_000 === 0) {
        const alive = exited === null && (await up());
        if (!alive) downs++;
        console.log(`  ${done} sent, ${(done / (so.ms || performance.now()) * 1000).toFixed(0)}/s so far… server ${alive ? "up" : "DOWN"}, ${so.failures.length} failures`);
      }
    },
  });
  const alive = exited === null && (await up());
  console.log(`\n${r.total} requests in ${(r.ms / 1000).toFixed(0)} s (${((r.total / r.ms) * 1000).toFixed(0)}/s), seed ${seed}`);
  console.log(formatHistogram(r));
  console.log(`5xx or unanswered: ${r.failures.length}; server up at the end: ${alive}; health checks that failed: ${downs}; error lines logged by the server: ${errorLines}`);
  if (r.failures.length) {
    const file = join(process.cwd(), `fuzz-failures-${seed}.json`);
    writeFileSync(file, JSON.stringify(r.failures.slice(0, 50), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v), 2));
    console.log(`first failures written to ${file}; last server error: ${lastError}`);
  }
  process.exitCode = r.failures.length || !alive || downs ? 1 : 0;
} finally {
  server.kill("SIGTERM");
  await new Promise((resolve) => (exited !== null ? resolve(undefined) : server.once("exit", resolve)));
  await h.close();
}
