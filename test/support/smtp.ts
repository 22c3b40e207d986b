import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  at: number;
}

/** A real SMTP server on loopback that keeps what it receives; `down` makes it refuse mail. */
export async function startSmtp(now: () => number): Promise<{ port: number; mails: ReceivedMail[]; setDown(v: boolean): void; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  let down = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onMailFrom(_a, _s, cb) {
      cb(down ? Object.assign(new Error("421 service not available"), { responseCode: 421 }) : undefined);
    },
    onData(stream, _s, cb) {
      simpleParser(stream)
        .then((m) => {
          const to = Array.isArray(m.to) ? m.to.map((x) => x.text).join(",") : (m.to?.text ?? "");
          mails.push({ to, subject: m.subject ?? "", text: m.text ?? "", html: typeof m.html === "string" ? m.html : "", messageId: m.messageId ?? "", at: now() });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, setDown: (v) => (down = v), close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * The メール通知パスワード of the newest mail to `to` in a data directory's outbox (the .eml files
 * written when no SMTP server is configured), read from the parsed mail as a person would.
 */
export async function outboxMailCode(dataDir: string, to: string): Promise<string> {
  const { readdirSync, readFileSync, statSync } = await import("node:fs");
  const { join } = await import("node:path");
  const dir = join(dataDir, "outbox");
  const files = readdirSync(dir)
    .filter((f) => f.startsWith("mail-code-") && f.endsWith(".eml"))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const f of files) {
    const m = await simpleParser(readFileSync(f));
    const addressed = Array.isArray(m.to) ? m.to.map((x) => x.text).join(",") : (m.to?.text ?? "");
    const code = /メール通知パスワード：(\d{6})/.exec(m.text ?? "")?.[1];
    if (addressed.includes(to) && code) return code;
  }
  throw new Error(`no mailed password for ${to} in ${dir}`);
}
