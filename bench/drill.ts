/**
 * Issue 12: the compromise drill on PostgreSQL. A bank whose generation G1 signed 100,000 active
 * certificates (bench/drill-seed.ts says what is seeded and how), then G2 by `inkan ca rollover`,
 * then `inkan ca revoke --bank B --generation G1 --reason caCompromise` run as the command itself,
 * against a running `inkan serve`, measuring:
 *   (a) from the command's commit of the generation's revocation to the first refused mutual-TLS
 *       request with a G1 certificate, and a random sample of G1 certificates refused after it;
 *       beside one certificate's revocation (`inkan cert revoke`) timed the same way;
 *   (b) from that commit to the last holder's reset and notice, beside the same writes done by one
 *       bare set-based SQL statement on copies of the same tables;
 *   (c) peak memory of the command and of the server, beside the same command on a bank with no
 *       certificates and the server's own size before the drill;
 *   (d) G1's CRL with every entry: build time and size, beside `openssl ca -gencrl` on the same entries.
 *
 * BENCH_DRILL_CERTS sets the size: 100,000 when this runs alone or as `npm run bench -- drill`,
 * 10,000 in the whole `npm run bench` (bench/run.ts says why).
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { acquire } from "../src/lifecycle/acquisition.js";
import { toPem } from "../src/ca/certificate-builder.js";
import { REVOCATION_REASONS } from "../src/domain/certificate.js";
import type { RevokedEntry } from "../src/store/store.js";
import { PG_URL, startHarness, testBank, type Harness } from "../test/support/harness.js";
import { newKeyAndCsr } from "../test/support/client.js";
import { BANK, provisionUsers } from "./fixture.js";
import { checkCrl, opensslGencrl, runChildren } from "./crl.js";
import { PASSWORD, seedGeneration, type SeedResult } from "./drill-seed.js";
import { secureContextFor, requestBytes, tlsExchange, type TlsTarget } from "./tls-load-client.js";
import { fmt, groupCpuMs, log, runProgram, sleep, startInkan, writeSection, type Row, type Started } from "./support.js";

const SIZE = Number(process.env.BENCH_DRILL_CERTS ?? 100_000);
const SAMPLE = 20;
/** a second bank, never given a certificate: the same drill there is the command's fixed cost */
const EMPTY = "drill0";
const BIN = fileURLToPath(new URL("../bin/inkan.mjs", import.meta.url));
const CA_COMPROMISE = REVOCATION_REASONS.cACompromise;

interface Timed {
  ms: number;
  maxRssMb: number;
  cpuMs: number;
  stdout: string;
  stderr: string;
}

/** One `inkan` command, as an operator runs it, under GNU time (wall time measured here). */
function inkan(h: Harness, args: string[]): { done: Promise<Timed>; started: number } {
  const started = performance.now();
  const p = spawn("/usr/bin/time", ["-f", "inkan-time maxrss_kb=%M user=%U sys=%S", process.execPath, BIN, ...args, "--data", h.dataDir], {
    env: { ...process.env, INKAN_LOG_LEVEL: "silent", DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Timed>((resolve, reject) => {
    p.on("error", reject);
    p.on("close", (code) => {
      const ms = performance.now() - started;
      const t = /inkan-time maxrss_kb=(\d+) user=([\d.]+) sys=([\d.]+)/.exec(stderr);
      if (code !== 0 || !t) return reject(new Error(`inkan ${args.join(" ")} exited ${code}: ${stdout}${stderr}`));
      resolve({ ms, maxRssMb: Number(t[1]) / 1024, cpuMs: (Number(t[2]) + Number(t[3])) * 1000, stdout: stdout.trim(), stderr });
    });
  });
  // awaited by the caller; a failure while the caller is itself failing must not hide its error
  done.catch(() => undefined);
  return { done, started };
}

function status(pid: number, field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? NaN) / 1024;
}

/** A TLS client presenting one certificate to the EST csrattrs resource: the lifecycle's verdict on it, read from x-inkan-certificate. */
class Presenter {
  private readonly ctx;
  private readonly request: Buffer;
  constructor(
    private readonly target: TlsTarget,
    keyFile: string,
    certFile: string,
  ) {
    this.ctx = secureContextFor(target.caFile, { keyFile, certFile });
    this.request = requestBytes(target);
  }
  async verdict(): Promise<string> {
    // long enough to see how long an answer waits (a refusal's audit record waits for the bank's lock)
    const ex = await tlsExchange(this.target, this.ctx, this.request, 120_000);
    return /\r\nx-inkan-certificate:\s*([^\r\n]+)/i.exec(ex.head)?.[1] ?? `HTTP ${ex.status}`;
  }
}

const refused = (v: string) => v.startsWith("refused");

interface Race {
  /** ms from the command's start */
  commit: number;
  firstRefused: number;
  lastAccepted: number;
  cause: string;
  requests: number;
  /** answers that were neither accepted nor refused, with their moment */
  failures: string[];
}

/**
 * The moment the transaction that changes one row commits, as PostgreSQL tells a listener: a
 * trigger added for the benchmark (on that row only: `when`) calls pg_notify, which is delivered at
 * commit. Dropped once used.
 */
async function commitSignal(admin: pg.Client, schema: string, name: string, table: string, when: string): Promise<{ at: Promise<number>; drop(): Promise<void> }> {
  const channel = `${schema}_${name}`;
  const listener = new pg.Client({ connectionString: PG_URL });
  await listener.connect();
  await listener.query(`LISTEN ${channel}`);
  const at = new Promise<number>((resolve) => listener.on("notification", (m) => m.channel === channel && resolve(performance.now())));
  await admin.query(`CREATE FUNCTION ${schema}.${channel}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${channel}', ''); RETURN NULL; END $$`);
  await admin.query(`CREATE TRIGGER ${channel} AFTER UPDATE ON ${schema}.${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${schema}.${channel}()`);
  return {
    at,
    async drop() {
      await admin.query(`DROP TRIGGER ${channel} ON ${schema}.${table}; DROP FUNCTION ${schema}.${channel}()`);
      await listener.end();
    },
  };
}

/** Presents a certificate again and again, each time over a new connection, while a command runs, until it is refused. */
async function raceToRefusal(probe: Presenter, committed: Promise<number>, command: { started: number }): Promise<Race> {
  let commit = NaN;
  void committed.then((t) => (commit = t - command.started));
  let lastAccepted = -Infinity;
  let requests = 0;
  const failures: string[] = [];
  for (;;) {
    // an answer that is neither (a timeout, a 5xx) is counted and reported, and the probe goes on
    const v = await probe.verdict().catch((e: Error) => `failed: ${e.message}`);
    requests++;
    const at = performance.now() - command.started;
    if (refused(v)) {
      await Promise.race([committed, sleep(10_000)]);
      return { commit, firstRefused: at, lastAccepted, cause: v, requests, failures };
    }
    if (v === "active") lastAccepted = at;
    else failures.push(`${fmt(at)} ms: ${v}`);
  }
}

/** The same writes as the drill's, done by one set-based SQL statement in one transaction on copies of the tables: PostgreSQL's floor for them. */
async function bareSqlFloor(c: pg.Client, schema: string, caId: number, at: number): Promise<{ ms: number; rows: number }> {
  const ref = `${schema}_floor`;
  const tables = ["certificates", "revocations", "users", "sessions", "notices", "audit_events"];
  await c.query(`CREATE SCHEMA ${ref}`);
  for (const t of tables) await c.query(`CREATE TABLE ${ref}.${t} (LIKE ${schema}.${t} INCLUDING ALL); INSERT INTO ${ref}.${t} SELECT * FROM ${schema}.${t}`);
  await c.query(`ANALYZE ${tables.map((t) => `${ref}.${t}`).join(", ")}`);
  const seq = Number((await c.query(`SELECT max(seq) AS s FROM ${ref}.audit_events WHERE bank_id = $1`, [BANK])).rows[0].s);
  const t0 = performance.now();
  await c.query("BEGIN");
  const r = await c.query(
    `WITH r AS (UPDATE ${ref}.certificates SET state = 'revoked', revoked_at = $1, revocation_reason = $4, updated_at = $1
                WHERE bank_id = $2 AND ca_id = $3 AND state IN ('active', 'pending', 'signing') RETURNING serial, user_id, not_after),
          rv AS (INSERT INTO ${ref}.revocations (serial, bank_id, ca_id, reason, revoked_at, not_after, actor, reference) SELECT serial, $2, $3, $4, $1, not_after, 'cli:bench', NULL FROM r),
          u AS (UPDATE ${ref}.users SET certs_reset_at = $1, updated_at = $1 WHERE bank_id = $2 AND id IN (SELECT user_id FROM r)),
          s AS (DELETE FROM ${ref}.sessions WHERE bank_id = $2 AND user_id IN (SELECT user_id FROM r)),
          n AS (INSERT INTO ${ref}.notices (bank_id, kind, cert_serial, offset_key, user_id, recipient_user_id, due_at, status, attempts, next_attempt_at, lease_until, last_error, sent_at, read_at, created_at)
                SELECT $2, 'ca_compromised', serial, '', user_id, user_id, $1, 'queued', 0, $1, NULL, NULL, NULL, NULL, $1 FROM r ON CONFLICT DO NOTHING)
     INSERT INTO ${ref}.audit_events (bank_id, seq, at, actor_kind, actor_id, address, cert_serial, action, contract_id, target_user_id, result, detail, prev_hash, hash)
     SELECT $2, $5 + row_number() OVER (), $1, 'cli', 'bench', NULL, NULL, 'certificate.reset', NULL, user_id, 'ok',
            json_build_object('cause', 'ca_compromise', 'issuingCaId', $3::bigint, 'revoked', serial, 'reset', true)::text, '', encode(sha256(convert_to(serial, 'UTF8')), 'hex')
     FROM r`,
    [at, BANK, caId, CA_COMPROMISE, seq],
  );
  await c.query("COMMIT");
  const ms = performance.now() - t0;
  await c.query(`DROP SCHEMA ${ref} CASCADE`);
  return { ms, rows: r.rowCount ?? 0 };
}

async function count(c: pg.Client, sql: string, params: unknown[]): Promise<number> {
  return Number((await c.query(sql, params)).rows[0].n);
}

export async function drillBench(): Promise<{ rows: Row[]; details: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-bench-drill-"));
  const bankConfig = (id: string) => testBank(id, { caKey: "ECDSA-P256", policy: { maxUsersPerContract: 999 } as any });
  // the server's status poll as shipped (the harness's own is shorter)
  const h = await startHarness({ db: "postgres", serve: false, banks: [bankConfig(BANK), bankConfig(EMPTY)], config: { statusPollMs: undefined } });
  const schema = new URL(h.databaseUrl).searchParams.get("schema")!;
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  let server: Started | undefined;
  try {
    const bank = h.rt.lifecycle.bank(BANK);
    const g1 = h.rt.ca.bank(BANK)!;
    log(`drill: one G1 certificate by the lifecycle, then ${fmt(SIZE - 1)} more in bulk (bench/drill-seed.ts)`);
    const [real] = await provisionUsers(h, 1, "real");
    const kc = await newKeyAndCsr();
    const issued = await acquire({ deps: h.rt, bank, ctx: { actorKind: "user", actorId: real!.user.loginId } }, real!, kc.csrB64);
    await h.rt.lifecycle.useCertificate(BANK, issued.der, {}, "bench");
    const seed: SeedResult = await seedGeneration(h, BANK, bank, g1, SIZE - 1);
    const sizes = (await c.query("SELECT serial = $1 AS real, avg(length(tbs_der)) AS tbs, avg(length(der)) AS der FROM certificates WHERE ca_id = $2 GROUP BY 1", [issued.serial, g1.issuing.id])).rows;
    log(`drill: seeded ${fmt(seed.certificates)} certificates in ${fmt(seed.ms.total / 1000, 1)} s; rollover to G2 for both banks`);
    for (const b of [BANK, EMPTY]) await inkan(h, ["ca", "rollover", "--bank", b]).done;
    await h.rt.ca.reloadBank(BANK);
    const g2 = h.rt.ca.bank(BANK)!;
    if (g2.generation.number !== 2) throw new Error(`after the rollover the active generation is G${g2.generation.number}`);
    // a G2 certificate, for the reference revocation (one certificate, refused by its own record)
    const [other] = await provisionUsers(h, 1, "refg2");
    const kc2 = await newKeyAndCsr();
    const issued2 = await acquire({ deps: h.rt, bank, ctx: { actorKind: "user", actorId: other!.user.loginId } }, other!, kc2.csrB64);
    await h.rt.lifecycle.useCertificate(BANK, issued2.der, {}, "bench");
    const active = await count(c, "SELECT count(*) AS n FROM certificates WHERE ca_id = $1 AND state = 'active'", [g1.issuing.id]);
    if (active !== SIZE) throw new Error(`G1 holds ${active} active certificates, expected ${SIZE}`);

    log("drill: reference (b), the same writes by one bare SQL statement on copies of the tables");
    const floor = await bareSqlFloor(c, schema, g1.issuing.id, Date.now());
    if (floor.rows !== SIZE) throw new Error(`the bare SQL reference revoked ${floor.rows}`);

    log("drill: starting inkan serve; the sample of G1 certificates logs in over mutual TLS");
    const started = await startInkan(h.dataDir);
    server = started.s;
    const target = (method: string, path: string, body?: string): TlsTarget => ({ port: started.httpsPort, servername: "localhost", caFile: h.serverCaFile, method, path, body });
    const csrattrs = target("GET", `/.well-known/est/${BANK}/csrattrs`);
    const write = (name: string, keyPem: string, certPem: string) => {
      writeFileSync(join(dir, `${name}.key`), keyPem);
      writeFileSync(join(dir, `${name}.pem`), certPem);
      return new Presenter(csrattrs, join(dir, `${name}.key`), join(dir, `${name}.pem`));
    };
    const picks = new Set<number>();
    while (picks.size < Math.min(SAMPLE, SIZE - 1)) picks.add(randomInt(SIZE - 1));
    const sample = [...picks].map((i) => ({ i, loginId: seed.loginId(i), ...seed.identity(i) }));
    const samplePresenters = sample.map((s) => write(`sample${s.i}`, s.keyPem, s.certPem));
    const loginOf = (s: { keyPem: string; certPem: string; i: number }) =>
      tlsExchange(target("POST", `/api/${BANK}/login`, JSON.stringify({ password: PASSWORD })), secureContextFor(h.serverCaFile, { keyFile: join(dir, `sample${s.i}.key`), certFile: join(dir, `sample${s.i}.pem`) }), requestBytes(target("POST", `/api/${BANK}/login`, JSON.stringify({ password: PASSWORD }))));
    for (const [k, s] of sample.entries()) {
      const v = await samplePresenters[k]!.verdict();
      if (v !== "active") throw new Error(`seeded certificate ${s.i} is not accepted before the drill: ${v}`);
      const l = await loginOf(s);
      if (l.status !== 200) throw new Error(`seeded user ${s.loginId} cannot log in before the drill: ${l.status} ${l.body.slice(0, 200)}`);
    }
    const sessionsBefore = await count(c, "SELECT count(*) AS n FROM sessions WHERE user_id IN (SELECT id FROM users WHERE login_id = ANY($1))", [sample.map((s) => s.loginId)]);

    log("drill: reference (a), one G2 certificate revoked by `inkan cert revoke`");
    const refProbe = write("ref", kc2.keyPem, toPem(issued2.der));
    if ((await refProbe.verdict()) !== "active") throw new Error("the reference certificate is not accepted");
    const refSignal = await commitSignal(c, schema, "ref_revoked", "certificates", `NEW.serial = '${issued2.serial}' AND NEW.state = 'revoked' AND OLD.state <> 'revoked'`);
    const refCmd = inkan(h, ["cert", "revoke", issued2.serial, "--bank", BANK, "--reason", "keyCompromise"]);
    const refRace = await raceToRefusal(refProbe, refSignal.at, refCmd);
    const refTimed = await refCmd.done;
    await refSignal.drop();

    log("drill: reference (c), the drill on a bank with no certificates");
    const emptyDrill = await inkan(h, ["ca", "revoke", "--bank", EMPTY, "--generation", "G1", "--reason", "caCompromise"]).done;

    // quiet before the drill: the server has seen both commands' effects and rebuilt what they changed
    await sleep(2000);
    const pid = server.proc.pid!;
    const serverRssBefore = status(pid, "VmRSS");
    let peakReset = true;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      peakReset = false;
    }
    let serverRssMax = serverRssBefore;
    const sampler = setInterval(() => {
      if (server!.proc.exitCode !== null || server!.proc.signalCode !== null) return;
      serverRssMax = Math.max(serverRssMax, status(pid, "VmRSS"));
    }, 50);
    const serverCpu0 = groupCpuMs(server.pgid);
    const crlNumber = async () => Number((await c.query("SELECT crl_number FROM cas WHERE id = $1", [g1.issuing.id])).rows[0].crl_number);
    const crlNumber0 = await crlNumber();

    log(`drill: inkan ca revoke --bank ${BANK} --generation G1 --reason caCompromise (${fmt(SIZE)} active certificates)`);
    const probe = samplePresenters[0]!;
    const drillAt = Date.now();
    const drillSignal = await commitSignal(c, schema, "g1_revoked", "cas", `NEW.id = ${g1.issuing.id} AND NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL`);
    const cmd = inkan(h, ["ca", "revoke", "--bank", BANK, "--generation", "G1", "--reason", "caCompromise"]);
    const race = await raceToRefusal(probe, drillSignal.at, cmd);
    // the random sample, at once: refused while their records are still being reset
    const sampleVerdicts: string[] = [];
    const sampleMs: number[] = [];
    for (const p of samplePresenters) {
      const t = performance.now();
      sampleVerdicts.push(await p.verdict().catch((e: Error) => `failed: ${e.message}`));
      sampleMs.push(performance.now() - t);
    }
    const sampleDone = performance.now() - cmd.started;
    const sampleRefused = sampleVerdicts.filter((v) => v === "refused; cause=issuer_revoked").length;
    const resetAtSample = await count(c, "SELECT count(*) AS n FROM notices WHERE bank_id = $1 AND kind = 'ca_compromised'", [BANK]);
    // the last notice queued: counted every 200 ms until all are there
    let allQueued = NaN;
    let exited = false;
    void cmd.done.then(
      () => (exited = true),
      () => (exited = true),
    );
    for (;;) {
      const n = await count(c, "SELECT count(*) AS n FROM notices WHERE bank_id = $1 AND kind = 'ca_compromised'", [BANK]);
      if (n >= SIZE) {
        allQueued = performance.now() - cmd.started;
        break;
      }
      if (exited) break;
      await sleep(200);
    }
    const drill = await cmd.done;
    await drillSignal.drop();
    clearInterval(sampler);
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) throw new Error(`inkan serve stopped during the drill (${server.proc.exitCode ?? server.proc.signalCode}): ${server.output().slice(-3000)}`);
    const serverCpuMs = groupCpuMs(server.pgid) - serverCpu0;
    // each build of G1's list, by the server (at most one a second while its status changes) or by the command at its end, takes a number
    const crlBuilds = (await crlNumber()) - crlNumber0;
    const serverPeak = peakReset ? status(pid, "VmHWM") : serverRssMax;

    log("drill: checking what the drill left");
    const checks = {
      liveG1: await count(c, "SELECT count(*) AS n FROM certificates WHERE ca_id = $1 AND state IN ('active', 'pending', 'signing')", [g1.issuing.id]),
      revokedG1: await count(c, "SELECT count(*) AS n FROM certificates WHERE ca_id = $1 AND state = 'revoked' AND revocation_reason = $2", [g1.issuing.id, CA_COMPROMISE]),
      revocations: await count(c, "SELECT count(*) AS n FROM revocations WHERE ca_id = $1 AND reason = $2", [g1.issuing.id, CA_COMPROMISE]),
      reset: await count(c, "SELECT count(*) AS n FROM users WHERE bank_id = $1 AND certs_reset_at >= $2", [BANK, drillAt - 1000]),
      notices: await count(c, "SELECT count(*) AS n FROM notices WHERE bank_id = $1 AND kind = 'ca_compromised'", [BANK]),
      audited: await count(c, "SELECT count(*) AS n FROM audit_events WHERE bank_id = $1 AND action = 'certificate.reset'", [BANK]),
      sessions: await count(c, "SELECT count(*) AS n FROM sessions WHERE user_id IN (SELECT id FROM users WHERE login_id = ANY($1))", [sample.map((s) => s.loginId)]),
    };
    // the server's notifier delivers them meanwhile (to its file outbox: no SMTP server is configured)
    const delivered = await count(c, "SELECT count(*) AS n FROM notices WHERE bank_id = $1 AND kind = 'ca_compromised' AND status = 'sent'", [BANK]);
    const expected = { liveG1: 0, revokedG1: SIZE, revocations: SIZE, reset: SIZE, notices: SIZE, audited: SIZE, sessions: 0 };
    for (const [k, v] of Object.entries(expected)) if (checks[k as keyof typeof checks] !== v) throw new Error(`after the drill ${k} = ${checks[k as keyof typeof checks]}, expected ${v}`);
    // and once the command is done, every one of them, whatever happened during it
    const after = await Promise.all(samplePresenters.map((p) => p.verdict()));
    if (!after.every((v) => v === "refused; cause=issuer_revoked")) throw new Error(`sample verdicts after the drill: ${after.join(", ")}`);
    const portal = await loginOf(sample[1] ?? sample[0]!);
    if (portal.status === 200 || !/issuer_revoked|認証局を停止/.test(portal.body)) throw new Error(`a G1 login after the drill: ${portal.status} ${portal.body.slice(0, 300)}`);
    const tVerify = performance.now();
    const verify = await inkan(h, ["audit", "verify", "--bank", BANK]).done;
    const verifyMs = performance.now() - tVerify;

    await server.stop();
    server = undefined;

    log("drill: (d) G1's CRL with every entry, rebuilt from PostgreSQL, beside openssl ca -gencrl");
    const crlOut = join(dir, "g1.crl");
    const crlRuns = await runChildren(["db", h.dataDir, BANK, crlOut, String(g1.issuing.id)]);
    const g1Pem = join(dir, "g1.pem");
    writeFileSync(g1Pem, toPem(g1.issuing.der));
    await checkCrl(crlOut, "DER", g1Pem, SIZE);
    const entries: RevokedEntry[] = (await c.query("SELECT serial, revoked_at, reason FROM revocations WHERE ca_id = $1", [g1.issuing.id])).rows.map((r) => ({ serial: r.serial, revokedAt: new Date(Number(r.revoked_at)), reason: Number(r.reason) }));
    const ref = await opensslGencrl(dir, entries);
    await checkCrl(ref.crl, "PEM", ref.ca, SIZE);
    const refDer = (await runProgram("openssl", ["crl", "-in", ref.crl, "-outform", "DER"])).stdout.length;
    const crlBytes = statSync(crlOut).size;

    const commitToRefusal = race.firstRefused - race.commit;
    const refCommitToRefusal = refRace.firstRefused - refRace.commit;
    const resetS = (allQueued - race.commit) / 1000;
    const worst = (xs: number[]) => Math.max(...xs);
    const n = fmt(SIZE);
    const rows: Row[] = [
      { bench: "6 Drill", measure: `G1 refused: the command's commit → first refused mutual-TLS request with a G1 certificate (ms; then ${sample.length} random G1 certificates refused)`, value: commitToRefusal, unit: "ms", reference: "one certificate's revocation (`inkan cert revoke`), timed the same way", refValue: refCommitToRefusal, better: "lower", goal: "~0 (one check on the issuer)", met: sampleRefused === sample.length },
      { bench: "6 Drill", measure: `${n} certificates revoked, holders reset, notices queued: commit → last notice queued (s)`, value: resetS, unit: "s", reference: "the same writes by one bare set-based SQL statement, one transaction", refValue: floor.ms / 1000, better: "lower", goal: "≤ 60 s", met: resetS <= 60 },
      { bench: "6 Drill", measure: "the whole `inkan ca revoke` command, start to exit (s)", value: drill.ms / 1000, unit: "s", reference: "the same command on a bank with no certificates", refValue: emptyDrill.ms / 1000, better: "lower", goal: "—", met: null },
      { bench: "6 Drill", measure: "peak RSS of the `inkan ca revoke` process (MB)", value: drill.maxRssMb, unit: "MB", reference: "the same command on a bank with no certificates", refValue: emptyDrill.maxRssMb, better: "lower", goal: "—", met: null },
      { bench: "6 Drill", measure: "peak RSS of `inkan serve` during the drill (MB)", value: serverPeak, unit: "MB", reference: "its RSS just before the drill", refValue: serverRssBefore, better: "lower", goal: "—", met: null },
      { bench: "6 Drill", measure: `G1's CRL, ${n} entries: \`rebuildCrl()\` from PostgreSQL (s, slowest of ${crlRuns.ms.length})`, value: worst(crlRuns.ms) / 1000, unit: "s", reference: "`openssl ca -gencrl`, same entries", refValue: worst(ref.ms) / 1000, better: "lower", goal: "≤ 1 s", met: worst(crlRuns.ms) <= 1000 },
      { bench: "6 Drill", measure: `G1's CRL, ${n} entries: size (kB, DER)`, value: crlBytes / 1000, unit: "kB", reference: "`openssl ca -gencrl`'s CRL of the same entries, DER", refValue: refDer / 1000, better: "lower", goal: "—", met: null },
      { bench: "6 Drill", measure: `G1's CRL, ${n} entries: peak RSS of the rebuilding process (MB, highest of ${crlRuns.peakMb.length})`, value: worst(crlRuns.peakMb), unit: "MB", reference: "`openssl ca -gencrl`, peak RSS", refValue: worst(ref.peakMb), better: "lower", goal: "≤ 200 MB", met: worst(crlRuns.peakMb) <= 200 },
    ];
    const sizeOf = (real: boolean) => sizes.find((r) => r.real === real);
    const details = [
      `### 6 Compromise drill: ${n} active G1 certificates on PostgreSQL`,
      "",
      `Seeded (bench/drill-seed.ts, ${fmt(seed.ms.total / 1000, 1)} s: certificates built and signed ${fmt(seed.ms.build / 1000, 1)} s, rows written ${fmt(seed.ms.insert / 1000, 1)} s): ${fmt(seed.users)} users in ${fmt(seed.contracts)} contracts made by the lifecycle, each user with one active G1 certificate built by G1's \`prepareUserCertificate()\` and signed by G1's key (ECDSA P-256) over a key of its own, its request row, its sent "issued" notice and ${fmt(seed.auditRecords)} audit records on the bank's chain; plus 1 user whose G1 certificate went through \`acquire()\` and its first use. ` +
        `Certificate rows: TBS ${fmt(Number(sizeOf(false)?.tbs ?? 0))} / DER ${fmt(Number(sizeOf(false)?.der ?? 0))} bytes seeded, ${fmt(Number(sizeOf(true)?.tbs ?? 0))} / ${fmt(Number(sizeOf(true)?.der ?? 0))} for the one from \`acquire()\`. Then \`inkan ca rollover\` (G2), and one G2 certificate by \`acquire()\` for reference (a).`,
      "",
      "| Moment (ms from the command's start) | drill | reference: `inkan cert revoke` of one certificate |",
      "|---|---:|---:|",
      `| commit (PostgreSQL's notice to a listener, sent at commit by a trigger on the row) | ${fmt(race.commit)} | ${fmt(refRace.commit)} |`,
      `| last request accepted | ${fmt(race.lastAccepted)} | ${fmt(refRace.lastAccepted)} |`,
      `| first request refused (\`${race.cause}\`) | ${fmt(race.firstRefused)} | ${fmt(refRace.firstRefused)} |`,
      `| requests made by the probe (each a new TLS handshake) | ${fmt(race.requests)} | ${fmt(refRace.requests)} |`,
      `| of them neither accepted nor refused | ${race.failures.length ? race.failures.join("; ") : "0"} | ${refRace.failures.length ? refRace.failures.join("; ") : "0"} |`,
      `| ${sample.length} random G1 certificates presented one after another: ${sampleRefused} refused (\`refused; cause=issuer_revoked\`)${sampleRefused < sample.length ? `, the others ${[...new Set(sampleVerdicts.filter((v) => v !== "refused; cause=issuer_revoked"))].join(", ")}` : ""}; each answer in ${fmt(Math.min(...sampleMs))}–${fmt(Math.max(...sampleMs))} ms | ${fmt(sampleDone)} | — |`,
      `| last of ${n} notices queued | ${fmt(allQueued)} | — |`,
      `| command exited | ${fmt(drill.ms)} | ${fmt(refTimed.ms)} |`,
      "",
      `When the sample had been refused, ${fmt(resetAtSample)} of the ${n} holders had been reset: a certificate is refused by its issuer, before its own record says anything. ` +
        `The server sees the revoked issuer at its status poll (\`statusPollMs\`, 250 ms as shipped); a single certificate's revocation is refused at the next request because its record is read on every request. ` +
        `The bare SQL reference (b) does the drill's writes — certificates revoked, revocations, users reset, sessions ended, notices and audit records inserted — on copies of the tables (indexes, no foreign keys) in one statement: ${fmt(floor.ms / 1000, 2)} s for ${n} rows.`,
      "",
      `The command: \`${drill.stdout.split("\n").pop()}\`; its CPU ${fmt(drill.cpuMs / 1000, 1)} s; the server's CPU during it ${fmt(serverCpuMs / 1000, 1)} s, G1's CRL built ${fmt(crlBuilds)} times meanwhile (by the server while the holders' records changed, then by the command); server peak ${peakReset ? "from VmHWM, reset just before" : "sampled every 50 ms"}. The empty bank's drill: ${fmt(emptyDrill.ms / 1000, 2)} s, ${fmt(emptyDrill.maxRssMb)} MB.`,
      "",
      `Checked after the drill: no G1 certificate left active; ${n} revoked with cACompromise and ${n} revocation rows; ${n} users reset, ${n} ca_compromised notices queued (${fmt(delivered)} of them already delivered by the server's notifier to its file outbox by then), ${n} certificate.reset audit records; the sample's ${sessionsBefore} sessions ended, and all ${sample.length} of its certificates refused again once the command was done; a G1 certificate login refused on the portal API; \`inkan audit verify\` passes (${fmt(verifyMs / 1000, 1)} s: ${verify.stdout.split("\n").pop()}); G1's CRL read back by \`openssl crl\`: signature verifies, ${n} entries.`,
      "",
      `G1's CRL: ${fmt(crlBytes)} bytes (openssl's of the same entries ${fmt(refDer)}); rebuilt in ${crlRuns.ms.map((x) => fmt(x)).join(", ")} ms (with G2's empty one, as \`inkan ca crl\` rebuilds every live generation), peak RSS ${crlRuns.peakMb.map((x) => fmt(x)).join(", ")} MB; openssl ${ref.ms.map((x) => fmt(x)).join(", ")} ms, ${ref.peakMb.map((x) => fmt(x)).join(", ")} MB.`,
    ];
    return { rows, details };
  } finally {
    await server?.stop();
    await c.end();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection(process.argv[2], await drillBench());
  process.exit(0);
}
