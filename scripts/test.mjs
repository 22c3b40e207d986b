// Runs every *.test.ts under src/ and test/ with Node's own test runner (tsx loads TypeScript).
// Node 20's --test takes no globs, so the files are listed here.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

// The system programs the tests drive, each with the Debian package that brings it: when one is
// missing the run says so at once, with the command that installs it, instead of failing a test
// twenty minutes in. (.ci/run installs the same list.)
const NEEDS = [
  ["openssl", "openssl"],
  ["curl", "curl"],
  ["certutil", "libnss3-tools"],
  ["vfychain", "libnss3-tools"],
  ["softhsm2-util", "softhsm2"],
  ["pkcs11-tool", "opensc"],
  ["nginx", "nginx-light"],
  ["chromium", "chromium"],
  ["testssl", "testssl.sh"],
  ["faketime", "faketime"],
];
const onPath = (cmd) => (process.env.PATH ?? "").split(":").some((d) => d && existsSync(join(d, cmd))) || existsSync(join("/usr/sbin", cmd));
const missing = NEEDS.filter(([cmd]) => !onPath(cmd));
// Japanese glyphs for the pages' screenshots: a font, not a program
if (!existsSync("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")) missing.push(["Noto CJK fonts", "fonts-noto-cjk"]);
if (missing.length) {
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  console.error(`npm test: missing ${missing.map(([cmd]) => cmd).join(", ")}.\nInstall with: apt-get install -y ${pkgs.join(" ")}   (or run .ci/run, which installs them)`);
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
