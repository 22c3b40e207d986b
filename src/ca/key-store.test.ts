import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BankKeyStores, FileKeyStore, RootKeyStores, ROOT_FILE_STORE, type KeyStore } from "./key-store.js";

/** A token's store as the routers see it: it only says which one was asked. */
const token = (name: string): KeyStore => ({
  create: async (bank, key) => Promise.reject(new Error(`${name} made ${bank}/${key}`)),
  open: async (ref) => Promise.reject(new Error(`${name} opened ${ref}`)),
});

test("the root ceremonies' store sends each reference to its own store, and opens root-ca/ only when a root there is asked for", async () => {
  const dir = mkdtempSync(join(tmpdir(), "inkan-keystores-"));
  try {
    let filesOpened = 0;
    const files = () => (filesOpened++, new FileKeyStore(dir, "root-passphrase-0123456789", ROOT_FILE_STORE));
    const roots = new RootKeyStores(files, new Map([["kita", token("kita's root token")]]), new Map([["kita", token("kita's online token")]]));
    await assert.rejects(() => roots.open("rootpkcs11:kita/root-1"), /kita's root token opened rootpkcs11:kita\/root-1/);
    // a root made on the online token before roots had stores of their own
    await assert.rejects(() => roots.open("pkcs11:kita/root-0"), /kita's online token opened pkcs11:kita\/root-0/);
    await assert.rejects(() => roots.create("kita", "root-2", "RSA-2048"), /kita's root token made kita\/root-2/);
    await assert.rejects(() => roots.open("rootpkcs11:sora/root-1"), /no PKCS#11 token is configured for the key rootpkcs11:sora\/root-1/);
    assert.equal(filesOpened, 0, "no root passphrase asked for while every root asked for is on a token");
    const made = await roots.create("sora", "root-3", "ECDSA-P256");
    assert.equal(made.keyRef, "rootfile:sora/root-3.key.pem");
    assert.deepEqual((await roots.open(made.keyRef)).spki, made.signer.spki);
    await assert.rejects(() => roots.open("file:sora/issuing-1.key.pem"), /not a key of this store \(rootfile\)/);
    assert.equal(filesOpened, 1);

    // the serving processes' store: no route to a root's token, and its file store refuses root files
    const online = new BankKeyStores(new FileKeyStore(dir, "ca-passphrase-0123456789"), new Map([["kita", token("kita's online token")]]));
    await assert.rejects(() => online.open("rootpkcs11:kita/root-1"), /not a key of this store \(file\)/);
    await assert.rejects(() => online.open(made.keyRef), /not a key of this store \(file\)/);
    await assert.rejects(() => online.open("pkcs11:kita/issuing-1"), /kita's online token opened/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
