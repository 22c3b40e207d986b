import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { FileSigner, syncDir } from "./file-signer.js";
import type { KeyKind, Signer } from "./signer.js";

/** Where CA keys are made and found. The key reference stored in the database names the key only. */
export interface KeyStore {
  create(bankId: string, name: string, kind: KeyKind): Promise<{ signer: Signer; keyRef: string }>;
  open(keyRef: string): Promise<Signer>;
}

/**
 * Keys as encrypted PKCS#8 files under <dataDir>/ca/<bank>/ (the online store: issuing and OCSP
 * keys), or with ROOT_FILE_STORE under <dataDir>/root-ca/<bank>/ with a passphrase of its own (the
 * offline root). A store opens only references of its own scheme, so the online store cannot open
 * a root key even when both directories are on one machine.
 */
export class FileKeyStore implements KeyStore {
  private readonly root: string;
  private readonly scheme: string;
  constructor(
    dataDir: string,
    private readonly passphrase: string,
    where: { dir: string; scheme: string } = { dir: "ca", scheme: "file" },
  ) {
    this.root = resolve(dataDir, where.dir);
    this.scheme = where.scheme;
  }

  async create(bankId: string, name: string, kind: KeyKind) {
    const keyRef = `${this.scheme}:${bankId}/${name}.key.pem`;
    return { signer: FileSigner.generate(kind, this.path(keyRef), this.passphrase), keyRef };
  }

  async open(keyRef: string): Promise<Signer> {
    return FileSigner.load(this.path(keyRef), this.passphrase);
  }

  /** Whether the file a reference names is there. */
  has(keyRef: string): boolean {
    return existsSync(this.path(keyRef));
  }

  /**
   * Takes a key of another file store in under this store's passphrase and scheme, by the same
   * name; the new file is on the disk when this returns (FileSigner.rewrap). The other's file stays.
   */
  adopt(other: FileKeyStore, keyRef: string): { signer: Signer; keyRef: string } {
    const mine = `${this.scheme}:${keyRef.slice(other.scheme.length + 1)}`;
    return { signer: FileSigner.rewrap(other.path(keyRef), other.passphrase, this.path(mine), this.passphrase), keyRef: mine };
  }

  /** Removes a key's file, for good (on the disk when this returns). */
  remove(keyRef: string): void {
    const p = this.path(keyRef);
    rmSync(p);
    syncDir(dirname(p));
  }

  private path(keyRef: string): string {
    if (!keyRef.startsWith(`${this.scheme}:`)) throw new Error(`not a key of this store (${this.scheme}): ${keyRef}`);
    const p = resolve(join(this.root, keyRef.slice(this.scheme.length + 1)));
    if (!p.startsWith(this.root + sep)) throw new Error(`key reference outside the CA directory: ${keyRef}`);
    return p;
  }
}

/** Where the offline root's key files live, apart from the online keys. */
export const ROOT_FILE_STORE = { dir: "root-ca", scheme: "rootfile" };

/** A kind of token store: the scheme of its key references, and where its PIN comes from. */
export interface TokenStoreKind {
  scheme: string;
  pinFrom: string;
}
/** The banks' (and the staff CA's) tokens, which the serving processes log in to. */
export const ONLINE_TOKEN_STORE: TokenStoreKind = { scheme: "pkcs11", pinFrom: "keyStore.pin or INKAN_PKCS11_PIN" };
/** A root's token of its own: only the root ceremonies log in to it, with a PIN of its own. */
export const ROOT_TOKEN_STORE: TokenStoreKind = { scheme: "rootpkcs11", pinFrom: "INKAN_ROOT_PKCS11_PIN (the root's holders give it to the ceremony)" };

/** The store of the token a `<scheme>:<owner>/…` reference names: the owner's (a bank, or the staff CA). */
function tokenOf(keyRef: string, tokens: ReadonlyMap<string, KeyStore>): KeyStore {
  const owner = /^[a-z0-9]+:([^/]+)\//.exec(keyRef)?.[1];
  const store = owner === undefined ? undefined : tokens.get(owner);
  if (!store) throw new Error(`no PKCS#11 token is configured for the key ${keyRef}`);
  return store;
}

/**
 * Each bank's keys where its configuration keeps them. A file reference always goes to the file
 * store, so a bank moved onto a token still opens the keys it made before; a token reference goes to
 * the token of the bank named in it.
 */
export class BankKeyStores implements KeyStore {
  constructor(
    private readonly files: KeyStore,
    private readonly tokens: ReadonlyMap<string, KeyStore>,
  ) {}

  async create(bankId: string, name: string, kind: KeyKind) {
    return (this.tokens.get(bankId) ?? this.files).create(bankId, name, kind);
  }

  async open(keyRef: string): Promise<Signer> {
    if (!keyRef.startsWith(`${ONLINE_TOKEN_STORE.scheme}:`)) return this.files.open(keyRef);
    return tokenOf(keyRef, this.tokens).open(keyRef);
  }
}

/**
 * The root ceremonies' keys: each bank's root where its rootKeyStore keeps it, on a token of its own
 * (`rootpkcs11:`) or in <dataDir>/root-ca/ (`rootfile:`, opened on first use, so a ceremony whose
 * roots are all on tokens needs no root passphrase). A root made on the bank's online token before
 * roots had stores of their own (`pkcs11:`) still opens there, through `older`.
 */
export class RootKeyStores implements KeyStore {
  private opened: KeyStore | undefined;

  constructor(
    private readonly openFiles: () => KeyStore,
    private readonly tokens: ReadonlyMap<string, KeyStore>,
    private readonly older: ReadonlyMap<string, KeyStore>,
  ) {}

  private files(): KeyStore {
    return (this.opened ??= this.openFiles());
  }

  async create(bankId: string, name: string, kind: KeyKind) {
    return (this.tokens.get(bankId) ?? this.files()).create(bankId, name, kind);
  }

  async open(keyRef: string): Promise<Signer> {
    if (keyRef.startsWith(`${ROOT_TOKEN_STORE.scheme}:`)) return tokenOf(keyRef, this.tokens).open(keyRef);
    if (keyRef.startsWith(`${ONLINE_TOKEN_STORE.scheme}:`)) return tokenOf(keyRef, this.older).open(keyRef);
    return this.files().open(keyRef);
  }
}
