import type { TextTable } from "./text.js";
import table from "./common-text.json" with { type: "json" };

/** Words every screen's frame uses, on the customer side and the staff side alike (the words: common-text.json). */
export const COMMON = table satisfies TextTable;
