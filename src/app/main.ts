import { parseArgs } from "node:util";
import { createHash, createPublicKey } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { isValidDuration } from "../domain/duration.js";
import { renewalOpensAt } from "../domain/certificate.js";
import { AppError, EXIT, ServerRefusal, type ExitCode } from "./errors.js";
import { Messages, detectLocale, type MessageKey, type Params } from "./messages.js";
import { Progress } from "./progress.js";
import { Secrets } from "./prompt.js";
import { CertStore, defaultStoreDir, type CertMeta, type LocalState, type PendingRequest, type StoredCert } from "./store.js";
import { EstClient, type ClientIdentity, type Target } from "./est-client.js";
import { ocspStatus, ocspUrl, REASON_SUPERSEDED, type OcspStatus } from "./ocsp-client.js";
import { KEY_KINDS, decryptKey, keyKindOf, newKeyAndCsr, publicKeyOf, type KeyKind } from "./keys.js";
import { buildPkcs12, encryptPkcs8Pem, LEGACY_ITERATIONS } from "./pkcs12.js";
import { facts, formatTime, issuerIn, parsePem, rootIn, toPem } from "./format.js";
import { defaultNssDir, installIntoNss } from "./nss.js";
import * as x509 from "./x509.js";

/**
 * inkan-app, the issuing app (証明書発行アプリ): an EST client with a local certificate store.
 * It shares domain/ and i18n/ with the server and nothing else; it talks to the server over HTTPS
 * (EST) and HTTP (OCSP) only.
 */

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

interface Ctx {
  m: Messages;
  io: Io;
  progress: Progress;
  secrets: Secrets;
  store: CertStore;
  json: boolean;
  timeoutMs: number;
  caFileOverride?: string;
}

const OPTIONS = {
  store: { type: "string" },
  "ca-file": { type: "string" },
  timeout: { type: "string" },
  lang: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  server: { type: "string" },
  bank: { type: "string" },
  "login-id": { type: "string" },
  key: { type: "string" },
  "renewal-window": { type: "string" },
  offline: { type: "boolean" },
  p12: { type: "string" },
  legacy: { type: "boolean" },
  force: { type: "boolean" },
  nss: { type: "boolean" },
  "nss-dir": { type: "string" },
  cert: { type: "string" },
} as const;
type OptionName = keyof typeof OPTIONS;

const COMMON: OptionName[] = ["store", "ca-file", "timeout", "lang", "json", "help"];
const ALLOWED: Record<string, OptionName[]> = {
  issue: ["server", "bank", "login-id", "key", "renewal-window"],
  list: ["offline"],
  renew: ["cert"],
  export: ["p12", "legacy", "force", "cert"],
  install: ["nss", "nss-dir", "cert"],
  delete: ["force", "cert", "offline"],
};

type Values = { [K in OptionName]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

function usage(detailKey: MessageKey, params: Params = {}): AppError {
  return new AppError(detailKey, params, EXIT.usage, "usage_hint");
}

/** `install --nss DIR` and `--nss=DIR`: the directory rides on --nss-dir inside. */
function normalise(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--nss=")) out.push("--nss", "--nss-dir", a.slice("--nss=".length));
    else if (a === "--nss" && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("-")) out.push("--nss", "--nss-dir", argv[++i]!);
    else out.push(a);
  }
  return out;
}

export async function main(argv: string[], io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<ExitCode> {
  let m = new Messages(detectLocale(io.env));
  const debug = io.env.INKAN_APP_DEBUG === "1";
  let values: Values;
  let positionals: string[];
  try {
    try {
      const parsed = parseArgs({ args: normalise(argv), options: OPTIONS, allowPositionals: true, strict: true });
      values = parsed.values as Values;
      positionals = parsed.positionals;
    } catch (e) {
      throw usage("usage_bad_option", { detail: (e as Error).message });
    }
    if (values.lang !== undefined && values.lang !== "ja" && values.lang !== "en") throw usage("usage_bad_value", { option: "--lang", value: values.lang, expected: "ja | en" });
    m = new Messages(detectLocale(io.env, values.lang));
    const command = positionals.shift();
    if (values.help || command === undefined || command === "help") {
      io.stdout.write(m.t("usage") + "\n");
      return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
    }
    const allowed = ALLOWED[command];
    if (!allowed) throw usage("usage_unknown_command", { command });
    for (const k of Object.keys(values) as OptionName[]) {
      if (!COMMON.includes(k) && !allowed.includes(k)) throw usage("usage_bad_option", { detail: `--${k} (${command})` });
    }
    const maxPositionals = command === "renew" || command === "export" || command === "delete" ? 1 : 0;
    if (positionals.length > maxPositionals) throw usage("usage_bad_option", { detail: positionals.slice(maxPositionals).join(" ") });
    let timeoutMs = 60_000;
    const timeout = values.timeout ?? io.env.INKAN_APP_TIMEOUT;
    if (timeout !== undefined) {
      const n = Number(timeout);
      if (!Number.isFinite(n) || n <= 0 || n > 3600) throw usage("usage_bad_value", { option: "--timeout", value: timeout, expected: "1–3600" });
      timeoutMs = n * 1000;
    }
    // Ctrl-C: say so, and that running the command again continues (the lock is released on exit)
    const messages = m;
    process.once("SIGINT", () => {
      io.stderr.write(`\n${messages.t("label_error")}: ${messages.t("err_interrupted")}\n${messages.t("label_todo")}: ${messages.t("hint_interrupted")}\n`);
      process.exit(EXIT.interrupted);
    });
    const ctx: Ctx = {
      m,
      io,
      progress: new Progress(io.stderr, m.t("p_done")),
      secrets: new Secrets(io.stdin, io.stderr),
      store: new CertStore(resolvePath(values.store ?? defaultStoreDir(io.env))),
      json: values.json ?? false,
      timeoutMs,
      caFileOverride: values["ca-file"] ?? io.env.INKAN_APP_CA_FILE,
    };
    try {
      switch (command) {
        case "issue":
          await issue(ctx, values);
          break;
        case "list":
          await list(ctx, values);
          break;
        case "renew":
          await renew(ctx, positionals[0] ?? values.cert);
          break;
        case "export":
          await exportP12(ctx, values, positionals[0] ?? values.cert);
          break;
        case "install":
          await install(ctx, values);
          break;
        case "delete":
          await remove(ctx, values, positionals[0] ?? values.cert);
          break;
      }
    } finally {
      ctx.store.unlock();
    }
    return EXIT.ok;
  } catch (e) {
    return report(m, io, e, debug);
  }
}

function report(m: Messages, io: Io, e: unknown, debug: boolean): ExitCode {
  const lines: string[] = [];
  let exit: ExitCode;
  if (e instanceof AppError) {
    lines.push(`${m.t("label_error")}: ${m.t(e.key, e.params)}`);
    if (e.hint) lines.push(`${m.t("label_todo")}: ${m.t(e.hint, { ...e.params, ...e.hintParams })}`);
    exit = e.exit;
  } else if (e instanceof ServerRefusal) {
    lines.push(`${m.t("label_error")}: ${e.message2[m.locale]}`);
    if (e.hint) lines.push(`${m.t("label_todo")}: ${m.t(e.hint, hintParams.current)}`);
    lines.push(`(${m.t("label_code")}: ${e.code}${e.cause2 ? `/${e.cause2}` : ""})`);
    exit = e.exit;
  } else {
    lines.push(`${m.t("label_error")}: ${m.t("err_unexpected", { detail: (e as Error)?.message ?? String(e) })}`);
    lines.push(`${m.t("label_todo")}: ${m.t("hint_unexpected")}`);
    exit = EXIT.unexpected;
  }
  if (debug && e instanceof Error && e.stack) lines.push(e.stack);
  io.stderr.write(lines.join("\n") + "\n");
  return exit;
}

/** server, bank and login ID for the hints that print a ready-to-run command */
const hintParams: { current: Params } = { current: { server: "URL", bank: "BANK", loginId: "ID" } };

// ---- shared steps ---------------------------------------------------------------------------

function readCaFile(file: string): string {
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
async function passphrase(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.io.env.INKAN_APP_PASSPHRASE;
  const isNew = !ctx.store.hasPassphrase();
  const p = fromEnv ?? (await ctx.secrets.ask(ctx.m.t(isNew ? "ask_new_passphrase" : "ask_passphrase"), ctx.m.t("what_passphrase")));
  if (!isNew) {
    if (!ctx.store.checkPassphrase(p)) throw new AppError("err_passphrase_wrong", {}, EXIT.store, "hint_passphrase_wrong");
    return p;
  }
  if ([...p].length < 8) throw new AppError("err_passphrase_short", {}, EXIT.usage, "hint_retry");
  if (fromEnv === undefined && ctx.secrets.interactive) {
    const again = await ctx.secrets.ask(ctx.m.t("ask_again"), ctx.m.t("what_passphrase"));
    if (again !== p) throw new AppError("err_passphrase_mismatch", {}, EXIT.usage, "hint_retry");
  }
  ctx.store.lock();
  ctx.store.setPassphrase(p);
  return p;
}

function targetOf(ctx: Ctx, meta: { server: string; bank: string; serverCaPem: string | null }): Target {
  const override = ctx.caFileOverride ? readCaFile(ctx.caFileOverride) : undefined;
  return { server: meta.server, bank: meta.bank, serverCaPem: override ?? meta.serverCaPem ?? undefined, timeoutMs: ctx.timeoutMs };
}

function identity(c: { certPem: string; keyPem: string }, pass: string): ClientIdentity {
  return { certPem: c.certPem, keyPem: c.keyPem, passphrase: pass };
}

/** A test hook: exit as if killed at this point (`INKAN_APP_TEST_CRASH=after-reenroll`). */
function crashPoint(ctx: Ctx, name: string) {
  if (ctx.io.env.INKAN_APP_TEST_CRASH !== name) return;
  ctx.store.abandonLock(); // a kill leaves the lock file; the next run must take it over
  process.exit(137);
}

/** The certificate the server sent must be for the key this app made. */
function mustMatchKey(cert: x509.X509Certificate, keyPem: string, pass: string) {
  const mine = publicKeyOf(keyPem, pass);
  const theirs = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" }).export({ type: "spki", format: "der" });
  if (!mine.equals(theirs)) throw new AppError("err_answer_mismatch", {}, EXIT.protocol, "hint_protocol");
}

/** Sends an enrollment; when the server asks for a one-time password the app did not expect, asks and sends once more. */
async function withOtp<T>(ctx: Ctx, needsOtp: boolean, sendIt: (otp: string | undefined) => Promise<T>): Promise<T> {
  let otp = needsOtp ? await ctx.secrets.ask(ctx.m.t("ask_otp"), ctx.m.t("what_otp")) : undefined;
  try {
    return await sendIt(otp?.trim());
  } catch (e) {
    if (!(e instanceof ServerRefusal) || e.code !== "otp_required" || otp !== undefined) throw e;
    otp = await ctx.secrets.ask(ctx.m.t("ask_otp"), ctx.m.t("what_otp"));
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
async function sendKept<T>(ctx: Ctx, r: PendingRequest, sendIt: () => Promise<T>): Promise<T> {
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

function metaFor(c: x509.X509Certificate, r: PendingRequest, state: LocalState, extra: Partial<CertMeta> = {}): CertMeta {
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
    storedAt: new Date().toISOString(),
    ...extra,
  };
}

function opensAt(meta: CertMeta): Date {
  return renewalOpensAt(new Date(meta.notAfter), meta.renewalWindow);
}

function out(ctx: Ctx, text: string) {
  ctx.io.stdout.write(text + "\n");
}

function result(ctx: Ctx, kind: "issue" | "renew", meta: CertMeta, o: { resumed: boolean; replaced?: string }) {
  const { m } = ctx;
  const opens = opensAt(meta);
  if (ctx.json) {
    out(ctx, JSON.stringify({ result: kind === "issue" ? "issued" : "renewed", serial: meta.serial, subject: meta.subject, cn: meta.cn, ou: meta.ou, o: meta.o, notBefore: meta.notBefore, notAfter: meta.notAfter, renewableFrom: opens.toISOString(), server: meta.server, bank: meta.bank, loginId: meta.loginId, keyType: meta.keyType, resumed: o.resumed, replaced: o.replaced ?? null }));
    return;
  }
  const rows: Array<[string, string]> = [
    [m.t("field_org"), meta.o],
    [m.t("field_ou"), meta.ou],
    [m.t("field_cn"), meta.cn],
    [m.t("field_serial"), meta.serial],
    [m.t("field_validity"), `${formatTime(new Date(meta.notBefore), m.locale)} – ${formatTime(new Date(meta.notAfter), m.locale)}`],
    [m.t("field_renewal"), formatTime(opens, m.locale)],
    [m.t("field_bank"), `${meta.bank} (${meta.server})`],
  ];
  const width = Math.max(...rows.map(([k]) => displayWidth(k)));
  const lines = [m.t(kind === "issue" ? "result_title_issue" : "result_title_renew"), m.t(kind === "issue" ? "result_done_issue" : "result_done_renew", { old: o.replaced ?? "" })];
  if (o.resumed) lines.push(m.t("result_resumed"));
  lines.push("");
  for (const [k, v] of rows) lines.push(`  ${k}${" ".repeat(width - displayWidth(k))} = ${v}`);
  lines.push("", m.t("result_validity_note", { notAfter: formatTime(new Date(meta.notAfter), m.locale), opensAt: formatTime(opens, m.locale) }), m.t("result_next"));
  out(ctx, lines.join("\n"));
}

/** Full-width characters take two columns on a terminal. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

// ---- issue ----------------------------------------------------------------------------------

async function issue(ctx: Ctx, v: Values) {
  const { m } = ctx;
  for (const opt of ["server", "bank", "login-id"] as const) if (!v[opt]) throw usage("usage_missing", { option: `--${opt}` });
  let server: URL;
  try {
    server = new URL(v.server!);
    if (server.protocol !== "https:") throw new Error("https:// only");
  } catch (e) {
    throw usage("usage_bad_value", { option: "--server", value: v.server!, expected: "https://host[:port]" });
  }
  const kind = (v.key ?? "rsa2048") as KeyKind;
  if (!KEY_KINDS.includes(kind)) throw usage("usage_bad_value", { option: "--key", value: v.key!, expected: KEY_KINDS.join(" | ") });
  const window = v["renewal-window"] ?? "P30D";
  if (!isValidDuration(window)) throw usage("usage_bad_value", { option: "--renewal-window", value: window, expected: "ISO-8601, P30D" });
  const loginId = v["login-id"]!;
  const serverText = server.origin;
  hintParams.current = { server: serverText, bank: v.bank!, loginId };
  const serverCaPem = ctx.caFileOverride ? readCaFile(ctx.caFileOverride) : null;
  const target: Target = { server: serverText, bank: v.bank!, serverCaPem: serverCaPem ?? undefined, timeoutMs: ctx.timeoutMs };
  const est = new EstClient(target);

  ctx.store.lock();
  const chain = await ctx.progress.run(m.t("p_cacerts"), () => est.cacerts());
  const attrs = await ctx.progress.run(m.t("p_csrattrs"), () => est.csrattrs());
  const id = "issue-" + createHash("sha256").update(`${serverText}\n${v.bank}\n${loginId}`).digest("hex").slice(0, 24);
  let req = ctx.store.request(id);
  let stored = req?.received ? ctx.store.cert(req.received) : undefined;
  // a request kept from an earlier run is finished with its own key; else the key is made now,
  // before anything is asked, so nothing typed meanwhile lands on an echoing terminal
  const resumed = Boolean(req);
  const made = req ? undefined : await ctx.progress.run(m.t("p_keygen"), () => newKeyAndCsr(kind, loginId));
  const pass = await passphrase(ctx);
  if (!stored) {
    if (req) {
      publicKeyOf(req.keyPem, pass); // the key is still readable with this passphrase
    } else {
      const keyPem = encryptPkcs8Pem(made!.pkcs8, pass);
      req = { format: 1, id, kind: "issue", server: serverText, bank: v.bank!, loginId, serverCaPem, renewalWindow: window, keyType: keyKindOf(keyPem, pass), keyPem, csr: Buffer.from(made!.csr).toString("base64"), createdAt: new Date().toISOString(), attempts: 0 };
      ctx.store.saveRequest(req);
    }
    const r = req;
    const password = await ctx.secrets.ask(m.t("ask_password", { loginId }), m.t("what_password"));
    const cert = await sendKept(ctx, r, () => withOtp(ctx, attrs.otp, (otp) => ctx.progress.run(m.t("p_enroll"), () => est.simpleenroll(loginId, password, otp, Buffer.from(r.csr, "base64")))));
    crashPoint(ctx, "after-enroll");
    mustMatchKey(cert, r.keyPem, pass);
    const meta = metaFor(cert, r, "unconfirmed");
    ctx.store.saveCert({ meta, certPem: cert.toString("pem") + "\n", chainPem: toPem(chain), keyPem: r.keyPem });
    ctx.store.saveRequest({ ...r, received: meta.serial });
    stored = ctx.store.cert(meta.serial)!;
  }

  // first use activates it at the server (what a browser login would do), superseding any other
  await ctx.progress.run(m.t("p_confirm"), () => est.csrattrs(identity(stored!, pass)));
  const meta = ctx.store.updateMeta(stored.meta.serial, { state: "active" });
  for (const other of ctx.store.certs()) {
    const o = other.meta;
    if (o.serial !== meta.serial && o.server === meta.server && o.bank === meta.bank && o.loginId === meta.loginId && (o.state === "active" || o.state === "unconfirmed")) {
      ctx.store.updateMeta(o.serial, { state: "superseded" });
    }
  }
  ctx.store.deleteRequest(id);
  result(ctx, "issue", meta, { resumed });
}

// ---- selection ------------------------------------------------------------------------------

const usable = (c: StoredCert) => c.meta.state === "active" || c.meta.state === "unconfirmed";

function describe(ctx: Ctx, certs: StoredCert[]): string {
  return certs.map((c, i) => `  [${i + 1}] ${c.meta.subject}  (${c.meta.serial}, ${c.meta.state})`).join("\n");
}

/** By list number, serial (or its first 8+ hex digits), or login ID / part of the CN. */
function select(ctx: Ctx, sel: string | undefined): { cert: StoredCert; number: number } {
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

// ---- renew ----------------------------------------------------------------------------------

async function renew(ctx: Ctx, sel: string | undefined) {
  const { m } = ctx;
  ctx.store.lock();
  const { cert: current } = select(ctx, sel);
  const cm = current.meta;
  hintParams.current = { server: cm.server, bank: cm.bank, loginId: cm.loginId };
  if (cm.state === "superseded") throw new AppError("err_local_superseded", { cn: cm.cn, serial: cm.renewedTo ?? "?" }, EXIT.certificate, "hint_superseded");
  if (cm.state === "revoked") throw new AppError("err_local_revoked", { cn: cm.cn }, EXIT.certificate, "hint_revoked", hintParams.current);
  const target = targetOf(ctx, cm);
  const est = new EstClient(target);
  const id = `renew-${cm.serial}`;
  let req = ctx.store.request(id);
  let stored = req?.received ? ctx.store.cert(req.received) : undefined;
  // a request kept from an earlier run: this run finishes it
  const resumed = Boolean(req);

  const chain = await ctx.progress.run(m.t("p_cacerts"), () => est.cacerts());
  if (!stored && Date.now() > new Date(cm.notAfter).getTime()) {
    throw new AppError("err_local_expired", { cn: cm.cn, notAfter: formatTime(new Date(cm.notAfter), m.locale) }, EXIT.certificate, "hint_expired", hintParams.current);
  }
  const attrs = stored ? { otp: false } : await ctx.progress.run(m.t("p_csrattrs"), () => est.csrattrs());
  // the key is made before anything is asked (nothing typed meanwhile lands on an echoing terminal)
  const kind: KeyKind = cm.keyType.startsWith("ECDSA") ? "p256" : "rsa2048";
  const made = req ? undefined : await ctx.progress.run(m.t("p_keygen"), () => newKeyAndCsr(kind, cm.loginId));
  const pass = await passphrase(ctx);
  if (!stored) {
    if (req) {
      publicKeyOf(req.keyPem, pass);
    } else {
      // the new key and its CSR are kept before anything is sent: an interrupted run is finished
      // by the next with this same key, and the server answers it with the same certificate
      const keyPem = encryptPkcs8Pem(made!.pkcs8, pass);
      req = { format: 1, id, kind: "renew", server: cm.server, bank: cm.bank, loginId: cm.loginId, renews: cm.serial, serverCaPem: target.serverCaPem ?? null, renewalWindow: cm.renewalWindow, keyType: keyKindOf(keyPem, pass), keyPem, csr: Buffer.from(made!.csr).toString("base64"), createdAt: new Date().toISOString(), attempts: 0 };
      ctx.store.saveRequest(req);
    }
    const r = req;
    const password = await ctx.secrets.ask(m.t("ask_password", { loginId: cm.loginId }), m.t("what_password"));
    let cert: x509.X509Certificate;
    try {
      cert = await sendKept(ctx, r, () =>
        withOtp(ctx, attrs.otp, (otp) => ctx.progress.run(m.t("p_reenroll"), () => est.simplereenroll(identity(current, pass), cm.loginId, password, otp, Buffer.from(r.csr, "base64")))),
      );
    } catch (e) {
      // the current certificate was renewed elsewhere or revoked: the store remembers it
      if (e instanceof ServerRefusal && e.code === "certificate_refused" && (e.cause2 === "superseded" || e.cause2 === "revoked")) ctx.store.updateMeta(cm.serial, { state: e.cause2 });
      throw e;
    }
    crashPoint(ctx, "after-reenroll");
    mustMatchKey(cert, r.keyPem, pass);
    const meta = metaFor(cert, r, "unconfirmed", { renewedFrom: cm.serial });
    ctx.store.saveCert({ meta, certPem: cert.toString("pem") + "\n", chainPem: toPem(chain), keyPem: r.keyPem });
    ctx.store.saveRequest({ ...r, received: meta.serial });
    stored = ctx.store.cert(meta.serial)!;
    crashPoint(ctx, "before-confirm");
  }

  // confirm: the first request made with the new certificate activates it and supersedes the
  // old one; OCSP then shows both states as the server has them now
  await ctx.progress.run(m.t("p_confirm"), () => est.csrattrs(identity(stored!, pass)));
  const oldCert = new x509.X509Certificate(current.certPem);
  const newCert = new x509.X509Certificate(stored.certPem);
  const issuer = issuerIn(newCert, parsePem(stored.chainPem));
  const url = ocspUrl(newCert);
  if (!issuer || !url) throw new AppError("err_protocol", { detail: "no OCSP URL or issuer" }, EXIT.protocol, "hint_protocol");
  const oldIssuer = issuerIn(oldCert, [...parsePem(current.chainPem), ...parsePem(stored.chainPem)]) ?? issuer;
  const [oldS, newS] = await ctx.progress.run(m.t("p_ocsp"), async () => {
    if (oldIssuer === issuer || oldIssuer.serialNumber === issuer.serialNumber) return ocspStatus(url, [oldCert, newCert], issuer, ctx.timeoutMs);
    const [a] = await ocspStatus(ocspUrl(oldCert) ?? url, [oldCert], oldIssuer, ctx.timeoutMs);
    const [b] = await ocspStatus(url, [newCert], issuer, ctx.timeoutMs);
    return [a!, b!];
  });
  if (newS!.status !== "good") {
    ctx.store.deleteRequest(id);
    ctx.store.updateMeta(stored.meta.serial, { state: newS!.status === "revoked" ? "superseded" : "revoked" });
    throw new AppError("err_renewal_lost", { serial: stored.meta.serial }, EXIT.certificate, "hint_renewal_lost");
  }
  if (oldS!.status !== "revoked") throw new AppError("err_not_confirmed", { serial: stored.meta.serial }, EXIT.refused, "hint_not_confirmed");
  ctx.store.updateMeta(cm.serial, { state: "superseded", renewedTo: stored.meta.serial });
  const meta = ctx.store.updateMeta(stored.meta.serial, { state: "active", renewedFrom: cm.serial });
  ctx.store.deleteRequest(id);
  result(ctx, "renew", meta, { resumed, replaced: cm.serial });
}

// ---- list -----------------------------------------------------------------------------------

type ShownState = "valid" | "renewable" | "expired" | "revoked" | "superseded" | "unconfirmed" | "unknown";

interface Row {
  number: number;
  cert: StoredCert;
  state: ShownState;
  checked: boolean;
  reason?: string;
}

/** Asks OCSP for every certificate (one request per responder); failures leave `checked` false. */
async function states(ctx: Ctx, certs: StoredCert[], offline: boolean): Promise<Row[]> {
  const all = ctx.store.certs();
  const answers = new Map<string, OcspStatus>();
  const failures = new Map<string, string>();
  if (!offline) {
    const groups = new Map<string, { url: string; issuer: x509.X509Certificate; items: StoredCert[] }>();
    for (const c of certs) {
      const x = new x509.X509Certificate(c.certPem);
      const url = ocspUrl(x);
      const issuer = issuerIn(x, parsePem(c.chainPem));
      if (!url || !issuer) {
        failures.set(c.meta.serial, "no OCSP URL");
        continue;
      }
      const key = `${url}\n${issuer.serialNumber}`;
      const g = groups.get(key) ?? { url, issuer, items: [] };
      g.items.push(c);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      try {
        const got = await ctx.progress.run(ctx.m.t("p_ocsp"), () => ocspStatus(g.url, g.items.map((c) => new x509.X509Certificate(c.certPem)), g.issuer, ctx.timeoutMs));
        g.items.forEach((c, i) => answers.set(c.meta.serial, got[i]!));
      } catch (e) {
        const reason = e instanceof AppError ? ctx.m.t(e.key, e.params) : (e as Error).message;
        for (const c of g.items) failures.set(c.meta.serial, reason);
      }
    }
  }
  const now = Date.now();
  return certs.map((c) => {
    const a = answers.get(c.meta.serial);
    const expired = now > new Date(c.meta.notAfter).getTime();
    let state: ShownState;
    if (a?.status === "revoked") state = a.reason === REASON_SUPERSEDED ? "superseded" : "revoked";
    else if (c.meta.state === "superseded" || c.meta.state === "revoked") state = c.meta.state;
    else if (expired) state = "expired";
    else if (c.meta.state === "unconfirmed") state = "unconfirmed";
    else if (a?.status === "unknown") state = "unknown";
    else state = now >= opensAt(c.meta).getTime() ? "renewable" : "valid";
    return { number: all.findIndex((x) => x.meta.serial === c.meta.serial) + 1, cert: c, state, checked: Boolean(a), reason: offline ? ctx.m.t("state_offline") : failures.get(c.meta.serial) };
  });
}

/** What OCSP said becomes the store's last known state (superseded, revoked). */
function remember(ctx: Ctx, rows: Row[]) {
  const changes = rows.filter((r) => (r.state === "superseded" || r.state === "revoked") && r.cert.meta.state !== r.state);
  if (changes.length === 0) return;
  try {
    ctx.store.lock();
  } catch {
    return; // another run is writing; the next list will remember
  }
  for (const r of changes) ctx.store.updateMeta(r.cert.meta.serial, { state: r.state as LocalState });
}

function stateText(ctx: Ctx, r: Row): string {
  const { m } = ctx;
  const meta = r.cert.meta;
  const n = r.number;
  let s: string;
  switch (r.state) {
    case "valid":
      s = m.t("state_valid", { from: formatTime(opensAt(meta), m.locale) });
      break;
    case "renewable":
      s = m.t("state_renewable", { until: formatTime(new Date(meta.notAfter), m.locale), n });
      break;
    default:
      s = m.t(`state_${r.state}` as MessageKey, { n });
  }
  if (!r.checked && r.reason) s += ` [${m.t("state_unchecked", { reason: r.reason })}]`;
  return s;
}

async function list(ctx: Ctx, v: Values) {
  const { m } = ctx;
  const certs = ctx.store.certs();
  const requests = ctx.store.requests();
  const rows = await states(ctx, certs, v.offline ?? false);
  remember(ctx, rows);
  if (ctx.json) {
    out(
      ctx,
      JSON.stringify(
        rows.map((r) => ({
          number: r.number,
          serial: r.cert.meta.serial,
          subject: r.cert.meta.subject,
          cn: r.cert.meta.cn,
          ou: r.cert.meta.ou,
          o: r.cert.meta.o,
          bank: r.cert.meta.bank,
          server: r.cert.meta.server,
          loginId: r.cert.meta.loginId,
          notBefore: r.cert.meta.notBefore,
          notAfter: r.cert.meta.notAfter,
          renewableFrom: opensAt(r.cert.meta).toISOString(),
          state: r.state,
          checked: r.checked,
          renewalInProgress: requests.some((q) => q.renews === r.cert.meta.serial && !q.refused),
        })),
      ),
    );
    return;
  }
  if (certs.length === 0) {
    out(ctx, m.t("list_empty", { store: ctx.store.dir }));
    return;
  }
  const lines = [m.t("list_header", { store: ctx.store.dir }), ""];
  for (const r of rows) {
    const meta = r.cert.meta;
    lines.push(`[${r.number}] ${meta.subject}`);
    lines.push(`    ${m.t("field_serial")}: ${meta.serial}   ${m.t("field_bank")}: ${meta.bank} (${meta.server})`);
    lines.push(`    ${m.t("field_validity")}: ${formatTime(new Date(meta.notBefore), m.locale)} – ${formatTime(new Date(meta.notAfter), m.locale)}`);
    lines.push(`    ${m.t("field_state")}: ${stateText(ctx, r)}`);
    if (requests.some((q) => q.renews === meta.serial && !q.refused)) {
      lines.push(`    ${m.t("list_in_progress", { n: r.number })}`);
    }
  }
  out(ctx, lines.join("\n"));
  const failed = rows.find((r) => !r.checked && r.reason && !(v.offline ?? false));
  if (failed) ctx.io.stderr.write(m.t("warn_status", { reason: failed.reason! }) + "\n");
}

// ---- export and install ---------------------------------------------------------------------

function chainForP12(c: StoredCert): Array<{ der: Uint8Array; name: string }> {
  return parsePem(c.chainPem).map((x) => ({ der: new Uint8Array(x.rawData), name: x.subjectName.getField("CN")[0] ?? x.subject }));
}

async function p12Password(ctx: Ctx): Promise<string> {
  const fromEnv = ctx.io.env.INKAN_APP_P12_PASSWORD;
  const p = fromEnv ?? (await ctx.secrets.ask(ctx.m.t("ask_p12_password"), ctx.m.t("what_p12_password")));
  if (p.length === 0) throw new AppError("err_p12_password_empty", {}, EXIT.usage, "hint_retry");
  if (fromEnv === undefined && ctx.secrets.interactive) {
    const again = await ctx.secrets.ask(ctx.m.t("ask_again"), ctx.m.t("what_p12_password"));
    if (again !== p) throw new AppError("err_passphrase_mismatch", {}, EXIT.usage, "hint_retry");
  }
  return p;
}

async function exportP12(ctx: Ctx, v: Values, sel: string | undefined) {
  const { m } = ctx;
  if (!v.p12) throw usage("usage_missing", { option: "--p12 FILE" });
  const file = resolvePath(v.p12);
  const { cert } = select(ctx, sel);
  if (existsSync(file) && !v.force) throw new AppError("err_file_exists", { file }, EXIT.tool, "hint_file_exists");
  const pass = await passphrase(ctx);
  const password = await p12Password(ctx);
  const bytes = buildPkcs12({ pkcs8: decryptKey(cert.keyPem, pass), cert: new Uint8Array(new x509.X509Certificate(cert.certPem).rawData), chain: chainForP12(cert), friendlyName: cert.meta.cn, password, legacy: v.legacy ?? false });
  try {
    writeFileSync(file, bytes, { mode: 0o600, flag: v.force ? "w" : "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new AppError("err_file_exists", { file }, EXIT.tool, "hint_file_exists");
    throw new AppError("err_file_write", { file, reason: code ?? (e as Error).message }, EXIT.tool, "hint_file_write");
  }
  out(ctx, m.t("export_done", { file, cipher: m.t(v.legacy ? "export_cipher_legacy" : "export_cipher_modern") }));
  if (!usable(cert) || Date.now() > new Date(cert.meta.notAfter).getTime()) {
    ctx.io.stderr.write(m.t("export_warn_not_valid", { state: cert.meta.state }) + "\n");
  }
}

async function install(ctx: Ctx, v: Values) {
  const { m } = ctx;
  if (!v.nss) throw usage("usage_missing", { option: "--nss [DIR]" });
  const dir = resolvePath(v["nss-dir"] ?? defaultNssDir(ctx.io.env));
  const { cert } = select(ctx, v.cert);
  const pass = await passphrase(ctx);
  const pkcs8 = decryptKey(cert.keyPem, pass);
  const chain = chainForP12(cert);
  const root = rootIn(parsePem(cert.chainPem));
  const rootName = root ? (root.subjectName.getField("CN")[0] ?? root.subject) : chain[chain.length - 1]?.name ?? "root";
  const der = new Uint8Array(new x509.X509Certificate(cert.certPem).rawData);
  const { created } = await installIntoNss({
    dir,
    rootName,
    dbPassword: ctx.io.env.INKAN_APP_NSS_PASSWORD ?? "",
    // a throwaway file with a random password: the iteration count only has to be reasonable
    p12: (password) => buildPkcs12({ pkcs8, cert: der, chain, friendlyName: cert.meta.cn, password, iterations: LEGACY_ITERATIONS }),
  });
  if (created) out(ctx, m.t("install_created_db", { dir }));
  out(ctx, m.t("install_done", { dir, cn: cert.meta.cn, root: rootName }));
  out(ctx, m.t("install_note"));
}

// ---- delete ---------------------------------------------------------------------------------

async function remove(ctx: Ctx, v: Values, sel: string | undefined) {
  const { m } = ctx;
  ctx.store.lock();
  const targets = sel === undefined ? ctx.store.certs() : [select(ctx, sel).cert];
  const rows = await states(ctx, targets, v.offline ?? false);
  remember(ctx, rows);
  const old = (r: Row) => r.state === "superseded" || r.state === "revoked" || r.state === "expired";
  if (sel !== undefined) {
    const r = rows[0]!;
    if (!old(r) && !v.force) throw new AppError("err_delete_valid", { cn: r.cert.meta.cn }, EXIT.store, "hint_delete_valid");
  }
  const doomed = sel === undefined ? rows.filter(old) : rows;
  if (doomed.length === 0) {
    out(ctx, m.t("delete_nothing"));
    return;
  }
  for (const r of doomed) {
    ctx.store.deleteCert(r.cert.meta.serial);
    out(ctx, m.t("delete_done", { subject: r.cert.meta.subject, state: r.state }));
  }
}

