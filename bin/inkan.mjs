#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx so that `npm start` needs no build step.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
// the project's tsconfig (JSX for preact among others), wherever the command is run from
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
