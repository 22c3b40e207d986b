import { AppError, EXIT } from "./errors.js";
import type { MessageKey, Params } from "./messages.js";
import { argumentOptions } from "../shared/argument-options.js";

/** The options of inkan-app and which command takes which. */
export const OPTIONS = argumentOptions({
  strings: ["store", "ca-file", "timeout", "lang", "server", "bank", "login-id", "key", "renewal-window", "p12", "nss-dir", "cert"] as const,
  booleans: ["json", "help", "offline", "legacy", "force", "yes", "nss", "install", "no-browser"] as const,
  short: { help: "h" },
});
export type OptionName = keyof typeof OPTIONS;

export const COMMON: OptionName[] = ["store", "ca-file", "timeout", "lang", "json", "help"];
export const ALLOWED: Record<string, OptionName[]> = {
  gui: ["server", "bank", "no-browser"],
  issue: ["server", "bank", "login-id", "key", "renewal-window", "install"],
  list: ["offline"],
  renew: ["cert", "install"],
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
