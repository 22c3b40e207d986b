import { randomBytes, X509Certificate } from "node:crypto";
import { buildName, buildTbs, nameToString, randomSerial, signTbs } from "./certificate-builder.js";
import { buildCrl } from "./crl-builder.js";
import { caUrls, issueOcspResponder } from "./bank-ca.js";
import { issuingExtensions, rootExtensions } from "./profiles.js";
import type { KeyKind, Signer } from "./signer.js";
import type { KeyStore } from "./key-store.js";
import type { RevokedEntry, Store } from "../store/store.js";
import type { BankConfig } from "../config/schema.js";
import type { Clock } from "../domain/clock.js";
import { addDuration, parseDuration } from "../domain/duration.js";
import { firstGeneration, rootName as rootCommonName } from "../domain/ca-generations.js";

const YEAR = 365 * 86_400_000;

export interface CeremonyParams {
  store: Store;
  keys: KeyStore;
  bank: BankConfig;
  /** the plain-HTTP base the CDP and AIA URLs point at */
  httpBase: string;
  clock: Clock;
  actor: string;
  /** where the root's key is made: the offline root's own store (the online one when absent) */
  rootKeys?: KeyStore;
}

const second = (clock: Clock) => new Date(Math.floor(clock.now().getTime() / 1000) * 1000);

/**
 * The key ceremony of a bank: a root, an issuing CA under it (pointing at the root's CRL and
 * certificate), the root's first CRL and an OCSP responder certificate, each key made in the key
 * store and each certificate recorded, with an audit record.
 */
export async function runCeremony(p: CeremonyParams): Promise<void> {
  const { store, keys, bank, clock } = p;
  const now = second(clock);
  const stamp = now.toISOString().slice(0, 10).replace(/-/g, "");
  const kind = bank.caKey as KeyKind;
  const root = await (p.rootKeys ?? keys).create(bank.id, `root-${stamp}-${randomBytes(4).toString("hex")}`, kind);
  const rootName = buildName([
    { type: "O", value: bank.organization },
    { type: "CN", value: rootCommonName(bank.caName) },
  ]);
  const rootNotAfter = new Date(now.getTime() + 20 * YEAR);
  const rootDer = await signTbs(
    buildTbs({ serial: randomSerial(), issuer: rootName, subject: rootName, notBefore: now, notAfter: rootNotAfter, subjectSpki: root.signer.spki, issuerSpki: root.signer.spki, signer: root.signer, extensions: rootExtensions() }),
    root.signer,
  );
  const issuing = await keys.create(bank.id, `issuing-${stamp}-${randomBytes(4).toString("hex")}`, kind);
  const issuingName = buildName([
    { type: "O", value: bank.organization },
    { type: "CN", value: bank.caName },
  ]);
  const issuingNotAfter = new Date(now.getTime() + 10 * YEAR);
  // the root is recorded first: its record number names the URLs the issuing CA points at
  const { rootId, issuingDer, issuingId } = await store.write(bank.id, async (w) => {
    const rootId = await w.insertCa({ kind: "root", subject: nameToString(rootName), certDer: rootDer, keyRef: root.keyRef, notAfter: rootNotAfter, at: now });
    const issuingDer = await signTbs(
      buildTbs({ serial: randomSerial(), issuer: rootName, subject: issuingName, notBefore: now, notAfter: issuingNotAfter, subjectSpki: issuing.signer.spki, issuerSpki: root.signer.spki, signer: root.signer, extensions: issuingExtensions(bank.policyOid, caUrls(p.httpBase, bank.id, rootId)) }),
      root.signer,
    );
    const issuingId = await w.insertCa({ kind: "issuing", subject: nameToString(issuingName), certDer: issuingDer, keyRef: issuing.keyRef, notAfter: issuingNotAfter, at: now, parentId: rootId, generation: firstGeneration(bank.caName) });
    await w.audit({ at: now, actorKind: "cli", actorId: p.actor, action: "ca.ceremony", result: "ok", detail: { issuingCaId: issuingId, rootCaId: rootId, keyKind: kind, root: nameToString(rootName), issuing: nameToString(issuingName) } });
    return { rootId, issuingDer, issuingId };
  });
  await signRootCrl({ ...p, root: { id: rootId, der: rootDer, signer: root.signer } });
  await issueOcspResponder(store, keys, bank, { id: issuingId, der: issuingDer, signer: issuing.signer, generation: firstGeneration(bank.caName) }, clock, p.actor);
}

/** What the root's CRL lists: the issuing CAs it signed and revoked, until they would have expired. */
async function revokedIssuingCas(store: Store, bankId: string, rootId: number, at: Date): Promise<RevokedEntry[]> {
  return (await store.bankCas(bankId))
    .filter((c) => c.kind === "issuing" && c.parentId === rootId && c.revokedAt && c.notAfter.getTime() >= at.getTime())
    .map((c) => ({ serial: new X509Certificate(Buffer.from(c.certDer)).serialNumber.toLowerCase(), revokedAt: c.revokedAt!, reason: c.revocationReason ?? 0 }));
}

export interface RootCrlParams extends CeremonyParams {
  root: { id: number; der: Uint8Array; signer: Signer };
}

/**
 * Signs the root's CRL (the ARL: the issuing CAs it revoked), dated the second it is signed and
 * valid for the bank's rootCrlValidity; stored, so every serving process publishes it. Audited.
 */
export async function signRootCrl(p: RootCrlParams): Promise<{ number: number; thisUpdate: Date; nextUpdate: Date }> {
  const { store, root } = p;
  const thisUpdate = second(p.clock);
  const nextUpdate = addDuration(thisUpdate, parseDuration(p.bank.rootCrlValidity ?? "P1Y"));
  const { number, statusRevision } = await store.nextCrlNumber(root.id);
  const entries = await revokedIssuingCas(store, p.bank.id, root.id, thisUpdate);
  const der = await buildCrl({ issuerCertDer: root.der, signer: root.signer, number, thisUpdate, nextUpdate, entries });
  await store.saveCrl({ caId: root.id, number, statusRevision, thisUpdate, nextUpdate, der });
  await store.write(p.bank.id, (w) =>
    w.audit({ at: thisUpdate, actorKind: "cli", actorId: p.actor, action: "ca.root_crl_signed", result: "ok", detail: { rootCaId: root.id, crlNumber: number, entries: entries.length, nextUpdate: nextUpdate.toISOString() } }),
  );
  return { number, thisUpdate, nextUpdate };
}
