import { createHash } from "node:crypto";
import { isValidDuration } from "../../domain/duration.js";
import { EstClient, type Target } from "../est-client.js";
import { KEY_KINDS, keyKindOf, newKeyAndCsr, publicKeyOf, type KeyKind } from "../keys.js";
import { encryptPkcs8Pem } from "../../shared/pkcs12-node.js";
import { toPem } from "../format.js";
import { usage, type Values } from "../command-line.js";
import type { CertMeta } from "../certificate-store.js";
import { crashPoint, hintParams, identity, metaFor, mustMatchKey, passphrase, readCaFile, sendKept, withOtp, type Ctx } from "../context.js";
import { installAndShow } from "../result-text.js";

export interface IssueInput {
  /** https://host[:port], as serverOrigin() checked it */
  server: string;
  bank: string;
  loginId: string;
  key: KeyKind;
  /** ISO-8601 duration: EST does not carry the bank's renewal window */
  renewalWindow: string;
  /** the CA of the server's TLS certificate (PEM), remembered with the certificate; null: the system's CAs */
  serverCaPem: string | null;
}

export interface Issued {
  meta: CertMeta;
  /** a request kept from an earlier run was finished */
  resumed: boolean;
}

/** The server's origin from what the person gave (--server, the window's configuration). */
export function serverOrigin(text: string): string {
  try {
    const server = new URL(text);
    if (server.protocol !== "https:") throw new Error("https:// only");
    return server.origin;
  } catch {
    throw usage("usage_bad_value", { option: "--server", value: text, expected: "https://host[:port]" });
  }
}

/** 証明書発行: a new key, its CSR sent over EST with the login password (and one-time password), the certificate stored and activated. */
export async function issueCertificate(ctx: Ctx, input: IssueInput): Promise<Issued> {
  const { m } = ctx;
  const { server, bank, loginId, serverCaPem } = input;
  hintParams.current = { server, bank, loginId };
  const target: Target = { server, bank, serverCaPem: serverCaPem ?? undefined, timeoutMs: ctx.timeoutMs };
  const est = new EstClient(target);

  ctx.store.lock();
  const chain = await ctx.progress.run(m.t("p_cacerts"), () => est.cacerts());
  await ctx.progress.run(m.t("p_csrattrs"), () => est.csrattrs());
  const id = "issue-" + createHash("sha256").update(`${server}\n${bank}\n${loginId}`).digest("hex").slice(0, 24);
  let req = ctx.store.request(id);
  let stored = req?.received ? ctx.store.cert(req.received) : undefined;
  // a request kept from an earlier run is finished with its own key; else the key is made now,
  // before anything is asked, so nothing typed meanwhile lands on an echoing terminal
  const resumed = Boolean(req);
  const made = req ? undefined : await ctx.progress.run(m.t("p_keygen"), () => newKeyAndCsr(input.key, loginId));
  const pass = await passphrase(ctx);
  if (!stored) {
    if (req) {
      publicKeyOf(req.keyPem, pass); // the key is still readable with this passphrase
    } else {
      const keyPem = await encryptPkcs8Pem(made!.pkcs8, pass);
      req = { format: 1, id, kind: "issue", server, bank, loginId, serverCaPem, renewalWindow: input.renewalWindow, keyType: keyKindOf(keyPem, pass), keyPem, csr: Buffer.from(made!.csr).toString("base64"), createdAt: ctx.clock.now().toISOString(), attempts: 0 };
      ctx.store.saveRequest(req);
    }
    const r = req;
    const password = await ctx.ask.ask("password", { loginId });
    // the one-time password is asked only when the server asks for it: a first acquisition by a
    // user with no token yet takes the login ID and password alone (domain/one-time-password.ts)
    const cert = await sendKept(ctx, r, () => withOtp(ctx, false, (otp) => ctx.progress.run(m.t("p_enroll"), () => est.simpleenroll(loginId, password, otp, Buffer.from(r.csr, "base64")))));
    crashPoint(ctx, "after-enroll");
    mustMatchKey(cert, r.keyPem, pass);
    const meta = metaFor(ctx, cert, r, "unconfirmed");
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
  return { meta, resumed };
}

/** `inkan-app issue`: the options checked, the certificate issued, the 証明書発行結果 printed. */
export async function issue(ctx: Ctx, v: Values) {
  for (const opt of ["server", "bank", "login-id"] as const) if (!v[opt]) throw usage("usage_missing", { option: `--${opt}` });
  const server = serverOrigin(v.server!);
  const key = (v.key ?? "rsa2048") as KeyKind;
  if (!KEY_KINDS.includes(key)) throw usage("usage_bad_value", { option: "--key", value: v.key!, expected: KEY_KINDS.join(" | ") });
  const renewalWindow = v["renewal-window"] ?? "P30D";
  if (!isValidDuration(renewalWindow)) throw usage("usage_bad_value", { option: "--renewal-window", value: renewalWindow, expected: "ISO-8601, P30D" });
  const serverCaPem = ctx.caFileOverride ? readCaFile(ctx.caFileOverride) : null;
  const r = await issueCertificate(ctx, { server, bank: v.bank!, loginId: v["login-id"]!, key, renewalWindow, serverCaPem });
  // the passphrase issueCertificate was given, remembered for this run (ctx.session)
  await installAndShow(ctx, "issue", ctx.store.cert(r.meta.serial)!, await passphrase(ctx), v.install ?? false, { resumed: r.resumed });
}
