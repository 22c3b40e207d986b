import type { Secrets } from "../shared/secret-prompt.js";
import type { MessageKey, Messages, Params } from "./messages.js";

/**
 * What a command asks the person for. The commands name the question; each surface answers it its
 * own way: the terminal (or standard input) with the prompts below, the window with a screen.
 */
export type Question = "passphrase" | "new_passphrase" | "passphrase_again" | "password" | "otp" | "p12_password" | "p12_again" | "export_confirm";

export interface Asker {
  /** a person is there to type twice or to confirm (a terminal, the window); false: a script's lines */
  readonly interactive: boolean;
  ask(q: Question, params?: Params): Promise<string>;
}

/** The prompt and, for a script whose standard input ran out, the name of what was missing. */
const PROMPTS: Record<Question, { prompt: MessageKey; what: MessageKey | "yes" }> = {
  passphrase: { prompt: "ask_passphrase", what: "what_passphrase" },
  new_passphrase: { prompt: "ask_new_passphrase", what: "what_passphrase" },
  passphrase_again: { prompt: "ask_again", what: "what_passphrase" },
  password: { prompt: "ask_password", what: "what_password" },
  otp: { prompt: "ask_otp", what: "what_otp" },
  p12_password: { prompt: "ask_p12_password", what: "what_p12_password" },
  p12_again: { prompt: "ask_again", what: "what_p12_password" },
  export_confirm: { prompt: "ask_export_confirm", what: "yes" },
};

/** The command line's answers: typed without echo on a terminal, else the next line of standard input. */
export function terminalAsker(secrets: Secrets, m: Messages): Asker {
  return {
    get interactive() {
      return secrets.interactive;
    },
    ask(q, params = {}) {
      const { prompt, what } = PROMPTS[q];
      return secrets.ask(m.t(prompt, params), what === "yes" ? what : m.t(what));
    },
  };
}
