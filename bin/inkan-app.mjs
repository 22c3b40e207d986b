#!/usr/bin/env node
// inkan-app, the issuing app (証明書発行アプリ): loads the TypeScript sources through tsx, as bin/inkan.mjs does.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
// the project's tsconfig (JSX for preact among others), wherever the command is run from
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../src/app/main.ts");
process.exitCode = await main(process.argv.slice(2));
