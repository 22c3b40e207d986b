/**
 * `npm run bench`: the benchmarks of issues 2, 3, 6 and 12, each figure beside a reference measured in this same
 * run (so a slower or busier machine moves both sides). Each section runs in its own process;
 * the results go to stdout and to bench/results/latest.md as one Markdown document (a run of some
 * sections only, to latest-<names>.md, so the whole run's file stays whole).
 *
 * Needs, on 127.0.0.1 only: PostgreSQL (TEST_DATABASE_URL, else postgres@127.0.0.1:5432/test),
 * and the Debian programs openssl, cfssl (golang-cfssl), nginx (nginx-light), GNU time (time).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { PG_URL } from "../test/support/harness.js";
import { fmt, type Row, type SectionResult } from "./support.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const SECTIONS = [
  { file: "issuance.ts", title: "1 Issuance" },
  { file: "ocsp.ts", title: "2 OCSP" },
  { file: "crl.ts", title: "3 CRL" },
  { file: "mtls-login.ts", title: "4 mTLS login" },
  { file: "notices.ts", title: "5 Notices" },
  { file: "drill.ts", title: "6 Compromise drill" },
];

/** `npm run bench -- drill ocsp`: only the sections named (by file name without .ts); none named, all. */
function selected(names: string[]): typeof SECTIONS {
  if (names.length === 0) return SECTIONS;
  const known = SECTIONS.map((s) => s.file.replace(/\.ts$/, ""));
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`unknown section ${unknown.join(", ")}: choose from ${known.join(", ")}`);
  return SECTIONS.filter((s) => names.includes(s.file.replace(/\.ts$/, "")));
}

/**
 * The drill's size: 100,000 certificates when it is asked for by name (`npm run bench -- drill`),
 * 10,000 in the whole run, whose seeding would otherwise take minutes longer than every other
 * section together; BENCH_DRILL_CERTS decides either way.
 */
function sectionEnv(whole: boolean): NodeJS.ProcessEnv {
  return { ...process.env, BENCH_DRILL_CERTS: process.env.BENCH_DRILL_CERTS ?? (whole ? "10000" : "100000") };
}

function runSection(file: string, out: string, env: NodeJS.ProcessEnv): Promise<SectionResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(here, file), out], { stdio: ["ignore", "inherit", "inherit"], env });
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`bench/${file} failed (exit ${code})`));
      resolve(JSON.parse(readFileSync(out, "utf8")) as SectionResult);
    });
  });
}

function toolVersion(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return ((r.stdout || "") + (r.stderr || "")).split("\n").find((l) => l.trim())?.trim() ?? "missing";
}

async function postgresVersion(): Promise<string> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return String((await c.query("SHOW server_version")).rows[0].server_version);
  } finally {
    await c.end();
  }
}

function value(r: Row): string {
  if (r.unit === "/s") return `${fmt(r.value)} /s`;
  if (r.unit === "s") return `${fmt(r.value, 2)} s`;
  if (r.unit === "µs") return `${fmt(r.value, 1)} µs`;
  return `${fmt(r.value)} ${r.unit}`;
}

function refValue(r: Row): string {
  return value({ ...r, value: r.refValue });
}

/** Inkan ÷ reference, as a percentage where the goal is one, with a note of which way is better. */
function ratioText(r: Row): string {
  const q = r.value / r.refValue;
  const text = r.unit === "/s" ? `${fmt(q * 100, 1)} %` : `${fmt(q, 2)}×`;
  return r.better === "lower" ? `${text} (lower is better)` : text;
}

async function main() {
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), "inkan-bench-"));
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", cwd: here }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain", "--", ":/src"], { encoding: "utf8", cwd: here }).stdout.trim() !== "";
  const loadBefore = loadavg();
  const results: SectionResult[] = [];
  const names = process.argv.slice(2);
  const sections = selected(names);
  const took: string[] = [];
  try {
    for (const s of sections) {
      process.stderr.write(`[bench] === ${s.title} ===\n`);
      const t0 = Date.now();
      results.push(await runSection(s.file, join(tmp, `${s.file}.json`), sectionEnv(names.length === 0)));
      took.push(`${s.title} ${fmt((Date.now() - t0) / 1000)} s`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  const rows = results.flatMap((r) => r.rows);
  const lines = [
    "# Inkan benchmarks (issues 2, 3, 6 and 12)",
    "",
    `Run ${new Date(started).toISOString()} on commit ${commit}${dirty ? " with uncommitted changes under src/" : ""}; ` +
      `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}; Node ${process.version}; PostgreSQL ${await postgresVersion()}; ` +
      `${toolVersion("openssl", ["version"])}; cfssl ${toolVersion("cfssl", ["version"]).replace(/^Version:\s*/, "")}; ${toolVersion("nginx", ["-v"]).replace(/^nginx version:\s*/, "")}. ` +
      `Load average before/after: ${loadBefore.map((x) => x.toFixed(2)).join(" ")} / ${loadAfter.map((x) => x.toFixed(2)).join(" ")}. ` +
      `Whole run${names.length ? ` (sections ${sections.map((x) => x.title).join(", ")} only)` : ""}: ${fmt((Date.now() - started) / 1000)} s (${took.join(", ")}).`,
    "",
    "Every reference was measured in this same run, interleaved with the Inkan figure where the two could be, so that the ratio holds even when the machine is busy.",
    "",
    "| Benchmark | Inkan figure | Value | Reference, same run | Reference value | Inkan ÷ reference | Goal | Met |",
    "|---|---|---:|---|---:|---:|---|---|",
    ...rows.map((r) => `| ${r.bench} | ${r.measure} | ${value(r)} | ${r.reference} | ${refValue(r)} | ${ratioText(r)} | ${r.goal} | ${r.met === null ? "—" : r.met ? "yes" : "**no**"} |`),
    "",
    ...results.flatMap((r) => [...r.details, ""]),
  ];
  const md = lines.join("\n");
  const dir = join(here, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, names.length ? `latest-${names.join("-")}.md` : "latest.md"), md);
  process.stdout.write(md);
}

await main();
