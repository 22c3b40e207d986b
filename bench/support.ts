import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/harness.js";
import { concat, seq, tlv } from "../src/ca/der-writer.js";

/** One line of the results table: an Inkan figure beside its reference from the same run. */
export interface Row {
  bench: string;
  measure: string;
  value: number;
  unit: string;
  reference: string;
  refValue: number;
  /** which way is better for Inkan's value */
  better: "higher" | "lower";
  goal: string;
  met: boolean | null;
}

export interface SectionResult {
  rows: Row[];
  /** extra Markdown (breakdowns, CPU per operation, checks done) */
  details: string[];
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Each section runs in its own process and hands back its result through a file. */
export function writeSection(file: string | undefined, r: SectionResult): void {
  if (file) writeFileSync(file, JSON.stringify(r));
  else console.log(JSON.stringify(r, null, 2));
}

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// CPU time of other processes, read from /proc: the load tool shares the two cores with the server,
// so a rate alone under-states whichever side loses the scheduler's favour.
// USER_HZ, fixed at 100 on Linux whatever the kernel's own tick
const CLK_TCK = 100;

function procStat(pid: number): { pgrp: number; cpuMs: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name may hold spaces and parentheses: fields are counted from the last ")"
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { pgrp: Number(f[2]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** CPU milliseconds used so far by every process in a process group. */
export function groupCpuMs(pgid: number): number {
  let ms = 0;
  for (const pid of allPids()) {
    const st = procStat(pid);
    if (st && st.pgrp === pgid) ms += st.cpuMs;
  }
  return ms;
}

export const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A server this benchmark started: in its own process group, so that all its workers are found and stopped. */
export interface Started {
  proc: ChildProcess;
  pgid: number;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<Started>();
function stopAllNow() {
  for (const s of running) {
    for (const target of [-s.pgid, s.pgid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}
process.on("exit", stopAllNow);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    stopAllNow();
    process.exit(130);
  });
}

/**
 * groupsItself: the program makes its own process group (OpenSSL's responder with -multi calls
 * setpgid, which fails, and it exits, when it was started as a session leader by `detached`).
 */
export function startServer(cmd: string, args: string[], opts: { cwd?: string; groupsItself?: boolean; env?: NodeJS.ProcessEnv } = {}): Started {
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: !opts.groupsItself, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const s: Started = {
    proc,
    pgid: proc.pid!,
    output: () => out,
    async stop() {
      running.delete(s);
      // SIGKILL: OpenSSL's responder ignores SIGTERM while a worker spins
      try {
        process.kill(-s.pgid, "SIGKILL");
      } catch {
        try {
          process.kill(s.pgid, "SIGKILL");
        } catch {
          return;
        }
      }
      if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once("exit", r));
    },
  };
  running.add(s);
  return s;
}

/** Starts `inkan serve` on a data directory, in its own process group, and waits for both listeners. */
export async function startInkan(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<{ s: Started; httpsPort: number; httpPort: number }> {
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const s = startServer(process.execPath, [fileURLToPath(new URL("../bin/inkan.mjs", import.meta.url)), "serve", "--data", dataDir], {
    env: { ...process.env, INKAN_HTTPS_PORT: String(httpsPort), INKAN_HTTP_PORT: String(httpPort), INKAN_LOG_LEVEL: "silent", DATABASE_URL: "", ...env },
  });
  await waitForPort(httpsPort, 60_000);
  await waitForPort(httpPort, 60_000);
  return { s, httpsPort, httpPort };
}

/**
 * Waits until a server says it listens. Never probes with an empty connection: OpenSSL 3.0's
 * responder spins at 100 % CPU after one.
 */
export async function waitForOutput(s: Started, pattern: RegExp, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!pattern.test(s.output())) {
    if (s.proc.exitCode !== null) throw new Error(`server exited early: ${s.output()}`);
    if (Date.now() - start > ms) throw new Error(`server did not start within ${ms} ms: ${s.output()}`);
    await sleep(20);
  }
}

/** For servers that are not hurt by a bare connection (nginx, Go). */
export async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect({ host: "127.0.0.1", port }, () => {
        c.destroy();
        resolve(true);
      });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - start > ms) throw new Error(`nothing listens on ${port} after ${ms} ms`);
    await sleep(20);
  }
}

/**
 * Writes `<dir>/nginx.conf` for one nginx reference: one process (as Inkan's server is one event
 * loop), logs and temporary files inside `dir`, no access log; `http` is what goes inside the http
 * block after that. Returns the file's path.
 */
export function writeNginxConf(dir: string, http: string[]): string {
  const conf = join(dir, "nginx.conf");
  mkdirSync(join(dir, "nginx-tmp"), { recursive: true });
  writeFileSync(
    conf,
    [
      "daemon off;",
      "master_process off;",
      "worker_processes 1;",
      `error_log ${join(dir, "nginx-error.log")} warn;`,
      `pid ${join(dir, "nginx.pid")};`,
      "events { worker_connections 1024; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${join(dir, "nginx-tmp")};`),
      ...http,
      "}",
    ].join("\n"),
  );
  return conf;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs a program to completion and returns its output; fails on a non-zero exit. */
export function runProgram(cmd: string, args: string[], opts: { cwd?: string; input?: Buffer } = {}): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    // a program may exit before reading all its input; its exit code says what happened
    p.stdin.on("error", () => undefined);
    p.on("close", (code) => (code === 0 ? resolve({ stdout: Buffer.concat(out), stderr: err }) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`))));
    p.stdin.end(opts.input ?? Buffer.alloc(0));
  });
}

const ECDSA_SHA256 = Uint8Array.of(0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
const CN_OID = Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03);

/**
 * A PKCS#10 request over a fresh P-256 key, built directly. P-256 rather than RSA because a
 * thousand RSA keys take half a minute to make here; the CA side (an RSA-2048 signature per
 * certificate) is the same either way, and the bank's policy accepts both.
 */
export function makeCsr(cn: string): { der: Uint8Array; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const subject = seq(tlv(0x31, seq(CN_OID, tlv(0x0c, new TextEncoder().encode(cn)))));
  const info = seq(Uint8Array.of(0x02, 0x01, 0x00), subject, spki, Uint8Array.of(0xa0, 0x00));
  const sig = new Uint8Array(nodeSign("sha256", info, privateKey));
  const der = seq(info, ECDSA_SHA256, tlv(0x03, concat([Uint8Array.of(0), sig])));
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return { der, pem: `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n` };
}

/** An RSA-2048 CA made with OpenSSL, for the reference tools (cfssl, openssl ca), which need a plain key file. */
export async function makeReferenceCa(dir: string): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/ref-ca.pem`;
  const key = `${dir}/ref-ca.key`;
  await runProgram("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/O=Reference/CN=Reference CA", "-days", "3650", "-sha256"]);
  return { cert, key };
}
