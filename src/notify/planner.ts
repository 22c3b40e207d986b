import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankPolicy } from "../domain/policy.js";
import { addDuration, parseDuration } from "../domain/duration.js";

export interface PlannedBank {
  id: string;
  policy: BankPolicy;
}

/**
 * Notice planning: for every valid certificate and every offset of its bank's policy, one notice
 * once the clock passes not-after minus the offset, unless it has been renewed; one notice after
 * expiry. Each run looks only at certificates whose moment came since the last run (a cursor per
 * bank, kind and offset), so its cost follows the notices due, not the certificates held. Any
 * number of nodes may run it: the outbox's unique key keeps each notice once.
 */
export class NoticePlanner {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly banks: PlannedBank[],
  ) {}

  async run(): Promise<number> {
    const now = this.clock.now().getTime();
    let planned = 0;
    for (const b of this.banks) {
      const managers = b.policy.noticeToManagers;
      for (const offset of b.policy.noticeOffsets) {
        const to = addDuration(new Date(now), parseDuration(offset)).getTime();
        const cursor = await this.store.notices.cursor(b.id, "expiry_warning", offset);
        // a certificate already past its end gets the expiry notice instead of a late warning
        const from = Math.max(cursor ?? now, now);
        if (to > from || cursor === undefined) {
          planned += await this.store.notices.plan({ bankId: b.id, kind: "expiry_warning", offsetKey: offset, from: cursor === undefined ? now : from, to, dueOffsetMs: to - now, now, managers });
        }
        await this.store.notices.setCursor(b.id, "expiry_warning", offset, to);
      }
      // expired: from the last run (the first run starts now: no mail about long-gone certificates)
      const cursor = await this.store.notices.cursor(b.id, "expired", "");
      if (cursor !== undefined && now > cursor) {
        planned += await this.store.notices.plan({ bankId: b.id, kind: "expired", offsetKey: "", from: cursor, to: now, dueOffsetMs: 0, now, managers });
      }
      await this.store.notices.setCursor(b.id, "expired", "", now);
    }
    return planned;
  }
}
