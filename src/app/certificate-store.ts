import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import type { Clock } from "../domain/clock.js";
import { AppError, EXIT } from "./errors.js";

/**
 * The issuing app's local certificate store. Layout (documented in docs/issuing-app.md):
 *
 *   <store>/                      0700
 *     store.json                  format version and the passphrase check (scrypt, salt)
 *     lock                        the pid of the inkan-app that is writing (stale ones are taken over)
 *     certs/<serial>/             one directory per certificate, named by its 32-hex serial
 *       cert.pem                  the certificate
 *       chain.pem                 the bank's issuing CA and root (EST cacerts)
 *       key.pem                   the private key: PKCS#8 EncryptedPrivateKeyInfo, PBES2
 *                                 (PBKDF2-HMAC-SHA256, 200,000 iterations, AES-256-CBC)
 *       meta.json                 server, bank, login ID, state as last known, renewal links
 *     requests/<id>.json          a request under way (issue or renewal): its new key (encrypted
 *                                 as above) and CSR, kept BEFORE the request is sent, so that a run
 *                                 that is interrupted anywhere is finished by the next one with
 *                                 the same key — the server answers it with the same certificate
 *
 * Every file is written to a temporary name, flushed and renamed, so a crash leaves either the old
 * or the new file, never half of one.
 */

export type LocalState = "unconfirmed" | "active" | "superseded" | "revoked";

export interface CertMeta {
  format: 1;
  serial: string;
  subject: string;
  cn: string;
  o: string;
  ou: string;
  notBefore: string;
  notAfter: string;
  server: string;
  bank: string;
  loginId: string;
  /** the CA certificate (PEM) that verifies the server's TLS certificate; null: the system's CAs */
  serverCaPem: string | null;
  renewalWindow: string;
  keyType: string;
  state: LocalState;
  storedAt: string;
  renewedFrom?: string;
  renewedTo?: string;
  /** the OS stores this app installed it into, so that delete takes it out of them too */
  installedIn?: InstalledIn[];
}

/** An OS certificate store: the NSS database's directory, Windows' store path, the keychain file. */
export interface InstalledIn {
  store: "nss" | "windows" | "macos";
  where: string;
}

export interface StoredCert {
  meta: CertMeta;
  certPem: string;
  chainPem: string;
  keyPem: string;
}

export interface PendingRequest {
  format: 1;
  id: string;
  kind: "issue" | "renew";
  server: string;
  bank: string;
  loginId: string;
  /** renew: the serial of the certificate being renewed */
  renews?: string;
  serverCaPem: string | null;
  renewalWindow: string;
  keyType: string;
  /** encrypted PKCS#8 PEM of the new key */
  keyPem: string;
  /** base64 DER of the CSR, sent again unchanged on every attempt */
  csr: string;
  createdAt: string;
  /** set once the certificate is in certs/: the serial the server gave */
  received?: string;
  /** how many times the request has been sent */
  attempts: number;
  /** the error code of the last answer when it was a refusal (the request is not under way then) */
  refused?: string;
}

interface StoreFile {
  format: 1;
  createdAt: string;
  passphrase?: { kdf: "scrypt"; N: number; r: number; p: number; salt: string; check: string };
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1 };

export function defaultStoreDir(env: NodeJS.ProcessEnv): string {
  if (env.INKAN_APP_STORE) return env.INKAN_APP_STORE;
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith("/") ? env.XDG_DATA_HOME : join(env.HOME || homedir(), ".local", "share");
  return join(base, "inkan-app");
}

function atomicWrite(path: string, data: string | Uint8Array, mode = 0o600) {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function fsyncDir(dir: string) {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform can fsync a directory; the rename is still atomic
  }
}

const isSerial = (s: string) => /^[0-9a-f]{32}$/.test(s);

export class CertStore {
  private locked = false;

  constructor(
    readonly dir: string,
    private readonly clock: Clock,
  ) {}

  private path(...p: string[]) {
    return join(this.dir, ...p);
  }

  private ensure() {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    mkdirSync(this.path("certs"), { recursive: true, mode: 0o700 });
    mkdirSync(this.path("requests"), { recursive: true, mode: 0o700 });
  }

  private readJson<T>(file: string): T {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as T;
    } catch (e) {
      throw new AppError("err_store_damaged", { file, reason: (e as Error).message.split("\n")[0]! }, EXIT.store, "hint_store_damaged");
    }
  }

  /**
   * One writer at a time: an exclusive lock file with the writer's pid. A lock left by a process
   * that no longer exists (killed, crashed) is taken over, so a kill never blocks the next run.
   */
  lock(): void {
    if (this.locked) return;
    this.ensure();
    const file = this.path("lock");
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, "wx", 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.locked = true;
        process.once("exit", () => this.unlock());
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const pid = Number(readFileSync(file, "utf8").trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new AppError("err_store_busy", { dir: this.dir, pid }, EXIT.store, "hint_store_busy");
        }
        rmSync(file, { force: true });
      }
    }
    throw new AppError("err_store_busy", { dir: this.dir, pid: "?" }, EXIT.store, "hint_store_busy");
  }

  /** Leaves the lock file behind, as a killed process would (the test hook for crashes uses it). */
  abandonLock(): void {
    this.locked = false;
  }

  unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    rmSync(this.path("lock"), { force: true });
  }

  // ---- passphrase -------------------------------------------------------------------------

  hasPassphrase(): boolean {
    return Boolean(this.storeFile()?.passphrase);
  }

  private storeFile(): StoreFile | undefined {
    const f = this.path("store.json");
    return existsSync(f) ? this.readJson<StoreFile>(f) : undefined;
  }

  /** Sets the passphrase of a new store (its keys are all encrypted with it). */
  setPassphrase(passphrase: string): void {
    this.ensure();
    const salt = randomBytes(16);
    const check = scryptSync(passphrase, salt, 32, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
    const f: StoreFile = { format: 1, createdAt: this.clock.now().toISOString(), passphrase: { kdf: "scrypt", ...SCRYPT, salt: salt.toString("base64"), check: check.toString("base64") } };
    atomicWrite(this.path("store.json"), JSON.stringify(f, null, 2) + "\n");
  }

  checkPassphrase(passphrase: string): boolean {
    const p = this.storeFile()?.passphrase;
    if (!p) return false;
    const got = scryptSync(passphrase, Buffer.from(p.salt, "base64"), 32, { N: p.N, r: p.r, p: p.p, maxmem: 64 * 1024 * 1024 });
    return timingSafeEqual(got, Buffer.from(p.check, "base64"));
  }

  // ---- certificates -----------------------------------------------------------------------

  /** All certificates, oldest first: the order (and numbers) `list` shows. */
  certs(): StoredCert[] {
    const dir = this.path("certs");
    if (!existsSync(dir)) return [];
    const out: StoredCert[] = [];
    for (const name of readdirSync(dir)) {
      if (!isSerial(name) || !existsSync(join(dir, name, "meta.json"))) continue;
      out.push(this.cert(name)!);
    }
    return out.sort((a, b) => a.meta.notBefore.localeCompare(b.meta.notBefore) || a.meta.storedAt.localeCompare(b.meta.storedAt) || a.meta.serial.localeCompare(b.meta.serial));
  }

  cert(serial: string): StoredCert | undefined {
    if (!isSerial(serial)) return undefined;
    const d = this.path("certs", serial);
    if (!existsSync(join(d, "meta.json"))) return undefined;
    const read = (f: string) => {
      try {
        return readFileSync(join(d, f), "utf8");
      } catch (e) {
        throw new AppError("err_store_damaged", { file: join(d, f), reason: (e as Error).message.split("\n")[0]! }, EXIT.store, "hint_store_damaged");
      }
    };
    return { meta: this.readJson<CertMeta>(join(d, "meta.json")), certPem: read("cert.pem"), chainPem: read("chain.pem"), keyPem: read("key.pem") };
  }

  /** Writes a certificate's directory whole: into a temporary directory first, then renamed. */
  saveCert(c: StoredCert): void {
    this.ensure();
    const final = this.path("certs", c.meta.serial);
    if (existsSync(join(final, "meta.json"))) {
      this.updateMeta(c.meta.serial, c.meta);
      return;
    }
    const tmp = this.path("certs", `.tmp-${c.meta.serial}-${randomBytes(4).toString("hex")}`);
    mkdirSync(tmp, { mode: 0o700 });
    atomicWrite(join(tmp, "cert.pem"), c.certPem, 0o644);
    atomicWrite(join(tmp, "chain.pem"), c.chainPem, 0o644);
    atomicWrite(join(tmp, "key.pem"), c.keyPem, 0o600);
    atomicWrite(join(tmp, "meta.json"), JSON.stringify(c.meta, null, 2) + "\n", 0o600);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    fsyncDir(this.path("certs"));
  }

  updateMeta(serial: string, patch: Partial<CertMeta>): CertMeta {
    const c = this.cert(serial);
    if (!c) throw new AppError("err_no_match", { selection: serial }, EXIT.usage, "hint_select");
    const meta = { ...c.meta, ...patch };
    atomicWrite(this.path("certs", serial, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
    return meta;
  }

  deleteCert(serial: string): void {
    if (!isSerial(serial)) return;
    const d = this.path("certs", serial);
    const trash = this.path("certs", `.deleted-${serial}-${randomBytes(4).toString("hex")}`);
    if (existsSync(d)) {
      renameSync(d, trash);
      rmSync(trash, { recursive: true, force: true });
    }
    for (const r of this.requests()) if (r.renews === serial) this.deleteRequest(r.id);
  }

  // ---- requests under way ------------------------------------------------------------------

  requests(): PendingRequest[] {
    const dir = this.path("requests");
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => /^[a-z0-9-]+\.json$/.test(n))
      .map((n) => this.readJson<PendingRequest>(join(dir, n)));
  }

  request(id: string): PendingRequest | undefined {
    const f = this.path("requests", `${id}.json`);
    return existsSync(f) ? this.readJson<PendingRequest>(f) : undefined;
  }

  saveRequest(r: PendingRequest): void {
    this.ensure();
    atomicWrite(this.path("requests", `${r.id}.json`), JSON.stringify(r, null, 2) + "\n");
    fsyncDir(this.path("requests"));
  }

  deleteRequest(id: string): void {
    rmSync(this.path("requests", `${id}.json`), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
