import { join } from "node:path";
import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { Config } from "../config/schema.js";
import { effectivePolicy } from "../config/schema.js";
import { NoticePlanner } from "./planner.js";
import { NoticeDelivery, type DeliveryLog } from "./delivery.js";
import { fileOutbox, smtpTransport, type MailTransport } from "./transport.js";

/** Planning and delivery together, on a timer: what `inkan serve` runs on every node. */
export class Notifier {
  readonly planner: NoticePlanner;
  readonly delivery: NoticeDelivery;
  readonly transport: MailTransport;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lastPlan = 0;
  /** the round under way, which stop() lets finish before the database is closed */
  private round: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly log: DeliveryLog & { error(o: object, m: string): void },
    transport?: MailTransport,
  ) {
    const banks = config.banks.map((b) => ({ id: b.id, nameJa: b.nameJa, nameEn: b.nameEn, policy: effectivePolicy(b) }));
    this.transport = transport ?? (config.mail.smtp ? smtpTransport(config.mail.smtp) : fileOutbox(join(config.dataDir, "outbox")));
    this.planner = new NoticePlanner(store, clock, banks);
    this.delivery = new NoticeDelivery(store, clock, this.transport, banks, config.mail.from, log);
  }

  /** One round: plan if the planning interval has passed, then send what is due. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = this.clock.now().getTime();
      if (now - this.lastPlan >= this.config.scheduleMs || now < this.lastPlan) {
        await this.planner.run();
        this.lastPlan = now;
      }
      await this.delivery.runOnce();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, "notice round failed");
    } finally {
      this.busy = false;
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.busy) this.round = this.tick();
    }, this.config.mail.pollMs);
    this.timer.unref();
  }

  /** No new round; the one under way (tick never rejects) finishes before the transport closes. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
    this.transport.close();
  }
}
