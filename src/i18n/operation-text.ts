import type { Text } from "./text.js";
import words from "./operation-text.json" with { type: "json" };

/**
 * The names of the operation groups people search the history and the audit log by (the groups'
 * actions are in audit/history.ts and lifecycle/staff-console.ts).
 */
export const OPERATION_LABELS = words.operations satisfies Record<string, Text>;

/** Operations of the bank's own people, searchable in the staff console beside the customers' ones. */
export const STAFF_OPERATION_LABELS = words.staffOperations satisfies Record<string, Text>;

/** The result of an operation in words, for the screen and the CSV. */
export const RESULT_LABELS: Record<string, Text> = words.results;

/** Who did it, when it was not a customer user (whose login ID is shown instead). */
export const HISTORY_ACTOR_LABELS = words.actors satisfies Record<string, Text>;

/** The columns of 操作履歴照会's CSV, in order (the CSV is in Japanese). */
export const HISTORY_CSV_COLUMNS = words.csvColumns satisfies Record<string, Text>;
