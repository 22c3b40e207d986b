import type { TextTable } from "./text.js";
import words from "./app-window-text.json" with { type: "json" };

/**
 * Every word of the issuing app's window (src/app/window/), Japanese first (the seeds' 証明書発行アプリ),
 * English second. Here and not in the app because the reminder mail names the window's buttons too.
 * The `hint_*` entries say the app's "what to do" (src/app/messages.ts) for a window instead of a
 * command line: same advice, with buttons where the command line names commands and options.
 */
export const W = words satisfies TextTable;

export type WindowTextKey = keyof typeof W;
