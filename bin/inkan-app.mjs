#!/usr/bin/env node
// inkan-app, the issuing app (証明書発行アプリ): loads the TypeScript sources through tsx, as bin/inkan.mjs does.
// src/app/entry.ts is the program's one entry (the wall clock, the process's streams); the
// single-file download is that same entry bundled (src/web/app-bundle.ts).
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
// the project's tsconfig (JSX for preact among others), wherever the command is run from
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../src/app/entry.ts");
