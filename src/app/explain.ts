import { AppError, EXIT, ServerRefusal, type ExitCode } from "./errors.js";
import type { MessageKey, Messages } from "./messages.js";
import { hintParams } from "./context.js";
import { NoSecretLeft } from "../shared/secret-prompt.js";

/** A failure as the person reads it: what happened, what to do, the server's error code. */
export interface Explained {
  what: string;
  todo?: string;
  /** for a server refusal: its error code (and cause) */
  code?: string;
  exit: ExitCode;
}

/**
 * The one reading of every failure, for the terminal and the window alike. `hint` may word a "what
 * to do" for its surface (the window names buttons where the terminal names commands).
 */
export function explain(m: Messages, e: unknown, hint: (key: MessageKey) => string | undefined = () => undefined): Explained {
  if (e instanceof NoSecretLeft) e = new AppError("err_no_secret", { what: e.what }, EXIT.usage, "hint_no_secret");
  if (e instanceof AppError) {
    return { what: m.t(e.key, e.params), todo: e.hint && (hint(e.hint) ?? m.t(e.hint, { ...e.params, ...e.hintParams })), exit: e.exit };
  }
  if (e instanceof ServerRefusal) {
    return { what: e.message2[m.locale], todo: e.hint && (hint(e.hint) ?? m.t(e.hint, hintParams.current)), code: `${e.code}${e.cause2 ? `/${e.cause2}` : ""}`, exit: e.exit };
  }
  return { what: m.t("err_unexpected", { detail: (e as Error)?.message ?? String(e) }), todo: m.t("hint_unexpected"), exit: EXIT.unexpected };
}
