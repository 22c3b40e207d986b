import type { Store, NoticeRow } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankPolicy } from "../domain/policy.js";
import { parseDuration } from "../domain/duration.js";
import { zoneOffsetMinutes } from "../domain/time-zone.js";
import { holdsToken, oneTimePasswordDemand } from "../domain/one-time-password.js";
import { renderNotice, type NoticeKind } from "./templates.js";
import type { MailTransport } from "./transport.js";

export interface DeliveryBank {
  id: string;
  nameJa: string;
  nameEn: string;
  policy: BankPolicy;
}

export interface DeliveryLog {
  warn(obj: object, msg: string): void;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  cancelled: number;
}

/** 1 min, 2, 4, … up to an hour: a dead SMTP server delays mail and loses none. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * Sends what the outbox holds. Each notice is taken under a lease (two workers never take the same
 * one), re-checked (a certificate renewed since planning gets no reminder), rendered in Japanese
 * and English, sent, and marked sent; a failure puts it back with a later attempt time.
 */
export class NoticeDelivery {
  private readonly banks: Map<string, DeliveryBank>;
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly transport: MailTransport,
    banks: DeliveryBank[],
    private readonly from: string,
    private readonly log: DeliveryLog,
    private readonly leaseMs = 120_000,
    private readonly inFlight = 8,
  ) {
    this.banks = new Map(banks.map((b) => [b.id, b]));
  }

  async runOnce(limit = 50): Promise<DeliveryResult> {
    const result: DeliveryResult = { sent: 0, retried: 0, cancelled: 0 };
    for (;;) {
      const batch = await this.store.notices.claim(this.clock.now().getTime(), this.leaseMs, limit);
      if (batch.length === 0) return result;
      // a few mails in flight at once: SMTP round trips, not CPU, set the pace
      for (let i = 0; i < batch.length; i += this.inFlight) {
        const outcomes = await Promise.all(batch.slice(i, i + this.inFlight).map((n) => this.deliver(n)));
        for (const o of outcomes) result[o]++;
      }
      if (batch.length < limit) return result;
    }
  }

  private async deliver(n: NoticeRow): Promise<keyof DeliveryResult> {
    const bank = this.banks.get(n.bankId);
    const owner = await this.store.getUser(n.bankId, n.userId);
    const recipient = await this.store.getUser(n.bankId, n.recipientUserId);
    // a notice about the user rather than a certificate (otp_reset) names no serial
    const aboutUser = n.kind === "otp_reset";
    const cert = aboutUser ? undefined : await this.store.getCertificate(n.bankId, n.certSerial);
    if (!bank || !owner || (!cert && !aboutUser) || !recipient || recipient.status === "deleted" || !recipient.email) {
      await this.store.notices.markCancelled(n.id, "recipient or certificate gone");
      return "cancelled";
    }
    if (cert && (n.kind === "expiry_warning" || n.kind === "expired") && (cert.state === "revoked" || cert.state === "superseded" || (await this.store.notices.renewedSince(n.bankId, n.userId, n.certSerial)))) {
      await this.store.notices.markCancelled(n.id, "renewed or revoked since planned");
      return "cancelled";
    }
    const mail = renderNotice({
      kind: n.kind as NoticeKind,
      bank,
      owner: { loginId: owner.loginId, name: owner.name },
      recipient: { name: recipient.name, isOwner: recipient.id === owner.id },
      serial: cert?.serial ?? "",
      notAfter: cert?.notAfter ?? n.dueAt,
      offsetMinutes: zoneOffsetMinutes(bank.policy.timeZone),
      windowDays: parseDuration(bank.policy.renewalWindow).days,
      graceDays: parseDuration(bank.policy.graceAfterExpiry).days,
      // the one rule: the owner's renewal asks the code (a user without a token enrols at login first)
      otpAtRenewal: oneTimePasswordDemand(bank.policy, "renewal", holdsToken(owner)) !== "skip",
    });
    try {
      await this.transport.send({ from: this.from, to: recipient.email, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<notice-${n.id}.${n.bankId}@inkan>` });
    } catch (e) {
      const next = this.clock.now().getTime() + backoffMs(n.attempts);
      await this.store.notices.markRetry(n.id, next, (e as Error).message);
      this.log.warn({ notice: n.id, attempts: n.attempts, next: new Date(next).toISOString(), err: (e as Error).message }, "mail not delivered; will retry");
      return "retried";
    }
    await this.store.notices.markSent(n.id, this.clock.now().getTime());
    return "sent";
  }
}
