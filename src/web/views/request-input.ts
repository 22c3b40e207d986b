import { z } from "zod";
import { DEFAULT_USER_ORDER, SORT_DIRECTIONS, USER_SORT_KEYS, type SortDirection, type UserSortKey } from "../../domain/user-order.js";

/**
 * Request input, read one way on every surface (the portal, the JSON API, the staff console): a
 * field is a string cut to its size, and anything else (absent, a number, an array) reads as empty,
 * so no handler sees a type it did not ask for and no input makes a 500.
 */
export const text = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === "string" ? v.slice(0, max) : ""))
    .catch("");

/** A field that may be left out: undefined unless it is a string (then cut to `max`). */
export const optionalText = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === "string" ? v.slice(0, max) : undefined))
    .catch(undefined);

/** A field that reads as undefined when it is empty (a filter not chosen). */
export const filterText = (max: number) => text(max).transform((s) => s || undefined);

type Fields = Record<string, unknown> | undefined;

/** One bounded text field of a form body or a query string. */
export function fieldOf(source: Fields | unknown, key: string, max = 200): string {
  const record = source && typeof source === "object" ? (source as Record<string, unknown>) : undefined;
  return text(max).parse(record?.[key]);
}

/** Reads a body or query with a schema of text fields; never throws for a missing or odd field. */
export function parseFields<S extends z.ZodRawShape>(shape: S, source: unknown): z.output<z.ZodObject<S>> {
  const record = source && typeof source === "object" ? source : {};
  return z.object(shape).parse(record);
}

/**
 * 操作履歴照会's filter as the query string carries it (the portal's screen and the API alike): the
 * day range (YYYY-MM-DD, the bank's local days; lifecycle/ checks the format, so a day is bounded
 * but never cut into a valid one) and the other filters, each undefined when not chosen.
 */
export const HISTORY_QUERY = { from: filterText(40), to: filterText(40), user: filterText(40), operation: filterText(40) };

/** 証明書更新選択's choice: 「更新する」 unless 「次回ログイン時に更新する。」 was chosen. */
export const RENEWAL_CHOICE = { choice: z.enum(["renew", "later"]).catch("renew") };

/** 利用者一覧's 並び順 and 昇順・降順 as the query string carries them; anything else reads as the first order (login ID, ascending). */
export const USER_LIST_QUERY = {
  sort: z.enum(USER_SORT_KEYS as unknown as [UserSortKey, ...UserSortKey[]]).catch(DEFAULT_USER_ORDER.key),
  order: z.enum(SORT_DIRECTIONS as unknown as [SortDirection, ...SortDirection[]]).catch(DEFAULT_USER_ORDER.direction),
};

/** A path of ours to come back to (after switching language): never another site. */
export function safeBack(back: unknown): string {
  return typeof back === "string" && /^\/(?![/\\])[\x21-\x7e]*$/.test(back) ? back : "/";
}
