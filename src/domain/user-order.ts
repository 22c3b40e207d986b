import type { DisplayStatus } from "./certificate.js";
import { USER_ROLES, type UserRole } from "./roles.js";

/** 利用者一覧's 並び順, as the seeds' list has its columns: ログインID, 利用者名, 利用者区分, 証明書状態, 証明書有効期限. */
export const USER_SORT_KEYS = ["loginId", "name", "role", "status", "expiry"] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";
export const SORT_DIRECTIONS: readonly SortDirection[] = ["asc", "desc"];

export interface UserOrder {
  key: UserSortKey;
  direction: SortDirection;
}

/** The list as it is first shown: by login ID, ascending. */
export const DEFAULT_USER_ORDER: UserOrder = { key: "loginId", direction: "asc" };

/** What a row is sorted by. */
export interface SortableUser {
  loginId: string;
  name: string;
  role: UserRole;
  status: DisplayStatus;
  /** the current certificate's end; none for 未発行 and the like */
  expiry?: Date;
}

// the order people read these in: the seeds list the roles master → admin → general, and the
// statuses from a certificate's first day to its last
const STATUS_ORDER: readonly DisplayStatus[] = ["not_issued", "issued", "renewable", "expired", "revoked"];
const names = new Intl.Collator("ja");

function compareBy(key: UserSortKey, a: SortableUser, b: SortableUser): number {
  switch (key) {
    case "loginId":
      return a.loginId < b.loginId ? -1 : a.loginId > b.loginId ? 1 : 0;
    case "name":
      return names.compare(a.name, b.name);
    case "role":
      return USER_ROLES.indexOf(a.role) - USER_ROLES.indexOf(b.role);
    case "status":
      return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
    case "expiry":
      return (a.expiry?.getTime() ?? 0) - (b.expiry?.getTime() ?? 0);
  }
}

/**
 * Sorts by the chosen column and direction. Rows without an expiry ("-") stay at the end either way,
 * and equal rows keep login-ID order, so a 再表示 never shuffles the list.
 */
export function sortUsers<T>(rows: readonly T[], order: UserOrder, facts: (row: T) => SortableUser): T[] {
  const sign = order.direction === "desc" ? -1 : 1;
  return [...rows].sort((x, y) => {
    const a = facts(x);
    const b = facts(y);
    if (order.key === "expiry" && !a.expiry !== !b.expiry) return a.expiry ? -1 : 1;
    return sign * compareBy(order.key, a, b) || compareBy("loginId", a, b);
  });
}
