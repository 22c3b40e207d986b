import { test } from "node:test";
import assert from "node:assert/strict";
import { sortUsers, USER_SORT_KEYS, type SortableUser } from "./user-order.js";

const d = (day: number) => new Date(Date.UTC(2027, 0, day));
const rows: SortableUser[] = [
  { loginId: "sachikodt", name: "データ幸子", role: "general", status: "issued", expiry: d(11) },
  { loginId: "hanakodt", name: "データ花子", role: "admin", status: "issued", expiry: d(1) },
  { loginId: "jirodt", name: "データ二郎", role: "general", status: "not_issued" },
  { loginId: "saburodt", name: "データ三郎", role: "master", status: "revoked" },
  { loginId: "ichirodt", name: "データ一郎", role: "general", status: "expired", expiry: d(5) },
];
const ids = (key: (typeof USER_SORT_KEYS)[number], direction: "asc" | "desc" = "asc") => sortUsers(rows, { key, direction }, (r) => r).map((r) => r.loginId);

test("利用者一覧's 並び順: each of the seeds' columns, ascending and descending", () => {
  assert.deepEqual(ids("loginId"), ["hanakodt", "ichirodt", "jirodt", "saburodt", "sachikodt"]);
  assert.deepEqual(ids("loginId", "desc"), ["sachikodt", "saburodt", "jirodt", "ichirodt", "hanakodt"]);
  assert.deepEqual(ids("role"), ["saburodt", "hanakodt", "ichirodt", "jirodt", "sachikodt"], "master, admin, then general by login ID");
  assert.deepEqual(ids("role", "desc"), ["ichirodt", "jirodt", "sachikodt", "hanakodt", "saburodt"], "ties stay in login-ID order");
  assert.deepEqual(ids("status"), ["jirodt", "hanakodt", "sachikodt", "ichirodt", "saburodt"]);
  assert.deepEqual(ids("expiry"), ["hanakodt", "ichirodt", "sachikodt", "jirodt", "saburodt"]);
  assert.deepEqual(ids("expiry", "desc"), ["sachikodt", "ichirodt", "hanakodt", "jirodt", "saburodt"], "no expiry stays last");
  assert.deepEqual(ids("name", "desc"), [...ids("name")].reverse());
  // names in the Japanese collation: kana order, full- and half-width alike
  const kana: SortableUser[] = [
    { loginId: "u3", name: "サトウ ハナコ", role: "general", status: "issued" },
    { loginId: "u1", name: "ｲﾄｳ ｼﾞﾛｳ", role: "general", status: "issued" },
    { loginId: "u2", name: "アベ タロウ", role: "general", status: "issued" },
  ];
  assert.deepEqual(sortUsers(kana, { key: "name", direction: "asc" }, (r) => r).map((r) => r.name), ["アベ タロウ", "ｲﾄｳ ｼﾞﾛｳ", "サトウ ハナコ"]);
});
