import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { Writable } from "node:stream";
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import pg from "pg";
import { saveConfigFile, loadConfig } from "../../src/config/load.js";
import type { BankConfig } from "../../src/config/schema.js";
import { openRuntime, makeLogger, type Runtime } from "../../src/cli/runtime.js";
import { serve, type Serving } from "../../src/cli/serve.js";
import { systemClock, type Clock } from "../../src/domain/clock.js";
import { ensureServerTls } from "../../src/ca/server-tls.js";
import type { UserRole } from "../../src/domain/roles.js";

export type DbKind = "sqlite" | "postgres";
/** Every integration test runs on both databases. */
export const DATABASES: DbKind[] = ["sqlite", "postgres"];
export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * The first port of the kernel's ephemeral range: listeners on port 0 (the staff and metrics
 * listeners, clients' own sockets) take theirs from it, so a port chosen below it is not handed to
 * one of them between the moment it is chosen here and the moment the server listens on it.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}
const PORTS_BELOW = ephemeralLow();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A free port below the ephemeral range, chosen at random (parallel test files rarely meet). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + (randomBytes(2).readUInt16BE(0) % (PORTS_BELOW - 10_000));
    if (await canListen(port)) return port;
  }
  throw new Error("no free port below the ephemeral range");
}

export function testBank(id = "tbank", over: Partial<BankConfig> = {}): BankConfig {
  return {
    id,
    nameJa: "テスト銀行",
    nameEn: "Test Bank",
    organization: "Test Bank, Ltd.",
    caName: "Test Bank TEST CA - G1",
    caKey: "RSA-2048",
    keyStore: { kind: "file" },
    // one-time passwords are off unless a test is about them: a code is accepted once per
    // 30-second step, and most tests enroll faster than that
    ...over,
    policy: { otp: { acquisition: false, renewal: false }, ...over.policy },
  };
}

export interface Harness {
  db: DbKind;
  dataDir: string;
  databaseUrl: string;
  rt: Runtime;
  serving?: Serving;
  https: string;
  http: string;
  serverCaFile: string;
  /** runs the real `inkan` command against this harness's data directory and database (env: added to the environment) */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  addContract(bank: string, code?: string): Promise<number>;
  addUser(bank: string, contractId: number, loginId: string, role: UserRole, password?: string): Promise<number>;
  /** the bank registers a one-time-password token for the user (a token letter); its secret */
  registerToken(bank: string, loginId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real Inkan: a temporary data directory, a real database (a fresh SQLite file or a fresh
 * PostgreSQL schema), real CA keys, and with serve: true real HTTPS and HTTP listeners.
 */
export async function startHarness(o: {
  db: DbKind;
  banks?: BankConfig[];
  clock?: Clock;
  serve?: boolean;
  /** the server's TLS certificate (and its CA) valid until then, for a browser run on a clock years ahead */
  serverTlsUntil?: Date;
  logLines?: string[];
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), "inkan-test-"));
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const databaseUrl = o.db === "postgres" ? `${PG_URL}?schema=${schema}` : "inkan.db";
  const [httpsPort, httpPort] = o.serve ? [await freePort(), await freePort()] : [0, 0];
  saveConfigFile(dataDir, {
    database: databaseUrl,
    httpsPort,
    httpPort,
    // the staff console's listener: any free port (a fixed one would collide between tests)
    staffPort: 0,
    // and the metrics listener
    metrics: { host: "127.0.0.1", port: 0 },
    host: "127.0.0.1",
    logLevel: "silent",
    statusPollMs: 100,
    banks: o.banks ?? [testBank()],
    // tests that are not about throttling try passwords faster than any real person
    throttle: { keyPrefix: `t${randomBytes(6).toString("hex")}`, perAddress: { points: 100_000, seconds: 60 }, perLoginId: { points: 100_000, seconds: 60 } },
    ...o.config,
  } as any);
  // the in-process runtime reads only the environment a test gives it (a root token's PIN, say)
  const config = loadConfig(dataDir, o.env ?? {});
  const lines = o.logLines;
  const log = lines ? makeLogger("debug", new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) })) : makeLogger("silent");
  const rt = await openRuntime(config, { clock: o.clock, createCas: true, log });
  if (o.serverTlsUntil) await ensureServerTls(dataDir, rt.config.serverNames, rt.passphrase, systemClock, { until: o.serverTlsUntil });
  const serving = o.serve ? await serve(rt) : undefined;
  const h: Harness = {
    db: o.db,
    dataDir,
    databaseUrl,
    rt,
    serving,
    https: `https://localhost:${httpsPort}`,
    http: `http://127.0.0.1:${httpPort}`,
    serverCaFile: join(dataDir, "tls", "server-ca.pem"),
    cli(args, env = {}) {
      return run(process.execPath, [join(process.cwd(), "bin", "inkan.mjs"), ...args, "--data", dataDir], undefined, {
        allowFail: true,
        env: { ...process.env, INKAN_LOG_LEVEL: "silent", DATABASE_URL: "", ...env },
      });
    },
    async addContract(bank, code = "C0001") {
      return rt.lifecycle.addContract(bank, { code, name: "株式会社テスト", loginMethod: "certificate" }, { actorKind: "cli", actorId: "test" });
    },
    async addUser(bank, contractId, loginId, role, password = "Pass1234") {
      const r = await rt.lifecycle.addUser(
        bank,
        { contractId, loginId, name: `利用者 ${loginId}`, email: `${loginId}@example.jp`, role, password, confirmPassword: "Conf5678", mustChangePassword: false },
        { actorKind: "cli", actorId: "test" },
      );
      return r.id;
    },
    async registerToken(bank, loginId) {
      return (await rt.lifecycle.staff(bank, "test").registerToken(loginId)).secret;
    },
    async close() {
      await serving?.stop();
      await rt.close();
      if (o.db === "postgres") {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  /** stdout as bytes, for DER output */
  raw: Buffer;
}

/**
 * Runs a real program (openssl, curl, the inkan CLI) without blocking the event loop, so a server
 * in this same process keeps answering it. Fails with stderr when it exits non-zero.
 */
export function run(cmd: string, args: string[], input?: string | Buffer, opts: { allowFail?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => err.push(d));
    p.on("error", reject);
    p.on("close", (code) => {
      const raw = Buffer.concat(out);
      const r = { stdout: raw.toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), status: code ?? -1, raw };
      if (!opts.allowFail && r.status !== 0) reject(new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`));
      else resolve(r);
    });
    // a program may exit before reading all its input (curl after a 413): not an error here
    p.stdin.on("error", () => undefined);
    p.stdin.end(input ?? "");
  });
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** Waits for a condition that another process makes true, checking often, failing after `ms`. */
export async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined | false>): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return { value: v, elapsedMs: Date.now() - start };
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
