import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";

/** The issuing app's window as a process: `gui --no-browser`, its address read from stdout. */
export interface AppWindow {
  /** the one-time start address the app printed */
  url: string;
  origin: string;
  proc: ChildProcess;
  /** the exit code once it ends */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

export function startAppWindow(cmd: string, args: string[], o: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<AppWindow> {
  const proc = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address from the app within ${o.timeoutMs ?? 60_000} ms:\n${out}\n${err}`)), o.timeoutMs ?? 60_000);
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString("utf8")));
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/start\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], origin: m[1]!, proc, exited, stdout: () => out, stderr: () => err });
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the app ended (${code}) before printing its address:\n${out}\n${err}`));
    });
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly these headers (Host included): what a browser cannot be made to send. */
export function rawRequest(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: o.method ?? "GET", headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

/** The session cookie the start address hands out, as a Cookie header. */
export async function windowSession(w: AppWindow): Promise<string> {
  const r = await rawRequest(w.url);
  if (r.status !== 303) throw new Error(`start address answered ${r.status}`);
  const set = ([] as string[]).concat(r.headers["set-cookie"] ?? []);
  return set.map((c) => c.split(";")[0]).join("; ");
}
