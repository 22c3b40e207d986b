import { messageTable, type MessageTable } from "./messages.js";
import words from "./en.json" with { type: "json" };

/** English, the second language of every screen and answer. The words: en.json. */
export const en: MessageTable = messageTable("en", words);
