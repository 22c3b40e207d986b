import { AppError, EXIT, ServerRefusal } from "../errors.js";
import { EstClient } from "../est-client.js";
import { ocspStatus, ocspUrl } from "../ocsp-client.js";
import { keyKindOf, newKeyAndCsr, publicKeyOf, type KeyKind } from "../keys.js";
import { encryptPkcs8Pem } from "../../shared/pkcs12-node.js";
import { formatTime, issuerIn, parsePem, toPem } from "../format.js";
import { crashPoint, hintParams, identity, metaFor, mustMatchKey, passphrase, select, sendKept, targetOf, withOtp, type Ctx } from "../context.js";
import type { CertMeta } from "../certificate-store.js";
import { installAndShow } from "../result-text.js";
import * as x509 from "../x509.js";

export interface Renewed {
  meta: CertMeta;
  /** a request kept from an earlier run was finished */
  resumed: boolean;
  /** the serial of the certificate it replaces (superseded now) */
  replaced: string;
}

/** `inkan-app renew`: the certificate renewed (and installed with --install), the 証明書更新結果 printed. */
export async function renew(ctx: Ctx, sel: string | undefined, install = false) {
  const r = await renewCertificate(ctx, sel);
  // the passphrase renewCertificate was given, remembered for this run (ctx.session)
  await installAndShow(ctx, "renew", ctx.store.cert(r.meta.serial)!, await passphrase(ctx), install, { resumed: r.resumed, replaced: r.replaced });
}

/** 証明書更新: a new key re-enrolled with the current certificate; confirmed by OCSP (the old one superseded, the new one good). */
export async function renewCertificate(ctx: Ctx, sel: string | undefined): Promise<Renewed> {
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
  if (!stored && ctx.clock.now().getTime() > new Date(cm.notAfter).getTime()) {
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
      const keyPem = await encryptPkcs8Pem(made!.pkcs8, pass);
      req = { format: 1, id, kind: "renew", server: cm.server, bank: cm.bank, loginId: cm.loginId, renews: cm.serial, serverCaPem: target.serverCaPem ?? null, renewalWindow: cm.renewalWindow, keyType: keyKindOf(keyPem, pass), keyPem, csr: Buffer.from(made!.csr).toString("base64"), createdAt: ctx.clock.now().toISOString(), attempts: 0 };
      ctx.store.saveRequest(req);
    }
    const r = req;
    const password = await ctx.ask.ask("password", { loginId: cm.loginId });
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
    const meta = metaFor(ctx, cert, r, "unconfirmed", { renewedFrom: cm.serial });
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
  return { meta, resumed, replaced: cm.serial };
}
