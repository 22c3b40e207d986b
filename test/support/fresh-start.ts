import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, run, type RunResult } from "./harness.js";

const BIN = join(process.cwd(), "bin", "inkan.mjs");

/** The banner's last line, on a run that made the demo and on a later one. */
const BANNER_END = /`inkan demo --json` prints all of this for scripts\.|`inkan demo` \(or `inkan demo --json`\)\./;

/** An `inkan` process started as `npm start` starts it, and what its banner said. */
export interface InkanProcess {
  child: ChildProcessWithoutNullStreams;
  /** everything it printed up to the end of its banner (and after, as it comes) */
  out(): string;
  /** the banner's addresses: the portal/EST/API listener and the CRL/OCSP one */
  https: string;
  http: string;
  serverCaFile: string;
  /** its exit code, once it has exited */
  exited: Promise<number | null>;
  /** SIGTERM, then its exit code */
  stop(): Promise<number | null>;
}

/**
 * A fresh data directory and the environment every `inkan` process of one test shares: the
 * embedded default database (SQLite, DATABASE_URL emptied) and listeners on ports no other test
 * run holds — chosen here for HTTPS and HTTP, any free one for the staff console and the metrics.
 */
export async function freshInstallation(prefix = "inkan-fresh-") {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    INKAN_HTTPS_PORT: String(httpsPort),
    INKAN_HTTP_PORT: String(httpPort),
    INKAN_STAFF_PORT: "0",
    INKAN_METRICS_PORT: "0",
    INKAN_LOG_LEVEL: "warn",
    DATABASE_URL: "",
  };
  return {
    dataDir,
    env,
    httpsPort,
    httpPort,
    /** `node bin/inkan.mjs start|serve --data <dir>` (`npm start` is `inkan start`), once its banner is out */
    start: (command: "start" | "serve" = "start") => startInkan(command, dataDir, env),
    /** the real `inkan` command line as an operator runs it beside the server, against the same data directory */
    cli: (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
      run(process.execPath, [BIN, ...args, "--data", dataDir], undefined, { allowFail: true, env: { ...env, ...extraEnv } }),
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function startInkan(command: "start" | "serve", dataDir: string, env: NodeJS.ProcessEnv): Promise<InkanProcess> {
  const child = spawn(process.execPath, [BIN, command, "--data", dataDir], { env });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = () => BANNER_END.test(out) && resolve();
    child.stdout.on("data", check);
    child.on("exit", (code) => reject(new Error(`inkan ${command} exited ${code}: ${out}`)));
  });
  // where to go, as the banner says it (not as the test asked it)
  const https = /^\s+HTTPS:\s+(https:\/\/\S+)/m.exec(out)?.[1];
  const http = /^\s+HTTP:\s+(http:\/\/\S+)/m.exec(out)?.[1];
  if (!https || !http) throw new Error(`the banner names no HTTPS or HTTP listener: ${out}`);
  return {
    child,
    out: () => out,
    https,
    http,
    serverCaFile: join(dataDir, "tls", "server-ca.pem"),
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
