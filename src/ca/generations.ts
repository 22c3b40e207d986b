import { randomBytes } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn from "@peculiar/asn1-x509";
import { buildName, buildTbs, certificateSpki, nameToString, randomSerial, signTbs } from "./certificate-builder.js";
import { caUrls, makeOcspResponder } from "./bank-ca.js";
import { signRootCrl, type CeremonyParams } from "./ceremony.js";
import { issuingExtensions } from "./profiles.js";
import type { KeyKind, Signer } from "./signer.js";
import { firstGeneration, generationName } from "../domain/ca-generations.js";
import { REVOCATION_REASONS, type RevocationReason } from "../domain/certificate.js";
import { DomainError } from "../domain/errors.js";

const YEAR = 365 * 86_400_000;
const second = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

/** The root as a ceremony holds it: its record and its key, opened from the root's own store. */
export interface RootKey {
  id: number;
  der: Uint8Array;
  signer: Signer;
}

/**
 * Rollover (a ceremony): a new issuing key and certificate signed by the root, one generation
 * after the newest ("… - G1" → "… - G2"), with its own OCSP responder. It becomes the active
 * generation at once; older ones stay as they are for the certificates they signed. Audited.
 */
export async function rolloverIssuingCa(p: CeremonyParams & { root: RootKey }): Promise<{ caId: number; generation: number; subject: string; notAfter: Date }> {
  const { store, keys, bank, root } = p;
  const now = second(p.clock.now());
  const cas = await store.bankCas(bank.id);
  // after the newest, and never below the configured name's (a bank that came to Inkan at "- G4" goes on with G5)
  const generation = Math.max(firstGeneration(bank.caName), ...cas.filter((c) => c.kind === "issuing").map((c) => c.generation)) + 1;
  const rootCert = AsnConvert.parse(root.der, asn.Certificate).tbsCertificate;
  // never beyond the root: a verifier refuses a chain whose issuer ends before its subject
  const notAfter = new Date(Math.min(now.getTime() + 10 * YEAR, rootCert.validity.notAfter.getTime().getTime()));
  const key = await keys.create(bank.id, `issuing-g${generation}-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(4).toString("hex")}`, bank.caKey as KeyKind);
  const name = buildName([
    { type: "O", value: bank.organization },
    { type: "CN", value: generationName(bank.caName, generation) },
  ]);
  const der = await signTbs(
    buildTbs({ serial: randomSerial(), issuer: rootCert.subject, subject: name, notBefore: now, notAfter, subjectSpki: key.signer.spki, issuerSpki: certificateSpki(root.der), signer: root.signer, extensions: issuingExtensions(bank.policyOid, caUrls(p.httpBase, bank.id, root.id)) }),
    root.signer,
  );
  // the generation and its responder in one transaction: a serving process that sees the one sees the other
  const caId = await store.write(bank.id, async (w) => {
    const id = await w.insertCa({ kind: "issuing", subject: nameToString(name), certDer: der, keyRef: key.keyRef, notAfter, at: now, parentId: root.id, generation });
    await w.audit({ at: now, actorKind: "cli", actorId: p.actor, action: "ca.rollover", result: "ok", detail: { issuingCaId: id, generation, subject: nameToString(name), notAfter: notAfter.toISOString() } });
    await (await makeOcspResponder(keys, bank, { id, der, signer: key.signer, generation }, p.clock, p.actor))(w);
    return id;
  });
  return { caId, generation, subject: nameToString(name), notAfter };
}

/**
 * Revokes one issuing generation with the root (compromise drill): recorded on the CA, then the
 * root's CRL is signed again at once so that it lists it. A newer live generation must exist, so
 * that no bank is left without one that signs. Audited; returns the revoked CA's record number.
 */
export async function revokeIssuingGeneration(p: CeremonyParams & { root: RootKey; generation: number; reason: RevocationReason }): Promise<{ caId: number; rootCrlNumber: number }> {
  const { store, bank } = p;
  const now = second(p.clock.now());
  const cas = (await store.bankCas(bank.id)).filter((c) => c.kind === "issuing");
  const target = cas.find((c) => c.generation === p.generation);
  if (!target) throw new DomainError("ca_generation_unknown", { generation: `G${p.generation}` });
  const newer = cas.some((c) => c.generation > p.generation && !c.revokedAt && c.notAfter.getTime() > now.getTime());
  if (!newer) throw new DomainError("ca_generation_no_successor", { generation: `G${p.generation}`, bank: bank.id });
  await store.write(bank.id, async (w) => {
    const done = await w.revokeIssuingCa(target.id, REVOCATION_REASONS[p.reason], now);
    await w.audit({ at: now, actorKind: "cli", actorId: p.actor, action: "ca.generation_revoked", result: "ok", detail: { issuingCaId: target.id, generation: p.generation, reason: p.reason, already: !done } });
  });
  const crl = await signRootCrl(p);
  return { caId: target.id, rootCrlNumber: crl.number };
}
