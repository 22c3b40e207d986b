#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx so that `npm start` needs no build step.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
await main(process.argv.slice(2));
