import type { UserRecord } from "../store/store.js";
import type { NoticeRow } from "../store/store.js";
import type { Deps } from "./context.js";

/** 重要なお知らせ: the user's own reminders whose day has come, read and unread (fed by the same plan as the mail). */
export async function importantNotices(deps: Deps, bankId: string, user: UserRecord): Promise<NoticeRow[]> {
  const now = deps.clock.now().getTime();
  const rows = await deps.store.notices.forRecipient(bankId, user.id, ["expiry_warning", "expired", "ca_compromised"]);
  return rows.filter((n) => n.dueAt.getTime() <= now);
}

/** Marks one of the user's own notices read; false when it is not theirs (or not there). */
export function markNoticeRead(deps: Deps, bankId: string, user: UserRecord, id: number): Promise<boolean> {
  return deps.store.notices.markRead(bankId, user.id, id, deps.clock.now().getTime());
}
