import { parseArgs } from "node:util";
import { resolve as resolvePath } from "node:path";
import type { Clock } from "../domain/clock.js";
import { EXIT, type ExitCode } from "./errors.js";
import { explain } from "./explain.js";
import { Messages, detectLocale } from "./messages.js";
import { Progress } from "./progress.js";
import { Secrets } from "../shared/secret-prompt.js";
import { CertStore, defaultStoreDir } from "./certificate-store.js";
import { ALLOWED, COMMON, OPTIONS, normalise, usage, type OptionName, type Values } from "./command-line.js";
import type { Ctx, Io } from "./context.js";
import { terminalAsker } from "./questions.js";
import { issue } from "./commands/issue.js";
import { list } from "./commands/list.js";
import { renew } from "./commands/renew.js";
import { exportP12 } from "./commands/export.js";
import { install } from "./commands/install.js";
import { remove } from "./commands/delete.js";
import { openWindow } from "./window/open-window.js";

/**
 * inkan-app, the issuing app (証明書発行アプリ): an EST client with a local certificate store.
 * It shares domain/, i18n/ and shared/ with the server and nothing else; it talks to the server
 * over HTTPS (EST) and HTTP (OCSP) only. This file reads the command line and runs one command
 * (commands/, one a file); bin/inkan-app.mjs hands it the process's streams and the wall clock.
 */

export type { Io } from "./context.js";

export async function main(argv: string[], io: Io, clock: Clock): Promise<ExitCode> {
  let m = new Messages(detectLocale(io.env));
  const debug = io.env.INKAN_APP_DEBUG === "1";
  let values: Values;
  let positionals: string[];
  try {
    try {
      const parsed = parseArgs({ args: normalise(argv), options: OPTIONS, allowPositionals: true, strict: true });
      values = parsed.values as Values;
      positionals = parsed.positionals;
    } catch (e) {
      throw usage("usage_bad_option", { detail: (e as Error).message });
    }
    if (values.lang !== undefined && values.lang !== "ja" && values.lang !== "en") throw usage("usage_bad_value", { option: "--lang", value: values.lang, expected: "ja | en" });
    m = new Messages(detectLocale(io.env, values.lang));
    // no command: the window, as a clerk starts the app (double-click, or the portal's download)
    const command = positionals.shift() ?? (values.help ? "help" : "gui");
    if (values.help || command === "help") {
      io.stdout.write(m.t("usage") + "\n");
      return EXIT.ok;
    }
    const allowed = ALLOWED[command];
    if (!allowed) throw usage("usage_unknown_command", { command });
    for (const k of Object.keys(values) as OptionName[]) {
      if (!COMMON.includes(k) && !allowed.includes(k)) throw usage("usage_bad_option", { detail: `--${k} (${command})` });
    }
    const maxPositionals = command === "renew" || command === "export" || command === "delete" ? 1 : 0;
    if (positionals.length > maxPositionals) throw usage("usage_bad_option", { detail: positionals.slice(maxPositionals).join(" ") });
    let timeoutMs = 60_000;
    const timeout = values.timeout ?? io.env.INKAN_APP_TIMEOUT;
    if (timeout !== undefined) {
      const n = Number(timeout);
      if (!Number.isFinite(n) || n <= 0 || n > 3600) throw usage("usage_bad_value", { option: "--timeout", value: timeout, expected: "1–3600" });
      timeoutMs = n * 1000;
    }
    // Ctrl-C: say so, and that running the command again continues (the lock is released on exit)
    const messages = m;
    process.once("SIGINT", () => {
      io.stderr.write(`\n${messages.t("label_error")}: ${messages.t("err_interrupted")}\n${messages.t("label_todo")}: ${messages.t("hint_interrupted")}\n`);
      process.exit(EXIT.interrupted);
    });
    const ctx: Ctx = {
      m,
      io,
      clock,
      progress: new Progress(io.stderr, m.t("p_done"), clock),
      ask: terminalAsker(new Secrets(io.stdin, io.stderr), m),
      // the passphrase once checked: a command that both issues and installs asks it once
      session: {},
      store: new CertStore(resolvePath(values.store ?? defaultStoreDir(io.env)), clock),
      json: values.json ?? false,
      timeoutMs,
      caFileOverride: values["ca-file"] ?? io.env.INKAN_APP_CA_FILE,
    };
    try {
      switch (command) {
        case "issue":
          await issue(ctx, values);
          break;
        case "list":
          await list(ctx, values);
          break;
        case "renew":
          await renew(ctx, positionals[0] ?? values.cert, values.install ?? false);
          break;
        case "export":
          await exportP12(ctx, values, positionals[0] ?? values.cert);
          break;
        case "install":
          await install(ctx, values);
          break;
        case "delete":
          await remove(ctx, values, positionals[0] ?? values.cert);
          break;
        case "gui":
          await openWindow(ctx, values);
          break;
      }
    } finally {
      ctx.store.unlock();
    }
    return EXIT.ok;
  } catch (e) {
    return report(m, io, e, debug);
  }
}

function report(m: Messages, io: Io, e: unknown, debug: boolean): ExitCode {
  const x = explain(m, e);
  const lines = [`${m.t("label_error")}: ${x.what}`];
  if (x.todo) lines.push(`${m.t("label_todo")}: ${x.todo}`);
  if (x.code) lines.push(`(${m.t("label_code")}: ${x.code})`);
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  io.stderr.write(lines.join("\n") + "\n");
  return x.exit;
}
