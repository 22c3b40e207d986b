import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Clock } from "../domain/clock.js";
import { renewalOpensAt } from "../domain/certificate.js";
import { AppError, EXIT, ServerRefusal } from "./errors.js";
import type { Messages, Params } from "./messages.js";
import type { Progress } from "./progress.js";
import type { Asker } from "./questions.js";
import type { CertMeta, CertStore, LocalState, PendingRequest, StoredCert } from "./certificate-store.js";
import type { ClientIdentity, Target } from "./est-client.js";
import { publicKeyOf } from "./keys.js";
import { facts, parsePem } from "./format.js";
import { usage } from "./command-line.js";
import * as x509 from "./x509.js";

/** What every command is given: the words, the streams, the store, and "now". */

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export interface Ctx {
  m: Messages;
  io: Io;
  /** the one source of "now": the entry point passes the wall clock, tests could pass a FakeClock */
  clock: Clock;
  progress: Progress;
  /** the person's answers: the terminal's, or the window's screens */
  ask: Asker;
  /** the store passphrase once it was right: remembered for one run, or for one window */
  session?: { passphrase?: string };
  store: CertStore;
  json: boolean;
  timeoutMs: number;
  caFileOverride?: string;
}

/** server, bank and login ID for the hints that print a ready-to-run command */
export const hintParams: { current: Params } = { current: { server: "URL", bank: "BANK", loginId: "ID" } };

// ---- shared steps ---------------------------------------------------------------------------

export function readCaFile(file: string): string {
  try {
    const pem = readFileSync(file, "utf8");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate");
    return pem;
  } catch (e) {
    throw usage("usage_bad_value", { option: "--ca-file", value: file, expected: (e as Error).message.split("\n")[0]! });
  }
}

/**
 * The store passphrase: INKAN_APP_PASSPHRASE, else asked. A new store takes the first one given
 * (asked twice on a terminal); an existing store checks it before anything else happens.
 */
export async function passphrase(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.session?.passphrase ?? ctx.io.env.INKAN_APP_PASSPHRASE;
  const isNew = !ctx.store.hasPassphrase();
  const p = fromEnv ?? (await ctx.ask.ask(isNew ? "new_passphrase" : "passphrase"));
  if (!isNew) {
    if (!ctx.store.checkPassphrase(p)) throw new AppError("err_passphrase_wrong", {}, EXIT.store, "hint_passphrase_wrong");
    if (ctx.session) ctx.session.passphrase = p;
    return p;
  }
  if ([...p].length < 8) throw new AppError("err_passphrase_short", {}, EXIT.usage, "hint_retry");
  if (fromEnv === undefined && ctx.ask.interactive) {
    const again = await ctx.ask.ask("passphrase_again");
    if (again !== p) throw new AppError("err_passphrase_mismatch", {}, EXIT.usage, "hint_retry");
  }
  ctx.store.lock();
  ctx.store.setPassphrase(p);
  if (ctx.session) ctx.session.passphrase = p;
  return p;
}

export function targetOf(ctx: Ctx, meta: { server: string; bank: string; serverCaPem: string | null }): Target {
  const override = ctx.caFileOverride ? readCaFile(ctx.caFileOverride) : undefined;
  return { server: meta.server, bank: meta.bank, serverCaPem: override ?? meta.serverCaPem ?? undefined, timeoutMs: ctx.timeoutMs };
}

export function identity(c: { certPem: string; keyPem: string }, pass: string): ClientIdentity {
  return { certPem: c.certPem, keyPem: c.keyPem, passphrase: pass };
}

/** A test hook: exit as if killed at this point (`INKAN_APP_TEST_CRASH=after-reenroll`). */
export function crashPoint(ctx: Ctx, name: string) {
  if (ctx.io.env.INKAN_APP_TEST_CRASH !== name) return;
  ctx.store.abandonLock(); // a kill leaves the lock file; the next run must take it over
  process.exit(137);
}

/** The certificate the server sent must be for the key this app made. */
export function mustMatchKey(cert: x509.X509Certificate, keyPem: string, pass: string) {
  const mine = publicKeyOf(keyPem, pass);
  const theirs = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" }).export({ type: "spki", format: "der" });
  if (!mine.equals(theirs)) throw new AppError("err_answer_mismatch", {}, EXIT.protocol, "hint_protocol");
}

/** Sends an enrollment; when the server asks for a one-time password the app did not expect, asks and sends once more. */
export async function withOtp<T>(ctx: Ctx, needsOtp: boolean, sendIt: (otp: string | undefined) => Promise<T>): Promise<T> {
  let otp = needsOtp ? await ctx.ask.ask("otp") : undefined;
  try {
    return await sendIt(otp?.trim());
  } catch (e) {
    if (!(e instanceof ServerRefusal) || e.code !== "otp_required" || otp !== undefined) throw e;
    otp = await ctx.ask.ask("otp");
    return sendIt(otp.trim());
  }
}

/**
 * Sends a kept request. Its fate decides what happens to the kept key: the answer got lost
 * (network, crash): kept, the next run sends it again and gets the same certificate; refused for
 * the password or the one-time password: kept, the user retries; refused for any other reason (the
 * window is not open, the certificate expired or was replaced, the key is taken): dropped, since
 * sending it again cannot succeed.
 */
export async function sendKept<T>(ctx: Ctx, r: PendingRequest, sendIt: () => Promise<T>): Promise<T> {
  r.attempts++;
  delete r.refused;
  ctx.store.saveRequest(r);
  try {
    return await sendIt();
  } catch (e) {
    if (e instanceof ServerRefusal) {
      if (e.exit === EXIT.login || e.exit === EXIT.otp) ctx.store.saveRequest({ ...r, refused: e.code });
      else ctx.store.deleteRequest(r.id);
    }
    throw e;
  }
}

export function metaFor(ctx: Ctx, c: x509.X509Certificate, r: PendingRequest, state: LocalState, extra: Partial<CertMeta> = {}): CertMeta {
  const f = facts(c);
  return {
    format: 1,
    serial: f.serial,
    subject: f.subject,
    cn: f.cn,
    o: f.o,
    ou: f.ou,
    notBefore: f.notBefore.toISOString(),
    notAfter: f.notAfter.toISOString(),
    server: r.server,
    bank: r.bank,
    loginId: r.loginId,
    serverCaPem: r.serverCaPem,
    renewalWindow: r.renewalWindow,
    keyType: r.keyType,
    state,
    storedAt: ctx.clock.now().toISOString(),
    ...extra,
  };
}

export function opensAt(meta: CertMeta): Date {
  return renewalOpensAt(new Date(meta.notAfter), meta.renewalWindow);
}

export function out(ctx: Ctx, text: string) {
  ctx.io.stdout.write(text + "\n");
}

// ---- selection ------------------------------------------------------------------------------

export const usable = (c: StoredCert) => c.meta.state === "active" || c.meta.state === "unconfirmed";

function describe(ctx: Ctx, certs: StoredCert[]): string {
  return certs.map((c, i) => `  [${i + 1}] ${c.meta.subject}  (${c.meta.serial}, ${c.meta.state})`).join("\n");
}

/** By list number, serial (or its first 8+ hex digits), or login ID / part of the CN. */
export function select(ctx: Ctx, sel: string | undefined): { cert: StoredCert; number: number } {
  const all = ctx.store.certs();
  const numbered = (c: StoredCert) => ({ cert: c, number: all.indexOf(c) + 1 });
  if (sel === undefined) {
    const live = all.filter(usable);
    if (live.length === 1) return numbered(live[0]!);
    if (live.length === 0) throw new AppError("err_no_cert", { store: ctx.store.dir }, EXIT.store, "hint_issue");
    ctx.io.stderr.write(describe(ctx, all) + "\n");
    throw new AppError("err_ambiguous", {}, EXIT.usage, "hint_select");
  }
  if (/^\d{1,4}$/.test(sel)) {
    const c = all[Number(sel) - 1];
    if (c) return numbered(c);
  }
  if (/^[0-9a-fA-F]{8,32}$/.test(sel)) {
    const hits = all.filter((c) => c.meta.serial.startsWith(sel.toLowerCase()));
    if (hits.length === 1) return numbered(hits[0]!);
  }
  const hits = all.filter((c) => c.meta.loginId === sel || c.meta.cn.includes(sel));
  const live = hits.filter(usable);
  if (live.length === 1) return numbered(live[0]!);
  if (live.length > 1) {
    ctx.io.stderr.write(describe(ctx, all) + "\n");
    throw new AppError("err_ambiguous", {}, EXIT.usage, "hint_select");
  }
  if (hits.length > 0) return numbered(hits[hits.length - 1]!);
  throw new AppError("err_no_match", { selection: sel }, EXIT.usage, "hint_select");
}

export function chainForP12(c: StoredCert): Array<{ der: Uint8Array; name: string }> {
  return parsePem(c.chainPem).map((x) => ({ der: new Uint8Array(x.rawData), name: x.subjectName.getField("CN")[0] ?? x.subject }));
}
