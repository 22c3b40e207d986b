import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pino, { type Logger } from "pino";
import { Store } from "../store/store.js";
import { BankKeyStores, FileKeyStore, RootKeyStores, ROOT_FILE_STORE, ROOT_TOKEN_STORE, type KeyStore, type TokenStoreKind } from "../ca/key-store.js";
import type { Pkcs11TokenConfig } from "../ca/pkcs11-token.js";
import { RootOperations } from "../ca/root-operations.js";
import { CertificateAuthority } from "../ca/authority.js";
import { Lifecycle } from "../lifecycle/lifecycle.js";
import { loadStaffCa, STAFF_KEY_OWNER, type StaffCa } from "../ca/staff-ca.js";
import { publicUrls } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { openTotpKey } from "../ca/totp-key.js";
import { systemClock, type Clock } from "../domain/clock.js";
import { fileOutbox, smtpTransport } from "../notify/transport.js";

export interface Runtime {
  config: Config;
  store: Store;
  keys: KeyStore;
  ca: CertificateAuthority;
  /** the installation's staff CA (signs bank staff's client certificates for the staff console) */
  staffCa: StaffCa;
  lifecycle: Lifecycle;
  clock: Clock;
  log: Logger;
  passphrase: string;
  urls: { http: string; https: string };
  close(): Promise<void>;
}

/** Secrets that must never reach a log line, wherever they appear. */
export const REDACT = ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-inkan-otp"]', "password", "passphrase", "caPassphrase", "*.password", "*.passphrase", "pin", "*.pin"];

export function makeLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, destination as any);
}

/** The CA passphrase: from configuration, else from the file init wrote (0600). */
export function caPassphrase(config: Config, create: boolean): string {
  return passphraseOf(config, "ca", config.caPassphrase, "INKAN_CA_PASSPHRASE", create);
}

/** The offline root's passphrase (root-ca/): from configuration, else its own file. */
export function rootCaPassphrase(config: Config, create: boolean): string {
  return passphraseOf(config, "root-ca", config.rootCaPassphrase, "INKAN_ROOT_CA_PASSPHRASE", create);
}

function passphraseOf(config: Config, dir: string, given: string | undefined, env: string, create: boolean): string {
  if (given) return given;
  const file = join(config.dataDir, dir, "passphrase");
  if (!existsSync(file)) {
    if (!create) throw new Error(`no passphrase for ${dir}/: set ${env} or run \`inkan init\` (expected ${file})`);
    mkdirSync(join(config.dataDir, dir), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(24).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The offline root's key stores: each bank's root token (rootKeyStore), else <dataDir>/root-ca/
 * with its own passphrase. Opened only by the ceremonies (ca init, ca crl --root, ca rollover,
 * ca revoke), never by \`inkan serve\`.
 */
export async function openRootKeys(config: Config, create: boolean): Promise<KeyStore> {
  const rootFiles = () => new FileKeyStore(config.dataDir, rootCaPassphrase(config, create), ROOT_FILE_STORE);
  const tokens = new Map<string, KeyStore>();
  const older = new Map<string, KeyStore>();
  for (const b of config.banks) {
    if (b.rootKeyStore?.kind === "pkcs11") tokens.set(b.id, await tokenStore(b.rootKeyStore, ROOT_TOKEN_STORE));
    // a root made on the bank's own token before roots had stores of their own (docs/ca-ceremony.md)
    if (b.keyStore.kind === "pkcs11") older.set(b.id, await tokenStore(b.keyStore));
  }
  return new RootKeyStores(rootFiles, tokens, older);
}

/** The root ceremonies of a runtime, with the root's own key store (a ceremony command only). */
export async function rootOperations(rt: Runtime, create = false): Promise<RootOperations> {
  return new RootOperations(rt.ca, rt.store, rt.keys, await openRootKeys(rt.config, create), rt.urls.http, rt.clock);
}

/** The two file stores a root key made before the offline root moves between (`inkan ca move-root`). */
export function rootKeyFiles(rt: Runtime): { online: FileKeyStore; rootFiles: FileKeyStore } {
  return { online: new FileKeyStore(rt.config.dataDir, rt.passphrase), rootFiles: new FileKeyStore(rt.config.dataDir, rootCaPassphrase(rt.config, true), ROOT_FILE_STORE) };
}

// imported only when a key lives on a token, so file-only installations never load the native module
async function tokenStore(cfg: Pkcs11TokenConfig, kind?: TokenStoreKind): Promise<KeyStore> {
  const { Pkcs11KeyStore } = await import("../ca/pkcs11-key-store.js");
  return new Pkcs11KeyStore(cfg, kind);
}

/** The file store, and a PKCS#11 store for each bank (and the staff CA) whose keys live on a token. */
async function onlineKeyStores(config: Config, passphrase: string): Promise<KeyStore> {
  const files = new FileKeyStore(config.dataDir, passphrase);
  const tokens = new Map<string, KeyStore>();
  for (const b of config.banks) if (b.keyStore.kind === "pkcs11") tokens.set(b.id, await tokenStore(b.keyStore));
  if (config.staffKeyStore?.kind === "pkcs11") tokens.set(STAFF_KEY_OWNER, await tokenStore(config.staffKeyStore));
  return tokens.size ? new BankKeyStores(files, tokens) : files;
}

async function banksWithoutCa(store: Store, config: Config): Promise<string[]> {
  const out: string[] = [];
  for (const b of config.banks) if (!(await store.currentCas(b.id)).some((c) => c.kind === "issuing")) out.push(b.id);
  return out;
}

/**
 * The one place that builds the program's parts (database, keys, CA, lifecycle) and hands them
 * to each other. Options let tests inject a clock and a database.
 */
export async function openRuntime(config: Config, opts: { clock?: Clock; log?: Logger; createCas?: boolean; pgSchema?: string; keys?: KeyStore } = {}): Promise<Runtime> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? makeLogger(config.logLevel);
  const passphrase = caPassphrase(config, opts.createCas ?? false);
  // TOTP secrets are sealed in the database under a key of the key store (ca/totp-key.ts): handed to the store
  const store = await Store.open({ database: config.database, dataDir: config.dataDir, pgSchema: opts.pgSchema, totpKey: openTotpKey(config.dataDir, passphrase) });
  const keys = opts.keys ?? (await onlineKeyStores(config, passphrase));
  const urls = publicUrls(config);
  const ca = new CertificateAuthority(store, keys, urls.http, clock, log);
  // the root's store is opened only to make a bank's CA (a ceremony); serving never opens it
  const missing = opts.createCas ? await banksWithoutCa(store, config) : [];
  await ca.load(config.banks, { create: opts.createCas, actor: "init", rootKeys: missing.length > 0 ? await openRootKeys(config, true) : undefined });
  // made here when missing: at init, or at the first start of an installation older than it
  const staffCa = await loadStaffCa(store, keys, clock, config.banks.map((b) => b.id));
  // メール通知パスワード leave at once through the same mail settings as the notices
  const codeTransport = config.mail.smtp ? smtpTransport(config.mail.smtp) : fileOutbox(join(config.dataDir, "outbox"));
  const lifecycle = new Lifecycle({ store, ca: ca.operations(), clock, banks: config.banks, codeMail: { from: config.mail.from, transport: codeTransport } }, staffCa);
  return {
    config,
    store,
    keys,
    ca,
    staffCa,
    lifecycle,
    clock,
    log,
    passphrase,
    urls,
    async close() {
      await ca.close();
      codeTransport.close();
      await store.close();
    },
  };
}
