/**
 * Benchmark 3: a CRL of 100,000 revoked entries, time and peak memory, built
 *   - by buildCrl() alone, with the bank's issuing CA signer, from entries in memory;
 *   - by CertificateAuthority.rebuildCrl() from the database (SQLite, PostgreSQL), after the same
 *     entries were bulk-inserted as certificates and revocations;
 * beside `openssl ca -gencrl` over an index file of the same entries with an RSA-2048 CA.
 * Every build runs in a child process, so the peak resident size is the build's own; every CRL
 * made is read back by `openssl crl`, its signature checked and its entries counted.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { toPem } from "../src/ca/certificate-builder.js";
import { PG_URL, type Harness } from "../test/support/harness.js";
import type { RevokedEntry } from "../src/store/store.js";
import { BANK, benchHarness, provisionUsers } from "./fixture.js";
import type { CrlChildResult } from "./crl-child.js";
import { fmt, log, makeReferenceCa, runProgram, writeSection, type Row } from "./support.js";

const ENTRIES = 100_000;
const RUNS = 3;
const REASONS = [0, 1, 3, 4, 5];
const REASON_NAMES: Record<number, string> = { 1: "keyCompromise", 2: "CACompromise", 3: "affiliationChanged", 4: "superseded", 5: "cessationOfOperation" };

/** Random positive 16-byte serials (as Inkan makes them), revocation dates over the past year in whole seconds, mixed reasons. */
function syntheticEntries(n: number): RevokedEntry[] {
  const now = Math.floor(Date.now() / 1000);
  const out: RevokedEntry[] = [];
  for (let i = 0; i < n; i++) {
    const b = randomBytes(16);
    b[0] = b[0]! & 0x7f || 0x01;
    out.push({ serial: b.toString("hex"), revokedAt: new Date((now - randomInt(365 * 86_400)) * 1000), reason: REASONS[randomInt(REASONS.length)]! });
  }
  return out;
}

export interface Runs {
  ms: number[];
  peakMb: number[];
  startMb: number[];
}

/** RUNS builds, each in a new process: each one is cold, as a rebuild after a rare revocation is. */
export async function runChildren(args: string[]): Promise<Runs> {
  const r: Runs = { ms: [], peakMb: [], startMb: [] };
  for (let i = 0; i < RUNS; i++) {
    const one = await runChild(args);
    r.ms.push(one.ms);
    r.peakMb.push(one.peakMb);
    r.startMb.push(one.startMb);
  }
  return r;
}

function runChild(args: string[]): Promise<CrlChildResult> {
  const script = fileURLToPath(new URL("./crl-child.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) reject(new Error(`CRL child failed (${code}): ${out}`));
      else resolve(JSON.parse(last) as CrlChildResult);
    });
  });
}

interface Ids {
  caId: number;
  contractId: number;
  userId: number;
}

async function ids(h: Harness): Promise<Ids> {
  const [who] = await provisionUsers(h, 1, "crlbench");
  return { caId: h.rt.ca.bank(BANK)!.issuing.id, contractId: who!.contract.id, userId: who!.user.id };
}

const NOT_AFTER = () => Date.now() + 300 * 86_400_000;

/**
 * Rows straight into the tables acquisition and revocation write: one request, then per entry a
 * revoked certificate and its revocation. Going through the lifecycle would take minutes per
 * 100,000 and measure something else.
 */
function bulkSqlite(file: string, k: Ids, entries: RevokedEntry[]): void {
  const db = new Database(file);
  db.pragma("busy_timeout = 10000");
  const now = Date.now();
  const notAfter = NOT_AFTER();
  const requestId = Number(db.prepare("INSERT INTO requests (bank_id, user_id, kind, csr_sha256, csr_der, created_at) VALUES (?, ?, 'acquire', 'bench', x'00', ?)").run(BANK, k.userId, now).lastInsertRowid);
  const cert = db.prepare(
    "INSERT INTO certificates (serial, bank_id, ca_id, contract_id, user_id, state, subject, not_before, not_after, spki_sha256, tbs_der, der, request_id, replaces_serial, revoked_at, revocation_reason, created_at, updated_at) " +
      "VALUES (?, ?, ?, ?, ?, 'revoked', 'CN=bench', ?, ?, ?, x'00', NULL, ?, NULL, ?, ?, ?, ?)",
  );
  const rev = db.prepare("INSERT INTO revocations (serial, bank_id, ca_id, reason, revoked_at, not_after, actor, reference) VALUES (?, ?, ?, ?, ?, ?, 'bench', NULL)");
  db.transaction(() => {
    for (const e of entries) {
      const at = e.revokedAt.getTime();
      cert.run(e.serial, BANK, k.caId, k.contractId, k.userId, at - 86_400_000, notAfter, `bench-${e.serial}`, requestId, at, e.reason, at, at);
      rev.run(e.serial, BANK, k.caId, e.reason, at, notAfter);
    }
  })();
  db.close();
}

async function bulkPostgres(schema: string, k: Ids, entries: RevokedEntry[]): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`SET search_path TO ${schema}`);
    await c.query("BEGIN");
    const now = Date.now();
    const r = await c.query("INSERT INTO requests (bank_id, user_id, kind, csr_sha256, csr_der, created_at) VALUES ($1, $2, 'acquire', 'bench', '\\x00'::bytea, $3) RETURNING id", [BANK, k.userId, now]);
    const requestId = Number(r.rows[0].id);
    const serials = entries.map((e) => e.serial);
    const ats = entries.map((e) => e.revokedAt.getTime());
    const reasons = entries.map((e) => e.reason);
    await c.query(
      "INSERT INTO certificates (serial, bank_id, ca_id, contract_id, user_id, state, subject, not_before, not_after, spki_sha256, tbs_der, der, request_id, replaces_serial, revoked_at, revocation_reason, created_at, updated_at) " +
        "SELECT s, $1, $2, $3, $4, 'revoked', 'CN=bench', at - 86400000, $5, 'bench-' || s, '\\x00'::bytea, NULL, $6, NULL, at, reason, at, at FROM unnest($7::text[], $8::bigint[], $9::int[]) AS t(s, at, reason)",
      [BANK, k.caId, k.contractId, k.userId, NOT_AFTER(), requestId, serials, ats, reasons],
    );
    await c.query("INSERT INTO revocations (serial, bank_id, ca_id, reason, revoked_at, not_after, actor, reference) SELECT s, $1, $2, reason, at, $3, 'bench', NULL FROM unnest($4::text[], $5::bigint[], $6::int[]) AS t(s, at, reason)", [
      BANK,
      k.caId,
      NOT_AFTER(),
      serials,
      ats,
      reasons,
    ]);
    await c.query("COMMIT");
    await c.query("ANALYZE certificates; ANALYZE revocations");
  } finally {
    await c.end();
  }
}

/** Reads a CRL back with OpenSSL: the signature verifies under the issuer, and the entries are all there. */
export async function checkCrl(file: string, form: "DER" | "PEM", issuerPem: string, expected: number): Promise<void> {
  const v = await runProgram("openssl", ["crl", "-inform", form, "-in", file, "-noout", "-CAfile", issuerPem]);
  if (!/verify OK/.test(v.stderr + v.stdout.toString())) throw new Error(`${file}: signature does not verify: ${v.stderr}`);
  const text = (await runProgram("openssl", ["crl", "-inform", form, "-in", file, "-noout", "-text"])).stdout.toString("latin1");
  const count = text.split("Serial Number:").length - 1;
  if (count !== expected) throw new Error(`${file}: ${count} entries, expected ${expected}`);
}

const opensslTime = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";

/** `openssl ca -gencrl` over the same entries; wall time measured here, peak RSS by GNU time. */
export async function opensslGencrl(dir: string, entries: RevokedEntry[]): Promise<{ ms: number[]; peakMb: number[]; crl: string; ca: string }> {
  const ca = await makeReferenceCa(dir);
  const expiry = opensslTime(new Date(NOT_AFTER()));
  const index = entries.map((e) => `R\t${expiry}\t${opensslTime(e.revokedAt)}${e.reason ? `,${REASON_NAMES[e.reason]}` : ""}\t${e.serial.toUpperCase()}\tunknown\t/CN=bench ${e.serial}\n`).join("");
  writeFileSync(join(dir, "index.txt"), index);
  writeFileSync(join(dir, "index.txt.attr"), "unique_subject = no\n");
  writeFileSync(join(dir, "crlnumber"), "1000\n");
  const cnf = join(dir, "openssl-ca.cnf");
  writeFileSync(
    cnf,
    [
      "[ ca ]",
      "default_ca = bench",
      "[ bench ]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "crlnumber = $dir/crlnumber",
      `certificate = ${ca.cert}`,
      `private_key = ${ca.key}`,
      "default_md = sha256",
      "default_crl_days = 7",
      "unique_subject = no",
      "crl_extensions = crl_ext",
      "[ crl_ext ]",
      "authorityKeyIdentifier = keyid:always",
      "",
    ].join("\n"),
  );
  const crl = join(dir, "openssl.crl");
  const ms: number[] = [];
  const peakMb: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = await runProgram("/usr/bin/time", ["-f", "maxrss_kb=%M", "openssl", "ca", "-gencrl", "-config", cnf, "-out", crl]);
    ms.push(performance.now() - t0);
    peakMb.push(Number(/maxrss_kb=(\d+)/.exec(res.stderr)?.[1] ?? NaN) / 1024);
  }
  return { ms, peakMb, crl, ca: ca.cert };
}

export async function crlBench(): Promise<{ rows: Row[]; details: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "inkan-bench-crl-"));
  const harnesses: Harness[] = [];
  try {
    log("crl: making 100,000 entries and the reference CA");
    const entries = syntheticEntries(ENTRIES);
    const entriesFile = join(dir, "entries.tsv");
    writeFileSync(entriesFile, entries.map((e) => `${e.serial}\t${e.revokedAt.getTime()}\t${e.reason}\n`).join(""));

    const results: Array<{ name: string; r: Runs }> = [];

    log("crl: buildCrl() from memory");
    const hs = await benchHarness("sqlite", false);
    harnesses.push(hs);
    const issuerPem = join(dir, "issuing-sqlite.pem");
    writeFileSync(issuerPem, toPem(hs.rt.ca.bank(BANK)!.issuing.der));
    const synthOut = join(dir, "synthetic.crl");
    results.push({ name: "`buildCrl()`, entries in memory", r: await runChildren(["synthetic", hs.dataDir, BANK, synthOut, entriesFile]) });
    await checkCrl(synthOut, "DER", issuerPem, ENTRIES);

    log("crl: rebuildCrl() from SQLite");
    bulkSqlite(join(hs.dataDir, "inkan.db"), await ids(hs), entries);
    const sqliteOut = join(dir, "sqlite.crl");
    results.push({ name: "`rebuildCrl()` from SQLite", r: await runChildren(["db", hs.dataDir, BANK, sqliteOut]) });
    await checkCrl(sqliteOut, "DER", issuerPem, ENTRIES);

    log("crl: rebuildCrl() from PostgreSQL");
    const hp = await benchHarness("postgres", false);
    harnesses.push(hp);
    const schema = /[?&]schema=([a-z0-9_]+)/.exec(hp.databaseUrl)?.[1];
    if (!schema) throw new Error(`no schema in ${hp.databaseUrl}`);
    await bulkPostgres(schema, await ids(hp), entries);
    const pgIssuerPem = join(dir, "issuing-pg.pem");
    writeFileSync(pgIssuerPem, toPem(hp.rt.ca.bank(BANK)!.issuing.der));
    const pgOut = join(dir, "pg.crl");
    results.push({ name: "`rebuildCrl()` from PostgreSQL", r: await runChildren(["db", hp.dataDir, BANK, pgOut]) });
    await checkCrl(pgOut, "DER", pgIssuerPem, ENTRIES);

    log("crl: openssl ca -gencrl");
    const ref = await opensslGencrl(dir, entries);
    await checkCrl(ref.crl, "PEM", ref.ca, ENTRIES);

    const worst = (xs: number[]) => Math.max(...xs);
    const rows: Row[] = [];
    for (const { name, r } of results) {
      rows.push({ bench: "3 CRL 100k", measure: `${name}: time (s, slowest of ${RUNS})`, value: worst(r.ms) / 1000, unit: "s", reference: "`openssl ca -gencrl`, same entries, RSA-2048", refValue: worst(ref.ms) / 1000, better: "lower", goal: "≤ 1 s", met: worst(r.ms) <= 1000 });
    }
    for (const { name, r } of results) {
      const own = Math.max(...r.peakMb.map((p, i) => p - r.startMb[i]!));
      rows.push({ bench: "3 CRL 100k", measure: `${name}: peak RSS of the process (MB, highest of ${RUNS}; the build's own share at most +${fmt(own)} MB)`, value: worst(r.peakMb), unit: "MB", reference: "`openssl ca -gencrl`, peak RSS", refValue: worst(ref.peakMb), better: "lower", goal: "≤ 200 MB", met: worst(r.peakMb) <= 200 });
    }
    const details = [
      "### 3 CRL of 100,000 entries: every run",
      "",
      "| Build | Times (ms) | Peak RSS (MB) | RSS before the build (MB) | The build's own (MB) |",
      "|---|---|---|---|---|",
      ...results.map(({ name, r }) => `| ${name} | ${r.ms.map((x) => fmt(x)).join(", ")} | ${r.peakMb.map((x) => fmt(x)).join(", ")} | ${r.startMb.map((x) => fmt(x)).join(", ")} | ${r.peakMb.map((p, i) => `+${fmt(p - r.startMb[i]!)}`).join(", ")} |`),
      `| \`openssl ca -gencrl\` (whole process: start, index load, build, PEM write) | ${ref.ms.map((x) => fmt(x)).join(", ")} | ${ref.peakMb.map((x) => fmt(x)).join(", ")} | — | — |`,
      "",
      "Each Inkan build runs in a new child process that has opened the runtime (and, for `buildCrl()`, holds the entries in memory) before its peak is reset; the peak is the whole process's: Node itself, tsx's loader thread and the loaded modules come to ~130 MB before any work (as in a server started by bin/inkan.mjs). " +
        "`rebuildCrl()` includes reading the 100,000 rows, signing, and storing and re-reading the CRL. Entries: random 16-byte serials, dates over a year, reasons 0/1/3/4/5 (0 written without a reason code, as RFC 5280 asks).",
      "",
      `- Every CRL above was read back with \`openssl crl\`: signature \`verify OK\` under its issuer, and exactly ${fmt(ENTRIES)} entries.`,
    ];
    return { rows, details };
  } finally {
    for (const h of harnesses) await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSection(process.argv[2], await crlBench());
  process.exit(0);
}
