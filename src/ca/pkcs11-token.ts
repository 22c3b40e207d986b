import { createHash, timingSafeEqual } from "node:crypto";
import pkcs11js from "pkcs11js";

type PKCS11 = InstanceType<typeof pkcs11js.PKCS11>;
type Handle = Buffer;

/** Which token to use and how to log in to it (bank.keyStore of kind "pkcs11"). */
export interface Pkcs11TokenConfig {
  /** path of the vendor's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so */
  library: string;
  /** slot ID as `pkcs11-tool -L` shows it; ignored when tokenLabel is given */
  slot: number;
  tokenLabel?: string;
  pin?: string;
}

// A PKCS#11 module may be initialized once per process: banks on the same module share it.
const modules = new Map<string, PKCS11>();
const tokens = new Map<string, Pkcs11Token>();

function moduleFor(library: string): PKCS11 {
  let m = modules.get(library);
  if (m) return m;
  m = new pkcs11js.PKCS11();
  m.load(library);
  try {
    // async calls run on libuv's worker threads, so the module must lock for itself
    m.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (e) {
    if (!hasCode(e, pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw e;
  }
  modules.set(library, m);
  return m;
}

function hasCode(e: unknown, code: number): boolean {
  return e instanceof pkcs11js.Pkcs11Error && e.code === code;
}

function handleNumber(h: Handle): bigint {
  return h.length >= 8 ? h.readBigUInt64LE(0) : BigInt(h.readUInt32LE(0));
}

const MAX_SESSIONS = 8;

/**
 * A logged-in token. One session stays open for the life of the process, because closing an
 * application's last session logs it out; signatures run on a small pool of further sessions,
 * since a session carries one signing operation at a time.
 */
export class Pkcs11Token {
  readonly module: PKCS11;
  readonly slot: Handle;
  /** for finding objects and reading them; held open so the login lasts */
  readonly session: Handle;
  private readonly idle: Handle[] = [];
  private open = 0;
  private readonly waiting: Array<{ resolve: (s: Handle) => void; reject: (e: unknown) => void }> = [];

  private constructor(
    module: PKCS11,
    slot: Handle,
    private readonly pinHash: Buffer,
  ) {
    this.module = module;
    this.slot = slot;
    this.session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  }

  /**
   * The logged-in token the configuration names. Banks sharing a token share one login (PKCS#11
   * logs in the whole process, not a session), so each must bring the PIN that logged it in.
   */
  static open(cfg: Pkcs11TokenConfig, pinFrom = "keyStore.pin or INKAN_PKCS11_PIN"): Pkcs11Token {
    if (!cfg.pin) throw new Error(`no PIN for the PKCS#11 token (${cfg.tokenLabel ?? `slot ${cfg.slot}`}): set ${pinFrom}`);
    const m = moduleFor(cfg.library);
    const slots = m.C_GetSlotList(true);
    const slot = cfg.tokenLabel
      ? slots.find((s) => m.C_GetTokenInfo(s).label.trimEnd() === cfg.tokenLabel)
      : slots.find((s) => handleNumber(s) === BigInt(cfg.slot));
    if (!slot) throw new Error(`no PKCS#11 token ${cfg.tokenLabel ? `labelled "${cfg.tokenLabel}"` : `in slot ${cfg.slot}`} in ${cfg.library}`);
    if (!(m.C_GetTokenInfo(slot).flags & pkcs11js.CKF_TOKEN_INITIALIZED)) throw new Error(`the PKCS#11 token in slot ${handleNumber(slot)} is not initialized`);
    const key = `${cfg.library}#${handleNumber(slot)}`;
    const pinHash = createHash("sha256").update(cfg.pin).digest();
    const shared = tokens.get(key);
    if (shared) {
      if (!timingSafeEqual(shared.pinHash, pinHash)) throw new Error(`cannot log in to the PKCS#11 token in slot ${handleNumber(slot)}: another bank logged in to it with a different PIN`);
      return shared;
    }
    const token = new Pkcs11Token(m, slot, pinHash);
    try {
      m.C_Login(token.session, pkcs11js.CKU_USER, cfg.pin);
    } catch (e) {
      m.C_CloseSession(token.session);
      throw new Error(`cannot log in to the PKCS#11 token in slot ${handleNumber(slot)}: ${(e as Error).message}`);
    }
    tokens.set(key, token);
    return token;
  }

  /** Handles of the objects matching the template (at most `max`). */
  find(template: pkcs11js.Template, max = 2): Handle[] {
    this.module.C_FindObjectsInit(this.session, template);
    try {
      return this.module.C_FindObjects(this.session, max);
    } finally {
      this.module.C_FindObjectsFinal(this.session);
    }
  }

  attribute(object: Handle, type: number): Buffer {
    return this.module.C_GetAttributeValue(this.session, object, [{ type }])[0]!.value;
  }

  /** Runs fn on a session of its own; a session whose operation failed is closed, not reused. */
  async withSession<T>(fn: (session: Handle) => Promise<T>): Promise<T> {
    const s = await this.acquire();
    let ok = false;
    try {
      const r = await fn(s);
      ok = true;
      return r;
    } finally {
      this.release(s, ok);
    }
  }

  private acquire(): Promise<Handle> {
    const s = this.idle.pop();
    if (s) return Promise.resolve(s);
    if (this.open < MAX_SESSIONS) {
      try {
        return Promise.resolve(this.openSession());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private openSession(): Handle {
    const s = this.module.C_OpenSession(this.slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    this.open++;
    return s;
  }

  private release(s: Handle, reusable: boolean): void {
    const next = this.waiting.shift();
    if (reusable) {
      if (next) next.resolve(s);
      else this.idle.push(s);
      return;
    }
    try {
      this.module.C_CloseSession(s);
    } catch {
      // the session is gone either way; the error that made us close it is the one reported
    }
    this.open--;
    if (next) {
      try {
        next.resolve(this.openSession());
      } catch (e) {
        next.reject(e);
      }
    }
  }
}
