import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration, subtractDuration } from "../domain/duration.js";
import { formatJaDateTime, formatLocalDateTime, localParts } from "../domain/time-zone.js";
import type { Store, UserRecord } from "../store/store.js";
import type { BankPolicy } from "../domain/policy.js";
import type { Clock } from "../domain/clock.js";
import { decide, historyScope, type Actor } from "../domain/rights.js";
import { HISTORY_ACTOR_LABELS, HISTORY_CSV_COLUMNS, OPERATION_LABELS, RESULT_LABELS } from "../i18n/operation-text.js";
import type { Text } from "../i18n/text.js";

/** The audited actions each operation group people search by stands for. */
const OPERATION_ACTIONS: Record<keyof typeof OPERATION_LABELS, string[]> = {
  login: ["login", "login.authenticate", "logout"],
  acquire: ["certificate.acquire", "certificate.acquire.authenticate", "certificate.sign_requested", "certificate.issued"],
  renew: ["certificate.renew"],
  activate: ["certificate.activate"],
  revoke: ["certificate.revoke"],
  reset: ["certificate.reset"],
  suspend: ["user.suspend", "user.resume", "user.unlock"],
  password: ["user.password_change", "user.otp_enrol.start", "user.otp_enrol"],
  contract: ["contract.add", "contract.login_method"],
  users: ["user.add", "user.change", "user.change_self", "user.delete", "user.password_reset", "user.password_reissue", "user.otp_reset", "user.otp_register"],
};

export type OperationGroups = Record<string, Text & { actions: string[] }>;

/** A group's name (i18n/) beside its actions, for the screens' operation filters. */
export function operationGroups<K extends string>(labels: Record<K, Text>, actions: Record<K, string[]>): OperationGroups {
  return Object.fromEntries(Object.entries<Text>(labels).map(([k, l]) => [k, { ...l, actions: actions[k as K] }]));
}

/** The operations people search by, with the names the screens use. */
export const OPERATIONS = operationGroups(OPERATION_LABELS, OPERATION_ACTIONS);

export { RESULT_LABELS };

function operationOf(action: string): Text {
  for (const o of Object.values(OPERATIONS)) if (o.actions.includes(action)) return { ja: o.ja, en: o.en };
  return { ja: action, en: action };
}

const bilingualLabel = (t: Text) => `${t.ja} / ${t.en}`;

export interface HistoryQuery {
  from?: string;
  to?: string;
  user?: string;
  operation?: string;
}

export interface HistoryEntry {
  /** 2026-11-22 17:53:19 +09:00 (the CSV's and English screens' form) */
  at: string;
  /** 2026年11月22日 17時53分19秒 (the Japanese screens' form) */
  atJa: string;
  actor: string;
  operation: { ja: string; en: string };
  action: string;
  target: string | null;
  result: string;
  address: string | null;
  certSerial: string | null;
}

export interface ContractHistoryParams {
  store: Store;
  clock: Clock;
  policy: BankPolicy;
  offsetMinutes: number;
  /** the user asking, and the same user as the rights table knows them */
  viewer: UserRecord;
  actor: Actor;
  query: HistoryQuery;
}

/**
 * 操作履歴照会: today and the policy's online period (P100D) back, within the viewer's contract and
 * as far as the rights table's history scope reaches (the master: the whole contract; everyone
 * else: what concerns themselves). Dates are the bank's local days.
 */
export async function contractHistory(p: ContractHistoryParams): Promise<HistoryEntry[]> {
  const { store, clock, policy, offsetMinutes, viewer, actor, query: q } = p;
  const now = clock.now();
  const t = localParts(now, offsetMinutes);
  const todayStart = new Date(Date.UTC(t.year, t.month - 1, t.day) - offsetMinutes * 60_000);
  const earliest = subtractDuration(todayStart, parseDuration(policy.historyOnline));
  const day = (s: string | undefined) => {
    if (!s) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new DomainError("not_found");
    return new Date(Date.parse(`${s}T00:00:00Z`) - offsetMinutes * 60_000);
  };
  const from = new Date(Math.max(earliest.getTime(), (day(q.from) ?? earliest).getTime()));
  const toDay = day(q.to);
  const to = toDay ? new Date(addDuration(toDay, parseDuration("P1D")).getTime() - 1) : now;
  let concerning = historyScope(actor) === "own" ? { userId: viewer.id, loginId: viewer.loginId } : undefined;
  if (q.user) {
    const u = await store.getUserByLoginId(viewer.bankId, q.user);
    const target = u && { bankId: u.bankId, contractId: u.contractId, userId: u.id, role: u.role };
    if (!target || decide(actor, "history.view", target, { masterSelfRevokeOnline: policy.masterSelfRevokeOnline }) !== "allow") throw new DomainError("user_not_found");
    concerning = { userId: u.id, loginId: u.loginId };
  }
  const actions = q.operation ? OPERATIONS[q.operation]?.actions : undefined;
  if (q.operation && !actions) throw new DomainError("not_found");
  const rows = await store.auditEvents({ bankId: viewer.bankId, contractId: viewer.contractId, concerning, from, to, actions, limit: 10_000 });
  return rows.map((r) => ({
    at: formatLocalDateTime(r.at, offsetMinutes),
    atJa: formatJaDateTime(r.at, offsetMinutes),
    actor: r.actorKind === "user" ? r.actorId : r.actorKind === "staff" || r.actorKind === "cli" ? bilingualLabel(HISTORY_ACTOR_LABELS.bank) : r.actorKind === "system" ? bilingualLabel(HISTORY_ACTOR_LABELS.system) : "-",
    operation: operationOf(r.action),
    action: r.action,
    target: r.targetLoginId,
    result: r.result,
    address: r.address,
    certSerial: r.certSerial,
  }));
}

/** CSV that Excel opens as UTF-8: a byte-order mark, CRLF, every field quoted. */
export function historyCsv(entries: HistoryEntry[]): string {
  // a cell that starts like a formula is kept as text (CSV injection)
  const q = (v: string | null) => {
    const text = (v ?? "").replace(/"/g, '""');
    return `"${/^[=+\-@\t\r]/.test(text) && text.length > 1 ? "'" + text : text}"`;
  };
  const head = Object.values(HISTORY_CSV_COLUMNS).map((c) => q(c.ja)).join(",");
  const lines = entries.map((e) => [e.at, e.actor, e.operation.ja, e.target, RESULT_LABELS[e.result]?.ja ?? e.result, e.address, e.certSerial].map(q).join(","));
  return "\uFEFF" + [head, ...lines].join("\r\n") + "\r\n";
}
