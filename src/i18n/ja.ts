import { messageTable, type MessageTable } from "./messages.js";
import words from "./ja.json" with { type: "json" };

/** Japanese, the first language of every screen and answer. The words: ja.json. */
export const ja: MessageTable = messageTable("ja", words);
