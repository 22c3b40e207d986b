// Runs every *.test.ts under src/ and test/ with Node's own test runner (tsx loads TypeScript).
// Node 20's --test takes no globs, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { missingNeeds, packagesOf } from "./system-needs.mjs";

// A program the tests drive that is missing is named at once, with the command that installs it,
// instead of failing a test twenty minutes in.
const missing = missingNeeds("test");
if (missing.length) {
  console.error(`npm test: missing ${missing.map(([cmd]) => cmd).join(", ")}.\nInstall with: apt-get install -y ${packagesOf(missing).join(" ")}   (or run .ci/run, which installs them)`);
  process.exit(1);
}

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}
const only = process.argv.slice(2);
const files = only.length ? only : [...find("src"), ...find("test")].sort();
// TAP as before, then every failure again at the end with its whole error (failure-summary.mjs)
const reporters = ["--test-reporter=tap", "--test-reporter-destination=stdout", "--test-reporter=./scripts/failure-summary.mjs", "--test-reporter-destination=stdout"];
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...reporters, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
