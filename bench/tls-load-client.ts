/**
 * A load generator of NEW mutual-TLS connections, the same tool for Inkan and for nginx: every
 * request is a full TLS handshake presenting a client certificate, one HTTP/1.1 request with
 * `Connection: close`, the answer read in full, the connection closed. No session is ever handed
 * back to tls.connect (Node's client keeps none of its own), and every connection is checked not
 * to have resumed one.
 *
 * Run as its own process (so its CPU is not the server's):
 *   node --import tsx bench/tls-load-client.ts '{"port":8443,"path":"/api/x/me",...}'
 * Prints "measuring" when the measured window opens, "stopped" when it closes, and one JSON line
 * of results at the end. Bounded by time and by a request count.
 */
import { connect, createSecureContext, type SecureContext } from "node:tls";
import { readFileSync } from "node:fs";

export interface TlsIdentity {
  /** PEM files of the client's key and certificate; none: no certificate is presented */
  keyFile?: string;
  certFile?: string;
  /** extra request headers for this identity (a session cookie) */
  headers?: Record<string, string>;
}

export interface TlsTarget {
  host?: string;
  port: number;
  servername: string;
  caFile: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

export interface TlsLoadOptions extends TlsTarget {
  /** connection slot i uses identities[i % identities.length] */
  identities: TlsIdentity[];
  /**
   * several servers at once, for a paired comparison under the same conditions: connection slot i
   * goes to ports[i % ports.length] (instead of port) with identity ⌊i / ports.length⌋; the counts
   * are kept per port
   */
  ports?: number[];
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** no more requests than this are started, warm-up included */
  maxRequests: number;
}

export interface Exchange {
  status: number;
  /** the status line and headers */
  head: string;
  body: string;
  /** TLS 1.3 session tickets the server sent on this connection (never used) */
  tickets: number;
  resumed: boolean;
  protocol: string;
  cipher: string;
  group: string;
}

export interface TlsLoadResult {
  /** 200 answers completed inside the measured window */
  ok: number;
  /** the same, per port */
  okByPort: Record<string, number>;
  /** other statuses or broken exchanges inside the window */
  errors: number;
  statuses: Record<string, number>;
  /** connections that resumed a TLS session (must be 0) */
  resumed: number;
  /** session tickets received, over all connections completed in the window */
  tickets: number;
  elapsedMs: number;
  clientCpuMs: number;
  protocol: string;
  cipher: string;
  group: string;
  /** byte length of the first 200 answer's body */
  bodyLength: number;
  firstError?: string;
}

export function secureContextFor(caFile: string, id: TlsIdentity): SecureContext {
  return createSecureContext({ ca: readFileSync(caFile), ...(id.keyFile && id.certFile ? { key: readFileSync(id.keyFile), cert: readFileSync(id.certFile) } : {}) });
}

function requestBytes(t: TlsTarget, headers: Record<string, string> = {}): Buffer {
  const body = t.body === undefined ? undefined : Buffer.from(t.body);
  const lines = [`${t.method} ${t.path} HTTP/1.1`, `Host: ${t.servername}:${t.port}`, "Connection: close"];
  if (body) lines.push(`Content-Type: ${t.contentType ?? "application/json"}`, `Content-Length: ${body.length}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body ?? Buffer.alloc(0)]);
}

/** One request over one new TLS connection. */
export function tlsExchange(t: TlsTarget, ctx: SecureContext, request: Buffer, timeoutMs = 10_000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let settled = false;
    let tickets = 0;
    let info: Omit<Exchange, "status" | "head" | "body" | "tickets"> = { resumed: false, protocol: "", cipher: "", group: "" };
    const s = connect({ host: t.host ?? "127.0.0.1", port: t.port, servername: t.servername, secureContext: ctx });
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error, ex?: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(ex!);
    };
    // the response must be complete: a status line, headers, and Content-Length bytes (or the close)
    const parse = (closed: boolean) => {
      const headEnd = buf.indexOf("\r\n\r\n");
      if (headEnd < 0) return closed ? finish(new Error(`connection closed after ${buf.length} bytes`)) : undefined;
      const head = buf.subarray(0, headEnd).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const body = buf.subarray(headEnd + 4);
      if (len ? body.length >= Number(len[1]) : closed) finish(undefined, { status, head, body: body.subarray(0, len ? Number(len[1]) : undefined).toString("utf8"), tickets, ...info });
      else if (closed) finish(new Error(`connection closed mid-answer (${body.length} of ${len?.[1]} bytes)`));
    };
    s.once("secureConnect", () => {
      const c = s.getCipher();
      const eph = s.getEphemeralKeyInfo() as { name?: string } | null;
      info = { resumed: s.isSessionReused(), protocol: s.getProtocol() ?? "", cipher: c?.standardName ?? c?.name ?? "", group: eph?.name ?? "" };
      s.setNoDelay(true);
      s.write(request);
    });
    s.on("session", () => tickets++);
    s.on("data", (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      parse(false);
    });
    s.on("end", () => parse(true));
    s.on("close", () => parse(true));
    s.on("error", (e) => finish(e));
  });
}

async function main() {
  const o = JSON.parse(process.argv[2] ?? "{}") as TlsLoadOptions;
  const ports = o.ports ?? [o.port];
  const contexts = o.identities.map((id) => secureContextFor(o.caFile, id));
  let phase: "warmup" | "measuring" | "stopping" = "warmup";
  const r: TlsLoadResult = { ok: 0, okByPort: Object.fromEntries(ports.map((p) => [String(p), 0])), errors: 0, statuses: {}, resumed: 0, tickets: 0, elapsedMs: 0, clientCpuMs: 0, protocol: "", cipher: "", group: "", bodyLength: -1 };
  let started = 0;
  let windowStart = 0;
  let cpuStart = 0;
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };

  const worker = async (i: number) => {
    const port = ports[i % ports.length]!;
    // with several ports, each server sees every identity in turn
    const k = Math.floor(i / ports.length) % o.identities.length;
    const slot = { target: { ...o, port }, ctx: contexts[k]!, request: requestBytes({ ...o, port }, o.identities[k]!.headers) };
    while (phase !== "stopping" && started < o.maxRequests) {
      started++;
      try {
        const ex = await tlsExchange(slot.target, slot.ctx, slot.request);
        if (ex.resumed) r.resumed++;
        if (!r.protocol) Object.assign(r, { protocol: ex.protocol, cipher: ex.cipher, group: ex.group });
        if (ex.status === 200 && r.bodyLength < 0) r.bodyLength = Buffer.byteLength(ex.body);
        // counted when it completes inside the window, as bench/load-client.ts counts
        if (phase !== "measuring") continue;
        r.tickets += ex.tickets;
        r.statuses[ex.status] = (r.statuses[ex.status] ?? 0) + 1;
        if (ex.status === 200) {
          r.ok++;
          r.okByPort[String(port)]!++;
        }
        else {
          r.errors++;
          r.firstError ??= `${ex.status} ${ex.body.slice(0, 200)}`;
        }
      } catch (e) {
        if (phase === "measuring") {
          r.errors++;
          r.firstError ??= (e as Error).message;
        }
      }
    }
  };

  const stop = () => {
    if (phase === "stopping") return;
    if (phase === "measuring") {
      r.elapsedMs = performance.now() - windowStart;
      r.clientCpuMs = cpuMs() - cpuStart;
    }
    phase = "stopping";
    process.stdout.write("stopped\n");
  };
  const warm = setTimeout(() => {
    phase = "measuring";
    windowStart = performance.now();
    cpuStart = cpuMs();
    process.stdout.write("measuring\n");
    setTimeout(stop, o.durationMs);
  }, o.warmupMs);
  // a server that stops answering must not hold the benchmark
  const guard = setTimeout(() => {
    process.stderr.write("tls load client: exchanges still outstanding 10 s after the window; giving up\n");
    process.stdout.write(JSON.stringify(r) + "\n");
    process.exit(1);
  }, o.warmupMs + o.durationMs + 10_000);
  await Promise.all(Array.from({ length: o.connections }, (_, i) => worker(i)));
  // the count ran out before the window closed: the window is what was measured
  clearTimeout(warm);
  stop();
  clearTimeout(guard);
  process.stdout.write(JSON.stringify(r) + "\n");
  process.exit(0);
}

export { requestBytes };

if (import.meta.url === `file://${process.argv[1]}`) await main();
