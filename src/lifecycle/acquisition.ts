import { DomainError } from "../domain/errors.js";
import { commonName, graceEndsAt, issuanceStamp, REVOCATION_REASONS } from "../domain/certificate.js";
import { certificateValidity } from "../domain/validity.js";
import { checkCsr, decodeCsrBody, type CheckedCsr } from "../ca/csr-check.js";
import type { CertificateAuthority } from "../ca/authority.js";
import type { Store, UserRecord, ContractRecord, CertificateRecord } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankContext, RequestContext } from "./context.js";
import { finishSigning } from "./recovery.js";

export interface IssuedCertificate {
  serial: string;
  der: Uint8Array;
  chain: Uint8Array[];
  notAfter: Date;
  /** true when an identical earlier request is answered with the certificate it already got */
  repeated: boolean;
}

function live(c: CertificateRecord, now: Date): boolean {
  return (c.state === "active" || c.state === "pending") && c.notAfter.getTime() >= now.getTime();
}

/**
 * 電子証明書取得: a user with no valid certificate gets one for the key in the CSR. Allowed at 未発行,
 * 失効済み, or 有効期限切れ within the grace period. A certificate issued but never used (pending)
 * does not block: the same request gets the same certificate again, a new key replaces it — so an
 * interrupted acquisition never locks anyone out.
 */
export async function acquire(
  deps: { store: Store; ca: CertificateAuthority; clock: Clock },
  bank: BankContext,
  who: { user: UserRecord; contract: ContractRecord },
  csrBody: string | Uint8Array,
  ctx: RequestContext,
): Promise<IssuedCertificate> {
  const { store, ca, clock } = deps;
  const bankId = bank.config.id;
  const { user, contract } = who;
  const bankCa = ca.bank(bankId);
  if (!bankCa) throw new DomainError("bank_not_found", { bank: bankId });

  const refuse = async (code: ConstructorParameters<typeof DomainError>[0], params: Record<string, string | number> = {}, reason?: string) => {
    await store.write(bankId, (w) =>
      w.audit({ at: clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: "certificate.acquire", contractId: contract.id, targetUserId: user.id, result: "refused", detail: { reason: reason ?? code } }),
    );
    return new DomainError(code, params);
  };

  if (contract.loginMethod !== "certificate") throw await refuse("contract_not_certificate");

  let csr: CheckedCsr;
  try {
    csr = checkCsr(decodeCsrBody(csrBody), bank.policy);
  } catch (e) {
    if (e instanceof DomainError) throw await refuse(e.code, e.params);
    throw e;
  }

  // a record left half-way by a crash is finished first, so the decision below sees it whole
  for (const c of await store.userCertificates(bankId, user.id)) if (c.state === "signing") await finishSigning(deps, c);

  const owner = await store.spkiInUse(csr.spkiSha256);
  if (owner) {
    const same = owner.bankId === bankId && owner.userId === user.id ? await store.getCertificate(bankId, owner.serial) : undefined;
    if (same && same.state === "pending" && same.der && live(same, clock.now())) {
      return { serial: same.serial, der: same.der, chain: bankCa.chain, notAfter: same.notAfter, repeated: true };
    }
    throw await refuse("key_reused");
  }

  const now = clock.now();
  const { notBefore, notAfter } = certificateValidity(now, bank.policy.validity, bank.offsetMinutes);
  const cn = commonName(user.loginId, user.userNo, issuanceStamp(now, bank.offsetMinutes, Number(process.hrtime.bigint() % 1000n)));
  const prepared = bankCa.prepareUserCertificate({ commonName: cn, spki: csr.spki, notBefore, notAfter });

  let replaced: string | null = null;
  try {
    await store.write(bankId, async (w) => {
      const certs = await w.userCertificates(bankId, user.id);
      // a record still being signed by a parallel request counts as the current one: it is
      // superseded like a pending one, so that only the last request's certificate stays valid
      const current = certs.find((c) => live(c, now) || c.state === "signing");
      if (current?.state === "active") throw new DomainError("certificate_already_valid");
      const latest = certs.find((c) => c.state !== "signing");
      if (!current && latest && (latest.state === "active" || latest.state === "pending")) {
        // expired: acquisition only within the grace period
        const ends = graceEndsAt(latest.notAfter, bank.policy.graceAfterExpiry);
        if (now.getTime() > ends.getTime()) throw new DomainError("acquisition_grace_expired", { wayOut: "" }, user.role);
      }
      if (current && (current.state === "pending" || current.state === "signing")) {
        // a certificate handed out but never used is replaced by the new request
        await w.revoke({ serial: current.serial, caId: current.caId, notAfter: current.notAfter, reason: REVOCATION_REASONS.superseded, state: "superseded", actor: `user:${user.loginId}`, at: now });
        replaced = current.serial;
      }
      const requestId = await w.addRequest({ userId: user.id, kind: "acquire", csrSha256: csr.spkiSha256, csrDer: csr.der, at: now });
      await w.insertSigning(
        { serial: prepared.serial, caId: bankCa.issuing.id, contractId: contract.id, userId: user.id, subject: prepared.subject, notBefore, notAfter, spkiSha256: csr.spkiSha256, tbsDer: prepared.tbsDer, requestId, replacesSerial: replaced },
        now,
      );
      await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: prepared.serial, action: "certificate.sign_requested", contractId: contract.id, targetUserId: user.id, result: "ok", detail: { key: csr.keyDescription, replaces: replaced } });
    });
  } catch (e) {
    if (e instanceof DomainError) {
      const wayOut = e.code === "acquisition_grace_expired" ? wayOutText(user.role) : undefined;
      throw await refuse(e.code, wayOut ? { wayOut } : e.params);
    }
    if (isUniqueViolation(e)) {
      // the same key arrived twice at once: the other request won; answer as a repeat would
      return acquire(deps, bank, who, csrBody, ctx);
    }
    throw e;
  }

  const signed = await bankCa.sign(prepared.tbsDer);
  const stored = await store.write(bankId, async (w) => {
    if (await w.completeSigning(prepared.serial, signed, clock.now())) {
      await w.audit({ at: clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: prepared.serial, action: "certificate.issued", contractId: contract.id, targetUserId: user.id, result: "ok", detail: { subject: prepared.subject, notAfter: notAfter.toISOString() } });
      return signed;
    }
    // a parallel request got here first: it either finished this very record (answer with the
    // stored copy, byte for byte) or replaced it (this request lost and is told so)
    const rec = await w.getCertificate(bankId, prepared.serial);
    return rec?.state === "pending" && rec.der ? rec.der : undefined;
  });
  if (replaced) await ca.revoked(bankId);
  // the request that replaced this record has already republished the CRL
  if (!stored) throw await refuse("concurrent_request");
  return { serial: prepared.serial, der: stored, chain: bankCa.chain, notAfter, repeated: false };
}

/** The way out of a refusal past the grace period, ja / en. */
function wayOutText(role: string): string {
  return role === "master"
    ? "お取引店に電子証明書の再発行（初期化）をご依頼ください。 / Please ask your bank to reset your certificate."
    : "マスターユーザまたは管理者ユーザに初期化を依頼してください。 / Please ask your master user or an administrator to reset your certificate.";
}

export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === "23505" || err?.code === "SQLITE_CONSTRAINT_UNIQUE" || err?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
