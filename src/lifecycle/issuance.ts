import { DomainError, isUniqueConflict, type ErrorCode, type ErrorParams } from "../domain/errors.js";
import { commonName, issuanceStamp, REVOCATION_REASONS } from "../domain/certificate.js";
import { certificateValidity } from "../domain/validity.js";
import type { CheckedCsr } from "../ca/csr-check.js";
import type { UserRecord, ContractRecord, CertificateRecord, WriteTx } from "../store/store.js";
import type { AuditedStep, BankContext, Deps, RequestContext } from "./context.js";
import { finishSigning } from "./recovery.js";
import { issuerHorizon, type IssuerHorizon } from "../domain/ca-generations.js";

/** Where the bank's active issuing generation stands against the rule that no certificate outlives it. */
export function issuerHorizonOf(bank: BankContext, issuerNotAfter: Date, now: Date): IssuerHorizon {
  return issuerHorizon({ issuerNotAfter, now, validity: bank.policy.validity, renewalWindow: bank.policy.renewalWindow, offsetMinutes: bank.offsetMinutes });
}

export interface IssuedCertificate {
  serial: string;
  der: Uint8Array;
  chain: Uint8Array[];
  notAfter: Date;
  /** true when an identical earlier request is answered with the certificate it already got */
  repeated: boolean;
}

export type { Deps } from "./context.js";

export function isLive(c: CertificateRecord, now: Date): boolean {
  return (c.state === "active" || c.state === "pending") && c.notAfter.getTime() >= now.getTime();
}

/** Whom a refusal concerns, as its audit record names them. */
export interface Concerning {
  userId?: number;
  contractId?: number;
}

/** Records a refusal in the audit log and returns the error to throw. */
export async function refusal(s: AuditedStep, who: Concerning, code: ErrorCode, params: ErrorParams = {}): Promise<DomainError> {
  const { deps, ctx } = s;
  await deps.store.write(s.bank.config.id, (w) =>
    w.audit({ at: deps.clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: ctx.certSerial, action: s.action, contractId: who.contractId ?? null, targetUserId: who.userId ?? null, result: "refused", detail: { reason: code } }),
  );
  return new DomainError(code, params);
}

export interface IssueRequest {
  kind: "acquire" | "renew";
  user: UserRecord;
  contract: ContractRecord;
  csr: CheckedCsr;
  /**
   * The flow's own rules, decided inside the write transaction over the user's records as they are
   * now: throw a DomainError to refuse; return the record the new certificate replaces, if any.
   */
  decide(w: WriteTx, certs: CertificateRecord[], now: Date): Promise<{ replaces: string | null }>;
}

/**
 * Record before you sign (Boulder's issuance cycle): the request, the serial and the whole TBS are
 * stored in one transaction with its audit record; the signature is made outside it and stored
 * after. A pending (or still-signing) certificate of the same user is superseded by the new one,
 * so however many requests race, one certificate stays valid. The same key asked for again gets
 * the same certificate back.
 */
export async function issue(deps: Deps, bank: BankContext, req: IssueRequest, ctx: RequestContext): Promise<IssuedCertificate> {
  const { store, ca, clock } = deps;
  const bankId = bank.config.id;
  const { user, contract, csr } = req;
  const action = `certificate.${req.kind}`;
  const step: AuditedStep = { deps, bank, ctx, action };
  const bankCa = ca.issuer(bankId);
  if (!bankCa) throw new DomainError("bank_not_found", { bank: bankId });
  // never a certificate that outlives its issuer (or whose renewal would fall past it)
  if (issuerHorizonOf(bank, bankCa.notAfter, clock.now()).state === "refuse") {
    throw await refusal(step, { userId: user.id, contractId: contract.id }, "issuer_expiring");
  }

  // a record left half-way by a crash is finished first, so the decision below sees it whole
  for (const c of await store.userCertificates(bankId, user.id)) if (c.state === "signing") await finishSigning(deps, c);

  const owner = await store.spkiInUse(csr.spkiSha256);
  if (owner) {
    const same = owner.bankId === bankId && owner.userId === user.id ? await store.getCertificate(bankId, owner.serial) : undefined;
    if (same && same.state === "pending" && same.der && isLive(same, clock.now())) {
      return { serial: same.serial, der: same.der, chain: bankCa.chain, notAfter: same.notAfter, repeated: true };
    }
    throw await refusal(step, { userId: user.id, contractId: contract.id }, "key_reused");
  }

  const now = clock.now();
  const { notBefore, notAfter } = certificateValidity(now, bank.policy.validity, bank.offsetMinutes);
  const cn = commonName(user.loginId, user.userNo, issuanceStamp(now, bank.offsetMinutes, Number(process.hrtime.bigint() % 1000n)));
  const prepared = bankCa.prepareUserCertificate({ commonName: cn, spki: csr.spki, notBefore, notAfter });

  let superseded = false;
  try {
    await store.write(bankId, async (w) => {
      const certs = await w.userCertificates(bankId, user.id);
      const { replaces } = await req.decide(w, certs, now);
      // a pending certificate, or one still being signed for a parallel request, is replaced
      for (const c of certs) {
        if (c.serial === replaces) continue;
        if (c.state === "signing" || (c.state === "pending" && isLive(c, now))) {
          await w.revoke({ serial: c.serial, caId: c.caId, notAfter: c.notAfter, reason: REVOCATION_REASONS.superseded, state: "superseded", actor: `user:${user.loginId}`, at: now });
          superseded = true;
        }
      }
      const requestId = await w.addRequest({ userId: user.id, kind: req.kind, csrSha256: csr.spkiSha256, csrDer: csr.der, at: now });
      await w.insertSigning(
        { serial: prepared.serial, caId: bankCa.caId, contractId: contract.id, userId: user.id, subject: prepared.subject, notBefore, notAfter, spkiSha256: csr.spkiSha256, tbsDer: prepared.tbsDer, requestId, replacesSerial: replaces },
        now,
      );
      await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: prepared.serial, action: "certificate.sign_requested", contractId: contract.id, targetUserId: user.id, result: "ok", detail: { kind: req.kind, key: csr.keyDescription, replaces } });
    });
  } catch (e) {
    if (e instanceof DomainError) throw await refusal(step, { userId: user.id, contractId: contract.id }, e.code, e.params);
    // the same key arrived twice at once: the other request won; answer as a repeat would
    if (isUniqueConflict(e)) return issue(deps, bank, req, ctx);
    throw e;
  }

  const signed = await bankCa.sign(prepared.tbsDer);
  const stored = await store.write(bankId, async (w) => {
    if (await w.completeSigning(prepared.serial, signed, clock.now())) {
      await w.queueNotice({ kind: "issued", serial: prepared.serial, userId: user.id, at: clock.now() });
      await w.audit({ at: clock.now(), actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: prepared.serial, action: "certificate.issued", contractId: contract.id, targetUserId: user.id, result: "ok", detail: { kind: req.kind, subject: prepared.subject, notAfter: notAfter.toISOString() } });
      return signed;
    }
    // a parallel request got here first: it either finished this very record (answer with the
    // stored copy, byte for byte) or replaced it (this request lost and is told so)
    const rec = await w.getCertificate(bankId, prepared.serial);
    return rec?.state === "pending" && rec.der ? rec.der : undefined;
  });
  if (superseded) await ca.revoked(bankId);
  // the request that replaced this record has already republished the CRL
  if (!stored) throw await refusal(step, { userId: user.id, contractId: contract.id }, "concurrent_request");
  return { serial: prepared.serial, der: stored, chain: bankCa.chain, notAfter, repeated: false };
}
