import nodemailer from "nodemailer";
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** stable per notice, so a receiving system can drop a repeat after a crash mid-send */
  messageId: string;
}

export interface MailTransport {
  send(m: OutgoingMail): Promise<void>;
  describe: string;
  close(): void;
}

/** SMTP through nodemailer; TLS is used when the server offers it. */
export function smtpTransport(o: { host: string; port: number; secure?: boolean; user?: string; pass?: string }): MailTransport {
  const t = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure ?? false,
    auth: o.user ? { user: o.user, pass: o.pass ?? "" } : undefined,
    // a notice that cannot be delivered now is retried later; never hang a worker on a dead server
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    tls: { rejectUnauthorized: false },
    // thousands of notices a day at a large bank: reuse connections
    pool: true,
    maxConnections: 2,
  });
  return {
    describe: `smtp://${o.host}:${o.port}`,
    async send(m) {
      await t.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId });
    },
    close: () => t.close(),
  };
}

/** The embedded default: each mail as an .eml file in the outbox folder, for a person to open. */
export function fileOutbox(dir: string): MailTransport {
  mkdirSync(dir, { recursive: true });
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    describe: `files in ${dir}`,
    async send(m) {
      const info = (await t.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId })) as unknown as { message: Buffer };
      const name = m.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9._@-]/g, "_");
      const file = join(dir, `${name}.eml`);
      writeFileSync(file + ".tmp", info.message);
      renameSync(file + ".tmp", file);
    },
    close: () => undefined,
  };
}
