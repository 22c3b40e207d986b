// The issuing app as a program: the one place that reads the wall clock and the process's streams.
// bin/inkan-app.mjs runs it from the source tree (tsx); the single-file download is this file bundled.
import { systemClock } from "../domain/clock.js";
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }, systemClock);
