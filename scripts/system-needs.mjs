// The system programs the tests and the benchmarks drive, each with the Debian package that brings
// it: one list for `npm test`'s check (scripts/test.mjs) and for what .ci/run installs.
// Run as a program, it prints the packages a fresh machine lacks, one a line.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** [what is looked for, its Debian package, who needs it] */
const NEEDS = [
  ["openssl", "openssl", "test"],
  ["curl", "curl", "test"],
  ["certutil", "libnss3-tools", "test"],
  ["vfychain", "libnss3-tools", "test"],
  ["softhsm2-util", "softhsm2", "test"],
  ["pkcs11-tool", "opensc", "test"],
  ["nginx", "nginx-light", "test"],
  ["chromium", "chromium", "test"],
  ["testssl", "testssl.sh", "test"],
  ["faketime", "faketime", "test"],
  ["cfssl", "golang-cfssl", "bench"],
  ["wrk", "wrk", "bench"],
];
// Japanese glyphs for the pages' screenshots: a font, not a program
const CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

const onPath = (cmd) => [...(process.env.PATH ?? "").split(":"), "/usr/sbin"].some((d) => d && existsSync(join(d, cmd)));

/** What is missing for `who` ("test", or every use when not given): [what, package] pairs. */
export function missingNeeds(who) {
  const out = NEEDS.filter(([cmd, , use]) => (!who || use === who) && !onPath(cmd)).map(([cmd, pkg]) => [cmd, pkg]);
  if (!existsSync(CJK_FONT)) out.push(["Noto CJK fonts", "fonts-noto-cjk"]);
  return out;
}

export const packagesOf = (missing) => [...new Set(missing.map(([, pkg]) => pkg))];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const pkg of packagesOf(missingNeeds())) console.log(pkg);
}
