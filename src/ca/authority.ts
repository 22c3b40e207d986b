import { loadBankCa, type BankCa } from "./bank-ca.js";
import { runCeremony, signRootCrl } from "./ceremony.js";
import { OcspResponder } from "./ocsp-responder.js";
import { ClientCertificateVerifier, type PresentedCertificate } from "./client-identity.js";
import type { CaOperations, CaStatus, UserCertificateIssuer, UserCertificateTemplate } from "./ca-views.js";
import type { KeyStore } from "./key-store.js";
import { CrlSchedule } from "./crl-schedule.js";
import type { Store } from "../store/store.js";
import { effectivePolicy, type BankConfig } from "../config/schema.js";
import type { Clock } from "../domain/clock.js";
import { addDuration, parseDuration } from "../domain/duration.js";

/** A root CRL is signed in a ceremony; the log warns this long before it runs out. */
const ROOT_CRL_WARNING_DAYS = 30;
const ROOT_CRL_WARNING_MS = ROOT_CRL_WARNING_DAYS * 86_400_000;

interface CrlCache {
  number: number;
  statusRevision: number;
  nextUpdate: number;
  der: Uint8Array;
}

export interface AuthorityLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Every bank's CA in this process, and the status answers built from them (CRL, OCSP). Keeps the
 * answers current: a revocation made here clears them at once; one made by another process is seen
 * by poll() through the CA's status revision, a single small query.
 */
export class CertificateAuthority implements CaStatus, CaOperations {
  private readonly cas = new Map<string, BankCa>();
  private readonly issuers = new Map<number, UserCertificateIssuer>();
  private readonly schedules = new Map<number, CrlSchedule<number>>();
  private readonly responders = new Map<string, OcspResponder>();
  private readonly crls = new Map<number, CrlCache>();
  /** each bank's root CRL (the ARL), by the root's record number */
  private readonly rootCrls = new Map<number, CrlCache>();
  private readonly rootCrlWarned = new Map<number, number>();
  private readonly seenRevision = new Map<number, number>();
  private readonly configs = new Map<string, BankConfig>();
  private polling: NodeJS.Timeout | undefined;
  private readonly clients = new ClientCertificateVerifier();
  private pollRun: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly keys: KeyStore,
    private readonly httpBase: string,
    private readonly clock: Clock,
    private readonly log: AuthorityLog,
  ) {}

  /** Loads (and, with create, makes by ceremony) the CA of each configured bank. */
  async load(banks: BankConfig[], opts: { create?: boolean; actor?: string } = {}): Promise<void> {
    for (const b of banks) {
      this.configs.set(b.id, b);
      await this.store.upsertBank({ id: b.id, nameJa: b.nameJa, nameEn: b.nameEn, organization: b.organization, caName: b.caName }, this.clock.now());
      let ca = await loadBankCa(this.store, this.keys, b, b.policyOid, this.httpBase, this.clock);
      if (!ca && opts.create) {
        await runCeremony({ store: this.store, keys: this.keys, bank: b, httpBase: this.httpBase, clock: this.clock, actor: opts.actor ?? "system" });
        ca = await loadBankCa(this.store, this.keys, b, b.policyOid, this.httpBase, this.clock);
      }
      if (!ca) throw new Error(`bank ${b.id} has no CA yet: run \`inkan ca init --bank ${b.id}\``);
      this.cas.set(b.id, ca);
      await this.loadRootCrl(b, ca);
      const policy = effectivePolicy(b);
      this.responders.set(b.id, new OcspResponder(ca, (caId, serial) => this.store.certificateStatus(caId, serial), this.clock, durationMs(policy.ocspValidity, this.clock)));
      const existing = await this.store.getCrl(ca.issuing.id);
      const revs = await this.store.issuingRevisions();
      const rev = revs.find((r) => r.id === ca.issuing.id)?.statusRevision ?? 0;
      this.seenRevision.set(ca.issuing.id, rev);
      if (existing && existing.statusRevision >= rev && existing.nextUpdate.getTime() > this.clock.now().getTime()) {
        this.crls.set(ca.issuing.id, { number: existing.number, statusRevision: existing.statusRevision, nextUpdate: existing.nextUpdate.getTime(), der: existing.der });
        this.scheduleOf(ca.issuing.id, b.id).built(existing.thisUpdate, false);
      } else {
        await this.buildCrlNow(b.id);
      }
    }
    this.clients.setIssuers([...this.cas.values()].map((c) => ({ bankId: c.bankId, caId: c.issuing.id, der: c.issuing.der })));
  }

  /** The bank and serial a presented client certificate was issued with, if one of ours signed it. */
  identifyClient(der: Uint8Array): PresentedCertificate | undefined {
    return this.clients.identify(der);
  }

  bank(id: string): BankCa | undefined {
    return this.cas.get(id);
  }

  bankIds(): string[] {
    return [...this.cas.keys()];
  }

  async ocsp(bankId: string, request: Uint8Array): Promise<Uint8Array | undefined> {
    return this.responders.get(bankId)?.respond(request);
  }

  /** The current CRL of the bank's issuing CA or of its root (the ARL), DER. */
  crl(bankId: string, caId: number): CrlCache | undefined {
    const ca = this.cas.get(bankId);
    if (ca?.root.id === caId) return this.rootCrls.get(caId);
    if (!ca || ca.issuing.id !== caId) return undefined;
    return this.crls.get(caId);
  }

  /**
   * The root's CRL as stored. One is signed here only when there is none at all (an installation
   * older than the root CRL); re-signing before it runs out is `inkan ca crl --root`.
   */
  private async loadRootCrl(bank: BankConfig, ca: BankCa): Promise<void> {
    let stored = await this.store.getCrl(ca.root.id);
    if (!stored) {
      await this.resignRootCrl(bank.id, "system");
      stored = await this.store.getCrl(ca.root.id);
    }
    if (stored) this.rootCrls.set(ca.root.id, { number: stored.number, statusRevision: stored.statusRevision, nextUpdate: stored.nextUpdate.getTime(), der: stored.der });
  }

  /** Signs a new root CRL with the root key (a ceremony step) and publishes it. */
  async resignRootCrl(bankId: string, actor: string): Promise<{ number: number; thisUpdate: Date; nextUpdate: Date }> {
    const ca = this.cas.get(bankId);
    const bank = this.configs.get(bankId);
    if (!ca || !bank) throw new Error(`unknown bank ${bankId}`);
    const rec = (await this.store.currentCas(bankId)).find((c) => c.kind === "root" && c.id === ca.root.id);
    if (!rec) throw new Error(`bank ${bankId} has no root CA record`);
    const signer = await this.keys.open(rec.keyRef);
    const signed = await signRootCrl({ store: this.store, keys: this.keys, bank, httpBase: this.httpBase, clock: this.clock, actor, root: { id: rec.id, der: rec.certDer, signer } });
    await this.refreshRootCrl(ca);
    this.log.info({ bank: bankId, crlNumber: signed.number, nextUpdate: signed.nextUpdate.toISOString() }, "root CRL signed");
    return signed;
  }

  /** Picks up a root CRL signed elsewhere (a ceremony command); warns while one runs out. */
  private async refreshRootCrl(ca: BankCa): Promise<void> {
    const head = await this.store.crlHead(ca.root.id);
    const cached = this.rootCrls.get(ca.root.id);
    if (head && (!cached || head.number > cached.number)) {
      const stored = await this.store.getCrl(ca.root.id);
      if (stored) this.rootCrls.set(ca.root.id, { number: stored.number, statusRevision: stored.statusRevision, nextUpdate: stored.nextUpdate.getTime(), der: stored.der });
    }
    const c = this.rootCrls.get(ca.root.id);
    const left = c ? c.nextUpdate - this.clock.now().getTime() : 0;
    if (left < ROOT_CRL_WARNING_MS && this.rootCrlWarned.get(ca.root.id) !== c?.number) {
      this.rootCrlWarned.set(ca.root.id, c?.number ?? -1);
      this.log.warn({ bank: ca.bankId, rootCaId: ca.root.id, nextUpdate: c ? new Date(c.nextUpdate).toISOString() : null }, `the root's CRL runs out within ${ROOT_CRL_WARNING_DAYS} days: sign a new one (inkan ca crl --bank ${ca.bankId} --root)`);
    }
  }

  /**
   * A new CRL for the bank's issuing CA, served from the moment it resolves: built at once, or in a
   * burst joined to the one build of the next second (crl-schedule.ts). Resolves with its number.
   */
  async rebuildCrl(bankId: string): Promise<number> {
    const ca = this.cas.get(bankId);
    if (!ca) throw new Error(`unknown bank ${bankId}`);
    return this.scheduleOf(ca.issuing.id, bankId).request();
  }

  private scheduleOf(caId: number, bankId: string): CrlSchedule<number> {
    let s = this.schedules.get(caId);
    if (!s) this.schedules.set(caId, (s = new CrlSchedule({ build: () => this.buildCrlNow(bankId), now: () => this.clock.now().getTime() })));
    return s;
  }

  /** Builds, signs and stores a new CRL for the bank's issuing CA, and serves it from now on. */
  private async buildCrlNow(bankId: string): Promise<number> {
    const ca = this.cas.get(bankId);
    const cfg = this.configs.get(bankId);
    if (!ca || !cfg) throw new Error(`unknown bank ${bankId}`);
    const policy = effectivePolicy(cfg);
    const { number, statusRevision } = await this.store.nextCrlNumber(ca.issuing.id);
    // dated the second it is signed, never later (a future thisUpdate is "not yet valid"
    // everywhere); whole seconds (RFC 5280). Successive CRLs are kept apart by the schedule instead.
    const now = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const nextUpdate = addDuration(now, parseDuration(policy.crlValidity));
    const built = { number, statusRevision, thisUpdate: now, nextUpdate };
    const { count, saved } = await this.buildAndSaveCrl(ca, built);
    // what was stored is what was built, byte for byte; only when a newer list won is it read back
    // (reading a large CRL back costs several times its size while the driver decodes it)
    const stored = saved ? { ...built, der: saved } : await this.store.getCrl(ca.issuing.id);
    if (stored) this.crls.set(ca.issuing.id, { number: stored.number, statusRevision: stored.statusRevision, nextUpdate: stored.nextUpdate.getTime(), der: stored.der });
    this.scheduleOf(ca.issuing.id, bankId).built(now, true);
    this.log.info({ bank: bankId, crlNumber: number, entries: count }, "CRL rebuilt");
    return number;
  }

  /** Builds and stores the list; returns it if it was stored (no newer one had been). */
  private async buildAndSaveCrl(ca: BankCa, c: { number: number; statusRevision: number; thisUpdate: Date; nextUpdate: Date }): Promise<{ count: number; saved?: Uint8Array }> {
    const { der, count } = await this.buildCrl(ca, c);
    const saved = await this.store.saveCrl({ caId: ca.issuing.id, ...c, der });
    return { count, saved: saved ? der : undefined };
  }

  /** The entries live in this frame only, so that they are garbage before the list is stored. */
  private async buildCrl(ca: BankCa, c: { number: number; thisUpdate: Date; nextUpdate: Date }): Promise<{ der: Uint8Array; count: number }> {
    const entries = await this.store.revokedEntries(ca.issuing.id, c.thisUpdate);
    return { der: await ca.crl(entries, c.number, c.thisUpdate, c.nextUpdate), count: entries.count };
  }

  /** Called in the process that revoked: answers change before the call returns. */
  async revoked(bankId: string): Promise<void> {
    this.responders.get(bankId)?.invalidate();
    await this.rebuildCrl(bankId);
    const ca = this.cas.get(bankId);
    if (ca) {
      const revs = await this.store.issuingRevisions();
      const r = revs.find((x) => x.id === ca.issuing.id);
      if (r) this.seenRevision.set(ca.issuing.id, r.statusRevision);
    }
  }

  /**
   * One look at the database: revocations by other processes clear this process's OCSP answers;
   * a CRL that does not reflect them, or is past half its life, is rebuilt.
   */
  async poll(): Promise<void> {
    // one poll at a time; a caller that finds one running waits for it and then looks again, so
    // what it awaits has seen the clock as it is now
    while (this.pollRun) await this.pollRun;
    this.pollRun = this.pollOnce().finally(() => (this.pollRun = undefined));
    return this.pollRun;
  }

  private async pollOnce(): Promise<void> {
    try {
      const revs = await this.store.issuingRevisions();
      for (const ca of this.cas.values()) await this.refreshRootCrl(ca);
      for (const [bankId, ca] of this.cas) {
        const r = revs.find((x) => x.id === ca.issuing.id);
        if (!r) continue;
        const seen = this.seenRevision.get(ca.issuing.id) ?? -1;
        if (r.statusRevision !== seen) {
          this.responders.get(bankId)?.invalidate();
          this.seenRevision.set(ca.issuing.id, r.statusRevision);
        }
        const cached = this.crls.get(ca.issuing.id);
        const half = cached ? (cached.nextUpdate - this.clock.now().getTime()) : 0;
        const cfg = this.configs.get(bankId)!;
        const life = durationMs(effectivePolicy(cfg).crlValidity, this.clock);
        if (!cached || cached.statusRevision < r.statusRevision || half < life / 2) {
          const stored = await this.store.getCrl(ca.issuing.id);
          if (stored && stored.statusRevision >= r.statusRevision && stored.nextUpdate.getTime() - this.clock.now().getTime() >= life / 2) {
            this.crls.set(ca.issuing.id, { number: stored.number, statusRevision: stored.statusRevision, nextUpdate: stored.nextUpdate.getTime(), der: stored.der });
          } else {
            await this.rebuildCrl(bankId);
          }
        }
      }
    } catch (e) {
      this.log.error({ err: (e as Error).message }, "status poll failed");
    }
  }

  hasBank(bankId: string): boolean {
    return this.cas.has(bankId);
  }

  /** Issuing CA then root: EST cacerts, a PKCS#12 chain. */
  chain(bankId: string): Uint8Array[] | undefined {
    return this.cas.get(bankId)?.chain;
  }

  /** A CA certificate of the bank, as served at caIssuers. */
  caCertificate(bankId: string, caId: number): Uint8Array | undefined {
    const b = this.cas.get(bankId);
    return b?.issuing.id === caId ? b.issuing.der : b?.root.id === caId ? b.root.der : undefined;
  }

  /** The bank's issuing CA for new certificates, or (with caId) the one that prepared a record. */
  issuer(bankId: string, caId?: number): UserCertificateIssuer | undefined {
    const b = this.cas.get(bankId);
    if (!b || (caId !== undefined && b.issuing.id !== caId)) return undefined;
    let i = this.issuers.get(b.issuing.id);
    if (!i) {
      // closures over the BankCa, not the BankCa: lifecycle/ gets these two operations only
      i = Object.freeze({
        caId: b.issuing.id,
        chain: b.chain,
        notAfter: b.issuingNotAfter,
        prepareUserCertificate: (p: UserCertificateTemplate) => b.prepareUserCertificate(p),
        sign: (tbsDer: Uint8Array) => b.sign(tbsDer),
      });
      this.issuers.set(b.issuing.id, i);
    }
    return i;
  }

  crlStatus(bankId: string): { number: number; nextUpdate: Date } | undefined {
    const b = this.cas.get(bankId);
    const c = b && this.crls.get(b.issuing.id);
    return c && { number: c.number, nextUpdate: new Date(c.nextUpdate) };
  }

  /** What web/ is handed: published status only, with no path to a signer. */
  statusView(): CaStatus {
    return Object.freeze({
      bankIds: () => this.bankIds(),
      hasBank: (bankId: string) => this.hasBank(bankId),
      chain: (bankId: string) => this.chain(bankId),
      caCertificate: (bankId: string, caId: number) => this.caCertificate(bankId, caId),
      crl: (bankId: string, caId: number) => this.crl(bankId, caId),
      ocsp: (bankId: string, request: Uint8Array) => this.ocsp(bankId, request),
      identifyClient: (der: Uint8Array) => this.identifyClient(der),
    });
  }

  /** What lifecycle/ is handed: an issuer per bank and status republishing. */
  operations(): CaOperations {
    return Object.freeze({
      issuer: (bankId: string, caId?: number) => this.issuer(bankId, caId),
      identifyClient: (der: Uint8Array) => this.identifyClient(der),
      revoked: (bankId: string) => this.revoked(bankId),
      rebuildCrl: (bankId: string) => this.rebuildCrl(bankId),
      crlStatus: (bankId: string) => this.crlStatus(bankId),
    });
  }

  startPolling(ms: number): void {
    this.polling = setInterval(() => {
      if (!this.pollRun) void this.poll();
    }, ms);
    this.polling.unref();
  }

  stop(): void {
    if (this.polling) clearInterval(this.polling);
  }

  /** For good: no more CRL builds; one under way is let finish (before the database closes). */
  async close(): Promise<void> {
    this.stop();
    await this.pollRun;
    await Promise.all([...this.schedules.values()].map((s) => s.stop()));
  }
}

function durationMs(iso: string, clock: Clock): number {
  const now = clock.now();
  return addDuration(now, parseDuration(iso)).getTime() - now.getTime();
}
