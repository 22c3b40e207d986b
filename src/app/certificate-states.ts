import { AppError } from "./errors.js";
import type { MessageKey } from "./messages.js";
import type { LocalState, StoredCert } from "./certificate-store.js";
import { ocspStatus, ocspUrl, REASON_SUPERSEDED, type OcspStatus } from "./ocsp-client.js";
import { formatTime, issuerIn, parsePem } from "./format.js";
import { opensAt, type Ctx } from "./context.js";
import * as x509 from "./x509.js";

/** A certificate's state as shown: the store's last known state, corrected by what OCSP says now. */

export type ShownState = "valid" | "renewable" | "expired" | "revoked" | "superseded" | "unconfirmed" | "unknown";

export interface Row {
  number: number;
  cert: StoredCert;
  state: ShownState;
  checked: boolean;
  reason?: string;
}

/** Asks OCSP for every certificate (one request per responder); failures leave `checked` false. */
export async function states(ctx: Ctx, certs: StoredCert[], offline: boolean): Promise<Row[]> {
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
  const now = ctx.clock.now().getTime();
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
export function remember(ctx: Ctx, rows: Row[]) {
  const changes = rows.filter((r) => (r.state === "superseded" || r.state === "revoked") && r.cert.meta.state !== r.state);
  if (changes.length === 0) return;
  try {
    ctx.store.lock();
  } catch {
    return; // another run is writing; the next list will remember
  }
  for (const r of changes) ctx.store.updateMeta(r.cert.meta.serial, { state: r.state as LocalState });
}

export function stateText(ctx: Ctx, r: Row): string {
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
