// A second reporter for node:test: after the TAP stream, every failure again with its file and
// the whole error (a before hook's cause included). A CI log is read from its end, and TAP puts a
// suite's hook error in the middle of hundreds of lines, where it was lost once (stop 14).
import { inspect } from "node:util";

function describeError(error) {
  // node wraps hook and test errors in ERR_TEST_FAILURE; the cause is what the test threw
  const cause = error?.cause ?? error;
  const text = cause instanceof Error ? (cause.stack ?? String(cause)) : inspect(cause, { depth: 4 });
  return text.split("\n").slice(0, 25).join("\n");
}

export default async function* failureSummary(source) {
  const failures = [];
  for await (const event of source) {
    if (event.type !== "test:fail") continue;
    const { name, file, details, nesting } = event.data;
    const kind = details?.error?.failureType;
    // a test cancelled because its suite failed says nothing new: its suite's entry says why
    if (kind === "cancelledByParent") continue;
    failures.push({ name, file, nesting, kind, error: describeError(details?.error) });
  }
  if (failures.length === 0) return;
  yield `\n# ---- ${failures.length} failure(s), each with its error ----\n`;
  for (const f of failures) {
    yield `\n# FAILED: ${f.name}\n#   file: ${f.file ?? "?"}  (${f.kind ?? "failure"})\n`;
    yield f.error.split("\n").map((l) => `#   ${l}`).join("\n") + "\n";
  }
}
