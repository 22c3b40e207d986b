/**
 * Benchmark 2: OCSP requests per second. One request (no nonce, SHA-1 CertID, made by
 * `openssl ocsp -reqout`) is POSTed over and over to
 *   (a) Inkan's /ocsp/<bank> on its plain-HTTP listener,
 *   (b) `openssl ocsp` as a responder for the same issuing CA (index file, delegated P-256 signer),
 *   (c) nginx serving Inkan's own answer, saved to a file, as a static file,
 * by the same load client (bench/load-client.ts), in its own process. Each target is run in
 * several short rounds, interleaved, each round against a freshly started OpenSSL responder.
 * Rates are reported with each server's CPU time per answer: the load client shares the two cores.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { acquire } from "../src/lifecycle/acquisition.js";
import { buildName, buildTbs, randomSerial, signTbs, toPem } from "../src/ca/certificate-builder.js";
import { ocspResponderExtensions } from "../src/ca/profiles.js";
import { freePort, type Harness } from "../test/support/harness.js";
import { BANK, benchHarness, provisionUsers } from "./fixture.js";
import type { LoadOptions, LoadResult } from "./load-client.js";
import { fmt, groupCpuMs, log, makeCsr, runProgram, selfCpuMs, startServer, waitForOutput, waitForPort, writeNginxConf, writeSection, type Row, type Started } from "./support.js";

/** Each target's load: rounds (interleaved), warm-up and measured time per round, connections, and wrk's cross-check run. */
const LOAD = { rounds: 2, warmupMs: 1000, measureMs: 4000, connections: 8, wrkSeconds: 3 } as const;

interface Target {
  name: string;
  path: string;
  /** starts the server for one round; returns the port, how to read its CPU, and how to stop it */
  start(): Promise<{ port: number; cpuMs(): number; stop(): Promise<void> }>;
  total: { ok: number; errors: number; ms: number; serverCpuMs: number; clientCpuMs: number; bodyLength: number };
}

function runLoad(o: LoadOptions, cpuMs: () => number): Promise<{ result: LoadResult; serverCpuMs: number }> {
  const script = fileURLToPath(new URL("./load-client.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(o)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let cpuAtStart = 0;
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      // the server's CPU is read as the window opens and as the results arrive
      if (cpuAtStart === 0 && out.includes("measuring\n")) cpuAtStart = cpuMs();
    });
    p.on("error", reject);
    p.on("close", (code) => {
      const cpuAtEnd = cpuMs();
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`load client failed (${code}): ${out}`));
      resolve({ result: JSON.parse(last) as LoadResult, serverCpuMs: cpuAtEnd - cpuAtStart });
    });
  });
}

/** Checks an answer with OpenSSL: signed by a responder the chain vouches for, and "good" for our serial. */
async function checkAnswer(dir: string, name: string, der: Buffer, issuing: string, root: string, serial: string): Promise<void> {
  const file = join(dir, `${name}.resp.der`);
  writeFileSync(file, der);
  const r = await runProgram("openssl", ["ocsp", "-respin", file, "-issuer", issuing, "-CAfile", root, "-verify_other", issuing, "-serial", `0x${serial}`]);
  const text = r.stdout.toString() + r.stderr;
  if (!/Response verify OK/.test(text) || !new RegExp(`0x${serial}: good`, "i").test(text)) throw new Error(`${name}: OpenSSL does not accept the answer: ${text}`);
}

async function postOnce(port: number, path: string, body: Buffer): Promise<Buffer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers: { "content-type": "application/ocsp-request", connection: "close" }, body: new Uint8Array(body) }).catch((e: Error) => {
    throw new Error(`POST ${path} on ${port}: ${(e.cause as Error | undefined)?.message ?? e.message}`);
  });
  if (res.status !== 200) throw new Error(`POST ${path} on ${port}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function ocspBench(): Promise<{ rows: Row[]; details: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-bench-ocsp-"));
  let h: Harness | undefined;
  const servers: Started[] = [];
  try {
    log("ocsp: starting Inkan and issuing one certificate");
    h = await benchHarness("sqlite", true);
    const [who] = await provisionUsers(h, 1);
    const issued = await acquire({ deps: { store: h.rt.store, ca: h.rt.ca, clock: h.rt.clock }, bank: h.rt.lifecycle.bank(BANK), ctx: { actorKind: "user", actorId: who!.user.loginId } }, who!, Buffer.from(makeCsr("ocsp bench").der).toString("base64"));
    const serial = issued.serial;
    const bankCa = h.rt.ca.bank(BANK)!;
    const issuingPem = join(dir, "issuing.pem");
    const rootPem = join(dir, "root.pem");
    writeFileSync(issuingPem, toPem(bankCa.issuing.der));
    writeFileSync(rootPem, toPem(bankCa.root.der));
    const reqFile = join(dir, "req.der");
    await runProgram("openssl", ["ocsp", "-issuer", issuingPem, "-serial", `0x${serial}`, "-no_nonce", "-reqout", reqFile]);
    const reqDer = readFileSync(reqFile);

    const inkanPort = h.serving!.httpPort;
    const inkanPath = `/ocsp/${BANK}`;
    const ours = await postOnce(inkanPort, inkanPath, reqDer);
    await checkAnswer(dir, "inkan", ours, issuingPem, rootPem, serial);

    // (b) OpenSSL's responder gets its own delegated P-256 certificate from the same issuing CA,
    // made the way Inkan makes its own, so its answers verify against the same chain
    const rsp = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rspKey = join(dir, "responder.key");
    const rspCert = join(dir, "responder.pem");
    writeFileSync(rspKey, rsp.privateKey.export({ type: "pkcs8", format: "pem" }));
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const rspDer = await signTbs(
      buildTbs({
        serial: randomSerial(),
        issuer: bankCa.issuingSubject,
        subject: buildName([
          { type: "O", value: "Test Bank, Ltd." },
          { type: "CN", value: "Reference OCSP Responder (openssl ocsp)" },
        ]),
        notBefore: now,
        notAfter: new Date(now.getTime() + 7 * 86_400_000),
        subjectSpki: new Uint8Array(rsp.publicKey.export({ type: "spki", format: "der" })),
        issuerSpki: bankCa.issuingSpki,
        signer: bankCa.issuing.signer,
        extensions: ocspResponderExtensions(),
      }),
      bankCa.issuing.signer,
    );
    writeFileSync(rspCert, toPem(rspDer));
    const index = join(dir, "index.txt");
    const exp = issued.notAfter.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
    writeFileSync(index, `V\t${exp}\t\t${serial.toUpperCase()}\tunknown\t/CN=ocsp bench\n`);
    writeFileSync(`${index}.attr`, "unique_subject = no\n");

    // (c) nginx answers POST with the file through error_page: its static module refuses POST
    // with 405, and the internal redirect turns the request into a GET of the same URI
    const www = join(dir, "www");
    mkdirSync(join(www, "ocsp"), { recursive: true });
    writeFileSync(join(www, "ocsp", BANK), ours);
    mkdirSync(join(dir, "nginx-tmp"), { recursive: true });

    const mkTotal = () => ({ ok: 0, errors: 0, ms: 0, serverCpuMs: 0, clientCpuMs: 0, bodyLength: -1 });
    const targets: Target[] = [
      {
        name: "inkan",
        path: inkanPath,
        async start() {
          return { port: inkanPort, cpuMs: selfCpuMs, stop: async () => undefined };
        },
        total: mkTotal(),
      },
      {
        name: "openssl",
        path: "/",
        async start() {
          const port = await freePort();
          // a fresh responder every round: OpenSSL 3.0 spins after a connection closed without a request
          const s = startServer("openssl", ["ocsp", "-index", index, "-CA", issuingPem, "-rsigner", rspCert, "-rkey", rspKey, "-port", String(port), "-multi", "2", "-ndays", "1"], { groupsItself: true });
          servers.push(s);
          await waitForOutput(s, /ACCEPT/);
          return { port, cpuMs: () => groupCpuMs(s.pgid), stop: () => s.stop() };
        },
        total: mkTotal(),
      },
      {
        name: "nginx",
        path: `/ocsp/${BANK}`,
        async start() {
          const port = await freePort();
          const conf = writeNginxConf(dir, [
            "  keepalive_requests 1000000;",
            `  server { listen 127.0.0.1:${port};`,
            `    location /ocsp/ { root ${www}; default_type application/ocsp-response; error_page 405 =200 $uri; }`,
            "  }",
          ]);
          const s = startServer("nginx", ["-e", join(dir, "nginx-error.log"), "-c", conf, "-p", dir]);
          servers.push(s);
          await waitForPort(port);
          return { port, cpuMs: () => groupCpuMs(s.pgid), stop: () => s.stop() };
        },
        total: mkTotal(),
      },
    ];

    // every target answers the request correctly before anything is timed
    for (const t of targets) {
      const s = await t.start();
      const der = await postOnce(s.port, t.path, reqDer).finally(() => s.stop());
      if (t.name === "nginx" && !der.equals(ours)) throw new Error("nginx does not serve the saved answer byte for byte");
      await checkAnswer(dir, t.name, der, issuingPem, rootPem, serial);
    }

    for (let r = 0; r < LOAD.rounds; r++) {
      for (const t of targets) {
        log(`ocsp: round ${r + 1}/${LOAD.rounds}, ${t.name}`);
        const s = await t.start();
        const { result, serverCpuMs } = await runLoad(
          { port: s.port, path: t.path, bodyFile: reqFile, contentType: "application/ocsp-request", connections: LOAD.connections, warmupMs: LOAD.warmupMs, durationMs: LOAD.measureMs },
          s.cpuMs,
        );
        await s.stop();
        t.total.ok += result.ok;
        t.total.errors += result.errors;
        t.total.ms += result.elapsedMs;
        t.total.serverCpuMs += serverCpuMs;
        t.total.clientCpuMs += result.clientCpuMs;
        t.total.bodyLength = result.bodyLength;
      }
    }
    // a cross-check with wrk where its probe connection does no harm (not OpenSSL): is the load
    // client, rather than the servers, setting the pace?
    const lua = join(dir, "post.lua");
    writeFileSync(lua, `local f = io.open("${reqFile}", "rb")\nwrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\nwrk.headers["Content-Type"] = "application/ocsp-request"\n`);
    const wrkRates: Record<string, number> = {};
    for (const t of [targets[0]!, targets[2]!]) {
      const s = await t.start();
      try {
        const out = (await runProgram("wrk", ["-t1", `-c${LOAD.connections}`, `-d${LOAD.wrkSeconds}s`, "-s", lua, `http://127.0.0.1:${s.port}${t.path}`])).stdout.toString();
        if (/Non-2xx/.test(out)) throw new Error(`wrk against ${t.name}: ${out}`);
        wrkRates[t.name] = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
      } finally {
        await s.stop();
      }
    }

    const [inkan, openssl, nginx] = targets.map((t) => t.total) as [Target["total"], Target["total"], Target["total"]];
    for (const t of targets) if (t.total.errors > 0) throw new Error(`${t.name}: ${t.total.errors} failed exchanges`);
    const rps = (t: Target["total"]) => (t.ok * 1000) / t.ms;
    const cpuUs = (t: Target["total"]) => (t.serverCpuMs * 1000) / t.ok;

    const rows: Row[] = [
      { bench: "2 OCSP", measure: `Inkan \`POST /ocsp/${BANK}\` (answers/s)`, value: rps(inkan), unit: "/s", reference: "`openssl ocsp -multi 2` responder", refValue: rps(openssl), better: "higher", goal: "ahead (> 1×)", met: rps(inkan) > rps(openssl) },
      { bench: "2 OCSP", measure: `Inkan \`POST /ocsp/${BANK}\` (answers/s)`, value: rps(inkan), unit: "/s", reference: "nginx, the same answer as a static file", refValue: rps(nginx), better: "higher", goal: "≥ 80 %", met: rps(inkan) / rps(nginx) >= 0.8 },
      { bench: "2 OCSP", measure: "Inkan server CPU per answer (µs)", value: cpuUs(inkan), unit: "µs", reference: "`openssl ocsp -multi 2`, CPU per answer", refValue: cpuUs(openssl), better: "lower", goal: "—", met: null },
      { bench: "2 OCSP", measure: "Inkan server CPU per answer (µs)", value: cpuUs(inkan), unit: "µs", reference: "nginx static file, CPU per answer", refValue: cpuUs(nginx), better: "lower", goal: "—", met: null },
    ];
    const details = [
      "### 2 OCSP: per target",
      "",
      "| Target | Answers timed | Answers/s | Server CPU µs/answer | Load-client CPU µs/answer | Answer bytes |",
      "|---|---:|---:|---:|---:|---:|",
      ...targets.map((t) => `| ${t.name} | ${fmt(t.total.ok)} | ${fmt(rps(t.total))} | ${fmt(cpuUs(t.total), 1)} | ${fmt((t.total.clientCpuMs * 1000) / t.total.ok, 1)} | ${t.total.bodyLength} |`),
      "",
      `${LOAD.rounds} rounds per target, interleaved; each ${LOAD.warmupMs} ms warm-up then ${LOAD.measureMs} ms measured, ${LOAD.connections} connections, POST of the same ${reqDer.length}-byte request (no nonce). ` +
        "Inkan and nginx keep connections alive; OpenSSL answers HTTP/1.0 and closes each one, so the client reconnects for every request there (its rate is partly connection set-up, on both sides). " +
        "nginx runs as one process (as Inkan's server is one event loop); OpenSSL with two workers, as asked. Inkan's answer is pre-signed and cached, so (a) measures the HTTP path and the cache look-up; OpenSSL signs every answer.",
      "",
      `- Cross-check with wrk (\`-t1 -c${LOAD.connections} -d${LOAD.wrkSeconds}s\`, POST, not used for the ratios; not run against OpenSSL, whose responder its probe connection would send spinning): Inkan ${fmt(wrkRates.inkan ?? NaN)} /s, nginx ${fmt(wrkRates.nginx ?? NaN)} /s, Inkan ÷ nginx ${fmt(((wrkRates.inkan ?? NaN) / (wrkRates.nginx ?? NaN)) * 100, 1)} %.`,
      "- Each target's answer was checked before timing with `openssl ocsp -respin … -CAfile root.pem`: `Response verify OK` and `good` for the certificate's serial; nginx serves Inkan's answer byte for byte.",
    ];
    return { rows, details };
  } finally {
    for (const s of servers) await s.stop();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection(process.argv[2], await ocspBench());
  process.exit(0);
}
