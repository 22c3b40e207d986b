/**
 * A small HTTP/1.1 load generator, used instead of wrk for the OCSP comparison because wrk opens a
 * probe connection and closes it without a request, which sends OpenSSL 3.0's responder into a
 * 100 % CPU spin. Here every connection carries a request from its first byte; connections are
 * kept alive where the server allows it, reopened where it closes them (OpenSSL answers HTTP/1.0
 * and closes), and only closed by us after the measured window has ended.
 *
 * Run as its own process (so its CPU is not the server's):
 *   node --import tsx bench/load-client.ts '{"port":8080,"path":"/ocsp/x","bodyFile":"req.der",...}'
 * Prints "measuring" when the measured window opens, and one JSON line of results at the end.
 */
import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";

export interface LoadOptions {
  host?: string;
  port: number;
  path: string;
  bodyFile: string;
  contentType: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** 200 responses completed inside the measured window */
  ok: number;
  /** other statuses or broken exchanges inside the window */
  errors: number;
  elapsedMs: number;
  connectionsOpened: number;
  clientCpuMs: number;
  /** byte length of the first response body, to check every target answered in full */
  bodyLength: number;
}

const o = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
const host = o.host ?? "127.0.0.1";
const body = readFileSync(o.bodyFile);
const request = Buffer.concat([
  Buffer.from(`POST ${o.path} HTTP/1.1\r\nHost: ${host}:${o.port}\r\nContent-Type: ${o.contentType}\r\nContent-Length: ${body.length}\r\n\r\n`, "latin1"),
  body,
]);

let phase: "warmup" | "measuring" | "stopping" = "warmup";
let ok = 0;
let errors = 0;
let opened = 0;
let bodyLength = -1;
let windowStart = 0;
let windowEnd = 0;
let cpuStart = 0;
let idle = 0;
const sockets = new Set<Socket>();

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function record(status: number, len: number) {
  if (bodyLength < 0 && status === 200) bodyLength = len;
  if (phase !== "measuring") return;
  if (status === 200) ok++;
  else errors++;
}

function worker() {
  let sock: Socket | undefined;
  let buf: Buffer = Buffer.alloc(0);

  const finish = () => {
    idle++;
    if (idle === o.connections) done();
  };

  const next = () => {
    if (phase === "stopping") return finish();
    if (sock) sock.write(request);
    else open();
  };

  const open = () => {
    opened++;
    buf = Buffer.alloc(0);
    const s = connect({ host, port: o.port });
    sock = s;
    sockets.add(s);
    s.setNoDelay(true);
    // the request goes out with the connection, never after an idle moment
    s.write(request);
    s.on("data", (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      const headEnd = buf.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const head = buf.subarray(0, headEnd).toString("latin1");
      const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
      if (!Number.isFinite(len)) return fail(s);
      if (buf.length < headEnd + 4 + len) return;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      record(status, len);
      buf = buf.subarray(headEnd + 4 + len);
      const keepAlive = /^HTTP\/1\.1/.test(head) ? !/\r\nconnection:\s*close/i.test(head) : /\r\nconnection:\s*keep-alive/i.test(head);
      if (!keepAlive) {
        sockets.delete(s);
        s.destroy();
        sock = undefined;
      }
      next();
    });
    s.on("error", () => fail(s));
    s.on("close", () => {
      // closed by the server before a whole answer: count it and carry on
      if (sock === s) fail(s);
    });
  };

  const fail = (s: Socket) => {
    if (sock !== s) return;
    if (phase === "measuring") errors++;
    sockets.delete(s);
    s.destroy();
    sock = undefined;
    next();
  };

  next();
}

function done() {
  const result: LoadResult = { ok, errors, elapsedMs: windowEnd - windowStart, connectionsOpened: opened, clientCpuMs: cpuMs() - cpuStart, bodyLength };
  // every exchange has finished: closing idle keep-alive connections now cannot disturb the window
  for (const s of sockets) s.destroy();
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

for (let i = 0; i < o.connections; i++) worker();
setTimeout(() => {
  phase = "measuring";
  windowStart = performance.now();
  cpuStart = cpuMs();
  process.stdout.write("measuring\n");
  setTimeout(() => {
    windowEnd = performance.now();
    phase = "stopping";
  }, o.durationMs);
}, o.warmupMs);
// a server that stops answering must not hold the benchmark
setTimeout(() => {
  process.stderr.write("load client: responses still outstanding 5 s after the window; giving up\n");
  done();
}, o.warmupMs + o.durationMs + 5000).unref();
