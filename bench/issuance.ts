/**
 * Benchmark 1: issuance through the lifecycle (CSR in; checked, recorded, signed, stored and
 * audited) on SQLite and PostgreSQL, beside the bare signing rate of the same CA key and beside
 * `cfssl serve`'s sign API with an RSA-2048 CA.
 *
 * The measured call is acquire() itself, not enrollWithPassword(): the latter spends ~60 ms of
 * scrypt on the password, which is authentication, not issuance.
 *
 * Subjects and references run interleaved in short slices over several rounds, so that load from
 * anything else on this shared two-core machine falls on both sides of each ratio alike.
 */
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquire } from "../src/lifecycle/acquisition.js";
import { checkCsr, decodeCsrBody } from "../src/ca/csr-check.js";
import { toPem } from "../src/ca/certificate-builder.js";
import { freePort, type Harness } from "../test/support/harness.js";
import { BANK, benchHarness, provisionUsers, type Who } from "./fixture.js";
import { fmt, log, makeCsr, makeReferenceCa, runProgram, selfCpuMs, groupCpuMs, startServer, waitForPort, writeSection, type Row, type Started } from "./support.js";

const ROUNDS = 4;
const SLICE_MS = 1000;
const BARE_SLICE_MS = 400;
const WARMUP = 30;
/** enough that no round runs out of fresh users at the rates seen here (~100–300 per second) */
const USERS = 1800;

interface Acc {
  count: number;
  ms: number;
  cpuMs: number;
}
const acc = (): Acc => ({ count: 0, ms: 0, cpuMs: 0 });
const rate = (a: Acc) => (a.count * 1000) / a.ms;

interface Csr {
  b64: string;
  json: Buffer;
}

class LifecyclePath {
  next = 0;
  issued = 0;
  readonly timed = acc();
  readonly bare = acc();
  private readonly tbs: Uint8Array[] = [];
  constructor(
    readonly name: string,
    readonly h: Harness,
    readonly whos: Who[],
    readonly csrs: Csr[],
  ) {}

  private async issueOne(): Promise<boolean> {
    if (this.next >= this.whos.length) return false;
    const i = this.next++;
    const who = this.whos[i]!;
    const r = await acquire({ deps: { store: this.h.rt.store, ca: this.h.rt.ca, clock: this.h.rt.clock }, bank: this.h.rt.lifecycle.bank(BANK), ctx: {
      actorKind: "user",
      actorId: who.user.loginId,
      address: "127.0.0.1",
    } }, who, this.csrs[i]!.b64);
    if (r.repeated) throw new Error("a fresh key was answered as a repeat");
    this.issued++;
    return true;
  }

  async warmUp(): Promise<void> {
    for (let i = 0; i < WARMUP; i++) await this.issueOne();
    const bankCa = this.h.rt.ca.bank(BANK)!;
    const now = this.h.rt.clock.now();
    const notAfter = new Date(now.getTime() + 365 * 86_400_000);
    // TBSs of the same shape the lifecycle signs, so the bare rate is for the same work
    for (let i = 0; i < 64; i++) {
      const spki = checkCsr(decodeCsrBody(this.csrs[i]!.b64), this.h.rt.lifecycle.bank(BANK).policy).spki;
      this.tbs.push(bankCa.prepareUserCertificate({ commonName: `bench${i} A002 20260101000000000000`, spki, notBefore: now, notAfter }).tbsDer);
    }
    for (let i = 0; i < 200; i++) await bankCa.issuing.signer.sign(this.tbs[i % this.tbs.length]!);
  }

  async lifecycleSlice(): Promise<void> {
    const t0 = performance.now();
    const c0 = selfCpuMs();
    let n = 0;
    while (performance.now() - t0 < SLICE_MS && (await this.issueOne())) n++;
    this.timed.ms += performance.now() - t0;
    this.timed.cpuMs += selfCpuMs() - c0;
    this.timed.count += n;
  }

  async bareSlice(): Promise<void> {
    const signer = this.h.rt.ca.bank(BANK)!.issuing.signer;
    const t0 = performance.now();
    const c0 = selfCpuMs();
    let n = 0;
    while (performance.now() - t0 < BARE_SLICE_MS) await signer.sign(this.tbs[n++ % this.tbs.length]!);
    this.bare.ms += performance.now() - t0;
    this.bare.cpuMs += selfCpuMs() - c0;
    this.bare.count += n;
  }

  /** Every timed acquisition left a signed certificate and its audit record, and one verifies with OpenSSL. */
  async verify(dir: string): Promise<string> {
    const store = this.h.rt.store;
    const certs = (await store.listCertificates(BANK)).filter((c) => c.state === "pending" && c.der);
    const issuedAudits = (await store.auditChain(BANK)).rows.filter((r) => r.action === "certificate.issued").length;
    if (certs.length !== this.issued || issuedAudits !== this.issued) {
      throw new Error(`${this.name}: ${this.issued} issued, but ${certs.length} certificates stored and ${issuedAudits} audited`);
    }
    const bankCa = this.h.rt.ca.bank(BANK)!;
    const chain = join(dir, `${this.name}-issuing.pem`);
    const root = join(dir, `${this.name}-root.pem`);
    const cert = join(dir, `${this.name}-cert.pem`);
    writeFileSync(chain, toPem(bankCa.issuing.der));
    writeFileSync(root, toPem(bankCa.root.der));
    writeFileSync(cert, toPem(certs[certs.length - 1]!.der!));
    await runProgram("openssl", ["verify", "-purpose", "sslclient", "-CAfile", root, "-untrusted", chain, cert]);
    return `${this.name}: ${this.issued} certificates issued, each stored signed with a \`certificate.issued\` audit record; the last one passes \`openssl verify -purpose sslclient\``;
  }
}

/** cfssl's sign API, one request at a time over a kept-alive connection, as the lifecycle runs. */
class CfsslPath {
  readonly timed = acc();
  private k = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(
    private readonly server: Started,
    private readonly port: number,
    private readonly csrs: Csr[],
  ) {}

  private post(body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: this.port, path: "/api/v1/cfssl/sign", method: "POST", agent: this.agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => {
          const text = Buffer.concat(parts).toString();
          if (res.statusCode !== 200 || !text.includes('"success":true')) reject(new Error(`cfssl sign failed (${res.statusCode}): ${text.slice(0, 300)}`));
          else resolve();
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  async warmUp(): Promise<void> {
    for (let i = 0; i < WARMUP; i++) await this.post(this.csrs[this.k++ % this.csrs.length]!.json);
  }

  async slice(): Promise<void> {
    const t0 = performance.now();
    const c0 = groupCpuMs(this.server.pgid);
    let n = 0;
    while (performance.now() - t0 < SLICE_MS) {
      await this.post(this.csrs[this.k++ % this.csrs.length]!.json);
      n++;
    }
    this.timed.ms += performance.now() - t0;
    this.timed.cpuMs += groupCpuMs(this.server.pgid) - c0;
    this.timed.count += n;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Where one SQLite issuance spends its time, each part timed alone in this same process. */
async function breakdown(p: LifecyclePath): Promise<Record<string, number>> {
  const h = p.h;
  const bankCa = h.rt.ca.bank(BANK)!;
  const policy = h.rt.lifecycle.bank(BANK).policy;
  const n = 300;
  const time = async (f: (i: number) => unknown) => {
    for (let i = 0; i < 20; i++) await f(i);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f(i);
    return ((performance.now() - t0) * 1000) / n;
  };
  const checked = p.csrs.slice(0, n).map((c) => checkCsr(decodeCsrBody(c.b64), policy));
  const now = h.rt.clock.now();
  const notAfter = new Date(now.getTime() + 365 * 86_400_000);
  const prepared = checked.map((c, i) => bankCa.prepareUserCertificate({ commonName: `bench${i} A002 20260101000000000000`, spki: c.spki, notBefore: now, notAfter }).tbsDer);
  return {
    "CSR decode and check (`checkCsr`)": await time((i) => checkCsr(decodeCsrBody(p.csrs[i % n]!.b64), policy)),
    "TBS building (`prepareUserCertificate`)": await time((i) => bankCa.prepareUserCertificate({ commonName: `bench${i} A002 20260101000000000000`, spki: checked[i % n]!.spki, notBefore: now, notAfter })),
    "signing with certificate assembly (`BankCa.sign`)": await time((i) => bankCa.sign(prepared[i % n]!)),
    "of which the RSA signature alone (`signer.sign`)": await time((i) => bankCa.issuing.signer.sign(prepared[i % n]!)),
  };
}

export async function issuanceBench(): Promise<{ rows: Row[]; details: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-bench-issue-"));
  let cfssl: Started | undefined;
  const harnesses: Harness[] = [];
  try {
    log("issuance: making CSRs, CAs and users");
    const csrs: Csr[] = Array.from({ length: USERS }, (_, i) => {
      const c = makeCsr(`bench user ${i}`);
      return { b64: Buffer.from(c.der).toString("base64"), json: Buffer.from(JSON.stringify({ certificate_request: c.pem })) };
    });
    const paths: LifecyclePath[] = [];
    for (const db of ["sqlite", "postgres"] as const) {
      const h = await benchHarness(db, false);
      harnesses.push(h);
      paths.push(new LifecyclePath(db === "sqlite" ? "SQLite" : "PostgreSQL", h, await provisionUsers(h, USERS), csrs));
    }
    const ref = await makeReferenceCa(dir);
    const port = await freePort();
    cfssl = startServer("cfssl", ["serve", "-address", "127.0.0.1", "-port", String(port), "-ca", ref.cert, "-ca-key", ref.key, "-loglevel", "2"]);
    // warnings only: at its default level cfssl logs every request, which Inkan (silent here) does not
    await waitForPort(port);
    const cf = new CfsslPath(cfssl, port, csrs);

    log("issuance: warming up");
    for (const p of paths) await p.warmUp();
    await cf.warmUp();

    for (let r = 0; r < ROUNDS; r++) {
      log(`issuance: round ${r + 1}/${ROUNDS}`);
      for (const p of paths) {
        await p.bareSlice();
        await p.lifecycleSlice();
      }
      await cf.slice();
    }
    cf.close();
    for (const p of paths) if (p.next >= p.whos.length) log(`issuance: ${p.name} ran out of users; its rate is from fewer slices' worth`);

    const parts = await breakdown(paths[0]!);
    const checks: string[] = [];
    for (const p of paths) checks.push(await p.verify(dir));

    const acquireRow = (p: LifecyclePath, reference: string, refValue: number, goal: string, met: boolean | null): Row => ({
      bench: "1 Issuance",
      measure: `lifecycle \`acquire()\`, ${p.name} (certificates/s)`,
      value: rate(p.timed),
      unit: "/s",
      reference,
      refValue,
      better: "higher",
      goal,
      met,
    });
    const rows: Row[] = [
      ...paths.map((p) => acquireRow(p, "bare RSA-2048 signing, same CA key (`signer.sign`)", rate(p.bare), "≥ 50 %", rate(p.timed) / rate(p.bare) >= 0.5)),
      ...paths.map((p) => acquireRow(p, "`cfssl serve` /api/v1/cfssl/sign, RSA-2048 CA, one at a time", rate(cf.timed), "—", null)),
    ];

    const sqlite = paths[0]!;
    const perOpUs = (a: Acc) => (a.ms * 1000) / a.count;
    const cpuUs = (a: Acc) => (a.cpuMs * 1000) / a.count;
    const details = [
      "### 1 Issuance: per operation",
      "",
      "| Path | Operations timed | Wall µs/op | CPU µs/op (whole process, GC threads included) |",
      "|---|---:|---:|---:|",
      ...paths.map((p) => `| lifecycle \`acquire()\`, ${p.name} | ${fmt(p.timed.count)} | ${fmt(perOpUs(p.timed))} | ${fmt(cpuUs(p.timed))} (Node only${p.name === "PostgreSQL" ? "; the PostgreSQL server's own CPU is not counted" : ""}) |`),
      ...paths.map((p) => `| bare signing, ${p.name} harness's CA key | ${fmt(p.bare.count)} | ${fmt(perOpUs(p.bare))} | ${fmt(cpuUs(p.bare))} |`),
      `| cfssl serve sign API (HTTP + JSON, no database) | ${fmt(cf.timed.count)} | ${fmt(perOpUs(cf.timed))} | ${fmt(cpuUs(cf.timed))} (cfssl process) |`,
      "",
      `Where one SQLite issuance (${fmt(perOpUs(sqlite.timed))} µs) goes, each part timed alone:`,
      "",
      "| Part | µs |",
      "|---|---:|",
      ...Object.entries(parts).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
      `| the rest: two write transactions (request, TBS, certificate, two audit records), reads before them | ${fmt(perOpUs(sqlite.timed) - Object.entries(parts).filter(([k]) => !k.startsWith("of which")).reduce((s, [, v]) => s + v, 0))} |`,
      "",
      `User keys are P-256 (fresh per request, made before timing); the CA keys are RSA-2048 on both sides. ${ROUNDS} rounds of ${SLICE_MS} ms slices, interleaved with ${BARE_SLICE_MS} ms slices of bare signing.`,
      "",
      ...checks.map((c) => `- ${c}`),
    ];
    return { rows, details };
  } finally {
    await cfssl?.stop();
    for (const h of harnesses) await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection(process.argv[2], await issuanceBench());
  process.exit(0);
}
