import { DomainError } from "../domain/errors.js";
import { addDuration, parseDuration, subtractDuration } from "../domain/duration.js";
import { formatJaDateTime, formatLocalDateTime, localParts } from "../domain/time-zone.js";
import type { Store, UserRecord } from "../store/store.js";
import type { BankPolicy } from "../domain/policy.js";
import type { Clock } from "../domain/clock.js";
import { decide, historyScope, type Actor } from "../domain/rights.js";

/** The operations people search by, with the names the screens use. */
export const OPERATIONS: Record<string, { ja: string; en: string; actions: string[] }> = {
  login: { ja: "ログイン", en: "Login", actions: ["login", "login.authenticate", "logout"] },
  acquire: { ja: "電子証明書取得", en: "Certificate acquisition", actions: ["certificate.acquire", "certificate.acquire.authenticate", "certificate.sign_requested", "certificate.issued"] },
  renew: { ja: "電子証明書更新", en: "Certificate renewal", actions: ["certificate.renew"] },
  activate: { ja: "電子証明書利用開始", en: "Certificate activation", actions: ["certificate.activate"] },
  revoke: { ja: "証明書失効", en: "Certificate revocation", actions: ["certificate.revoke"] },
  reset: { ja: "再発行・初期化", en: "Certificate reset", actions: ["certificate.reset"] },
  suspend: { ja: "利用者停止・解除", en: "Suspension and resumption", actions: ["user.suspend", "user.resume", "user.unlock"] },
  password: { ja: "パスワード変更", en: "Password change", actions: ["user.password_change", "user.otp_enrol"] },
  contract: { ja: "ご契約の登録・変更（お取引店）", en: "Contract registration (bank)", actions: ["contract.add", "contract.login_method"] },
  users: { ja: "利用者情報の管理", en: "User management", actions: ["user.add", "user.change", "user.delete", "user.password_reset"] },
};

function operationOf(action: string): { ja: string; en: string } {
  for (const o of Object.values(OPERATIONS)) if (o.actions.includes(action)) return { ja: o.ja, en: o.en };
  return { ja: action, en: action };
}

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
    actor: r.actorKind === "user" ? r.actorId : r.actorKind === "staff" || r.actorKind === "cli" ? "金融機関 / bank" : r.actorKind === "system" ? "システム / system" : "-",
    operation: operationOf(r.action),
    action: r.action,
    target: r.targetLoginId,
    result: r.result,
    address: r.address,
    certSerial: r.certSerial,
  }));
}

/** The result of an operation in words, for the screen and the CSV. */
export const RESULT_LABELS: Record<string, { ja: string; en: string }> = {
  ok: { ja: "正常", en: "OK" },
  refused: { ja: "拒否", en: "Refused" },
  error: { ja: "エラー", en: "Error" },
};

/** CSV that Excel opens as UTF-8: a byte-order mark, CRLF, every field quoted. */
export function historyCsv(entries: HistoryEntry[]): string {
  // a cell that starts like a formula is kept as text (CSV injection)
  const q = (v: string | null) => {
    const text = (v ?? "").replace(/"/g, '""');
    return `"${/^[=+\-@\t\r]/.test(text) && text.length > 1 ? "'" + text : text}"`;
  };
  const head = ["日時", "操作者", "操作", "対象者", "結果", "接続元", "証明書シリアル番号"].map(q).join(",");
  const lines = entries.map((e) => [e.at, e.actor, e.operation.ja, e.target, RESULT_LABELS[e.result]?.ja ?? e.result, e.address, e.certSerial].map(q).join(","));
  return "\uFEFF" + [head, ...lines].join("\r\n") + "\r\n";
}
