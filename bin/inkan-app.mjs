#!/usr/bin/env node
// inkan-app, the issuing app (証明書発行アプリ): loads the TypeScript sources through tsx, as bin/inkan.mjs does.
// The one place that reads the wall clock and the process's streams: everything below is handed them.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
// the project's tsconfig (JSX for preact among others), wherever the command is run from
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../src/app/main.ts");
const { systemClock } = await import("../src/domain/clock.ts");
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
process.exitCode = await main(process.argv.slice(2), io, systemClock);
