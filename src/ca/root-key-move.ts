import { randomBytes, verify, X509Certificate } from "node:crypto";
import { ROOT_FILE_STORE, type FileKeyStore } from "./key-store.js";
import type { Signer } from "./signer.js";
import type { Store } from "../store/store.js";
import type { CaRecord } from "../store/records.js";
import type { Clock } from "../domain/clock.js";

export interface RootKeyMove {
  /** false: the root's key was in its own store already */
  moved: boolean;
  keyRef: string;
  /** a copy left in ca/ (by this move, or by one interrupted after the switch) was removed */
  removedOld: boolean;
}

/** The root's key signs as the root certificate says: a fresh challenge, checked with its public key. */
async function checkSignsAs(signer: Signer, certDer: Uint8Array, keyRef: string): Promise<void> {
  const challenge = randomBytes(32);
  const ok = verify("sha256", challenge, new X509Certificate(Buffer.from(certDer)).publicKey, await signer.sign(challenge));
  if (!ok) throw new Error(`the key ${keyRef} does not sign as the root certificate's key: nothing was changed`);
}

/**
 * `inkan ca move-root`: a root key made before the offline root (a `file:` key in ca/, under the CA
 * passphrase) moves into root-ca/ under the root's own passphrase. The new file is written, flushed
 * and checked to sign as the root before anything else; then the CA record points at it, audited, in
 * one transaction; only then is the old file removed. Run again, it finishes a move a crash
 * interrupted (the same file in root-ca/ is taken as it is; a copy left in ca/ is removed) and
 * otherwise changes nothing.
 */
export async function moveRootKey(p: { store: Store; bankId: string; root: CaRecord; online: FileKeyStore; rootFiles: FileKeyStore; clock: Clock; actor: string }): Promise<RootKeyMove> {
  const { root, online, rootFiles } = p;
  if (root.kind !== "root") throw new Error(`CA ${root.id} is not a root`);
  const prefix = `${ROOT_FILE_STORE.scheme}:`;
  if (root.keyRef.startsWith(prefix)) {
    const old = `file:${root.keyRef.slice(prefix.length)}`;
    if (!online.has(old)) return { moved: false, keyRef: root.keyRef, removedOld: false };
    await checkSignsAs(await rootFiles.open(root.keyRef), root.certDer, root.keyRef);
    online.remove(old);
    return { moved: false, keyRef: root.keyRef, removedOld: true };
  }
  if (root.keyRef.startsWith("pkcs11:")) throw new Error(`the root's key ${root.keyRef} is on the bank's online token: a token key never leaves its token, so it cannot be moved (docs/ca-ceremony.md, upgrade notes)`);
  if (!root.keyRef.startsWith("file:")) return { moved: false, keyRef: root.keyRef, removedOld: false };
  const made = rootFiles.adopt(online, root.keyRef);
  await checkSignsAs(made.signer, root.certDer, made.keyRef);
  const at = new Date(Math.floor(p.clock.now().getTime() / 1000) * 1000);
  await p.store.write(p.bankId, async (w) => {
    if (!(await w.moveCaKey(root.id, root.keyRef, made.keyRef))) throw new Error(`the root CA record ${root.id} no longer names ${root.keyRef}: another move ran meanwhile; run the command again`);
    await w.audit({ at, actorKind: "cli", actorId: p.actor, action: "ca.root_key_moved", result: "ok", detail: { rootCaId: root.id, from: root.keyRef, to: made.keyRef } });
  });
  online.remove(root.keyRef);
  return { moved: true, keyRef: made.keyRef, removedOld: true };
}
