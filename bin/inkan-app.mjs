#!/usr/bin/env node
// inkan-app, the issuing app (証明書発行アプリ): loads the TypeScript sources through tsx, as bin/inkan.mjs does.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/app/main.ts");
process.exitCode = await main(process.argv.slice(2));
