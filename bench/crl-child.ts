/**
 * Runs one CRL build in a fresh process, so that the peak memory read from /proc/self/status
 * (VmHWM) is the build's and not the benchmark driver's or an earlier build's. The peak is reset
 * just before the build (writing 5 to /proc/self/clear_refs), after a full garbage collection.
 *
 *   node --expose-gc --import tsx bench/crl-child.ts synthetic <dataDir> <bank> <out.der> <entries.tsv>
 *   node --expose-gc --import tsx bench/crl-child.ts db <dataDir> <bank> <out.der> [issuing CA record number]
 * (db: every live generation's CRL is rebuilt, as `inkan ca crl` does; the one written is the active
 * generation's, or the given one's.)
 * Prints one JSON line: build time, peak, and the resident size the build started from.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadConfig } from "../src/config/load.js";
import { makeLogger, openRuntime } from "../src/cli/runtime.js";
import { buildCrl } from "../src/ca/crl-builder.js";
import type { RevokedEntry } from "../src/store/store.js";

export interface CrlChildResult {
  ms: number;
  peakMb: number;
  startMb: number;
}

/** The entries file the driver wrote: one "serial<TAB>revokedAt ms<TAB>reason" a line. */
export function readEntries(file: string): RevokedEntry[] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [serial, at, reason] = line.split("\t");
      return { serial: serial!, revokedAt: new Date(Number(at)), reason: Number(reason) };
    });
}

function memMb(field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"));
  return Number(m?.[1] ?? NaN) / 1024;
}

function resetPeak(): number {
  (globalThis as { gc?: () => void }).gc?.();
  writeFileSync("/proc/self/clear_refs", "5");
  return memMb("VmRSS");
}

async function main() {
  const [mode, dataDir, bank, out, extra] = process.argv.slice(2);
  const entriesFile = mode === "synthetic" ? extra : undefined;
  if (!mode || !dataDir || !bank || !out || (mode === "synthetic" && !entriesFile)) throw new Error("usage: see the head of crl-child.ts");
  // the environment must not point this process at another database than the harness's
  const rt = await openRuntime(loadConfig(dataDir, {}), { log: makeLogger("silent") });
  const ca = rt.ca.bank(bank);
  if (!ca) throw new Error(`no bank ${bank}`);
  const entries = mode === "synthetic" ? readEntries(entriesFile!) : [];
  const startMb = resetPeak();
  const t0 = performance.now();
  let der: Uint8Array;
  if (mode === "synthetic") {
    const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000);
    der = await buildCrl({ issuerCertDer: ca.issuing.der, signer: ca.issuing.signer, number: 1000, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 7 * 86_400_000), entries });
  } else {
    await rt.ca.rebuildCrl(bank);
    der = rt.ca.crl(bank, extra ? Number(extra) : ca.issuing.id)!.der;
  }
  const result: CrlChildResult = { ms: performance.now() - t0, peakMb: memMb("VmHWM"), startMb };
  writeFileSync(out, der);
  await rt.close();
  process.stdout.write(JSON.stringify(result) + "\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  process.exit(0);
}
