import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pino, { type Logger } from "pino";
import { Store } from "../store/store.js";
import { BankKeyStores, FileKeyStore, type KeyStore } from "../ca/key-store.js";
import { CertificateAuthority } from "../ca/authority.js";
import { Lifecycle } from "../lifecycle/lifecycle.js";
import { loadStaffCa, type StaffCa } from "../ca/staff-ca.js";
import { publicUrls } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { systemClock, type Clock } from "../domain/clock.js";

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
  if (config.caPassphrase) return config.caPassphrase;
  const file = join(config.dataDir, "ca", "passphrase");
  if (!existsSync(file)) {
    if (!create) throw new Error(`no CA passphrase: set INKAN_CA_PASSPHRASE or run \`inkan init\` (expected ${file})`);
    mkdirSync(join(config.dataDir, "ca"), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(24).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  }
  return readFileSync(file, "utf8").trim();
}

/** The file store, and a PKCS#11 store for each bank whose keys live on a token. */
async function bankKeyStores(config: Config, passphrase: string): Promise<KeyStore> {
  const files = new FileKeyStore(config.dataDir, passphrase);
  const tokens = new Map<string, KeyStore>();
  for (const b of config.banks) {
    if (b.keyStore.kind !== "pkcs11") continue;
    // imported only when a bank uses a token, so file-only installations never load the native module
    const { Pkcs11KeyStore } = await import("../ca/pkcs11-key-store.js");
    tokens.set(b.id, new Pkcs11KeyStore(b.keyStore));
  }
  return tokens.size ? new BankKeyStores(files, tokens) : files;
}

/**
 * The one place that builds the program's parts (database, keys, CA, lifecycle) and hands them
 * to each other. Options let tests inject a clock and a database.
 */
export async function openRuntime(config: Config, opts: { clock?: Clock; log?: Logger; createCas?: boolean; pgSchema?: string; keys?: KeyStore } = {}): Promise<Runtime> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? makeLogger(config.logLevel);
  const passphrase = caPassphrase(config, opts.createCas ?? false);
  const store = await Store.open({ database: config.database, dataDir: config.dataDir, pgSchema: opts.pgSchema });
  const keys = opts.keys ?? (await bankKeyStores(config, passphrase));
  const urls = publicUrls(config);
  const ca = new CertificateAuthority(store, keys, urls.http, clock, log);
  await ca.load(config.banks, { create: opts.createCas, actor: "init" });
  // made here when missing: at init, or at the first start of an installation older than it
  const staffCa = await loadStaffCa(store, keys, clock, config.banks.map((b) => b.id));
  const lifecycle = new Lifecycle({ store, ca: ca.operations(), clock, banks: config.banks }, staffCa);
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
      await store.close();
    },
  };
}
