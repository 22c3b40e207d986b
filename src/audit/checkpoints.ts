import type { Clock } from "../domain/clock.js";
import type { Store } from "../store/store.js";
import type { AuditSigner } from "../ca/audit-key.js";
import type { CheckpointSink } from "./checkpoint-sink.js";

/** The bytes a checkpoint's signature covers. */
export function checkpointPayload(c: { bank: string; seq: number; head: string; at: string }): string {
  return `inkan-audit-checkpoint/1\n${c.bank}\n${c.seq}\n${c.head}\n${c.at}`;
}

export interface CheckpointerParams {
  store: Store;
  clock: Clock;
  signer: AuditSigner;
  sink: CheckpointSink;
  bankIds: string[];
}

/**
 * Signs each bank's audit head (issue 13, after Dogtag's signed audit): at every round in which the
 * chain grew, and at stop. A later rewrite of the chain by anyone who can write the database, but
 * holds neither the audit key nor the sink, no longer matches the checkpoints.
 */
export class AuditCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  constructor(private readonly p: CheckpointerParams) {}

  /** One round over every bank; returns how many checkpoints it wrote. Rounds never overlap. */
  round(): Promise<number> {
    const next = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.once());
    this.running = next;
    return next;
  }

  private async once(): Promise<number> {
    let written = 0;
    for (const bank of this.p.bankIds) {
      const head = await this.p.store.checkpoints.head(bank);
      const last = await this.p.store.checkpoints.last(bank);
      if (head.seq === 0 || (last && last.seq >= head.seq)) continue;
      const at = this.p.clock.now();
      const line = { bank, seq: head.seq, head: head.hash, at: at.toISOString() };
      const sig = await this.p.signer.sign(checkpointPayload(line));
      // the sink first: a checkpoint the database holds but the sink lacks would prove nothing
      this.p.sink.append({ ...line, keyId: this.p.signer.keyId, sig });
      // another node may have signed the same head a moment before: its row stands, both lines agree
      await this.p.store.checkpoints.add({ bankId: bank, seq: head.seq, head: head.hash, at, keyId: this.p.signer.keyId, signature: sig }).catch((e: Error & { code?: string }) => {
        if (!(e.code === "23505" || /UNIQUE/.test(e.message))) throw e;
      });
      written++;
    }
    return written;
  }

  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.round().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  /** Ends the timer and signs what happened since the last round. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round();
  }
}
