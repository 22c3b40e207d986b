import { AppError, EXIT } from "./errors.js";
import type { MessageKey, Params } from "./messages.js";

/** The options of inkan-app and which command takes which. */
export const OPTIONS = {
  store: { type: "string" },
  "ca-file": { type: "string" },
  timeout: { type: "string" },
  lang: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  server: { type: "string" },
  bank: { type: "string" },
  "login-id": { type: "string" },
  key: { type: "string" },
  "renewal-window": { type: "string" },
  offline: { type: "boolean" },
  p12: { type: "string" },
  legacy: { type: "boolean" },
  force: { type: "boolean" },
  yes: { type: "boolean" },
  nss: { type: "boolean" },
  "nss-dir": { type: "string" },
  cert: { type: "string" },
} as const;
export type OptionName = keyof typeof OPTIONS;

export const COMMON: OptionName[] = ["store", "ca-file", "timeout", "lang", "json", "help"];
export const ALLOWED: Record<string, OptionName[]> = {
  issue: ["server", "bank", "login-id", "key", "renewal-window"],
  list: ["offline"],
  renew: ["cert"],
  export: ["p12", "legacy", "force", "cert", "yes"],
  install: ["nss", "nss-dir", "cert"],
  delete: ["force", "cert", "offline"],
};

export type Values = { [K in OptionName]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

export function usage(detailKey: MessageKey, params: Params = {}): AppError {
  return new AppError(detailKey, params, EXIT.usage, "usage_hint");
}

/** `install --nss DIR` and `--nss=DIR`: the directory rides on --nss-dir inside. */
export function normalise(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--nss=")) out.push("--nss", "--nss-dir", a.slice("--nss=".length));
    else if (a === "--nss" && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) out.push("--nss", "--nss-dir", argv[++i]!);
    else out.push(a);
  }
  return out;
}
