import { loadBankGenerations, type BankCa } from "./bank-ca.js";
import { runCeremony } from "./ceremony.js";
import { OcspResponder } from "./ocsp-responder.js";
import { ClientCertificateVerifier, type PresentedCertificate } from "./client-identity.js";
import type { CaOperations, CaStatus, UserCertificateIssuer, UserCertificateTemplate } from "./ca-views.js";
import type { KeyStore } from "./key-store.js";
import { CrlSchedule } from "./crl-schedule.js";
import { publishedCrl, RetiredGenerations, type PublishedCrl } from "./retired-generations.js";
import type { Store } from "../store/store.js";
import { effectivePolicy, type BankConfig } from "../config/schema.js";
import type { Clock } from "../domain/clock.js";
import { addDuration, parseDuration } from "../domain/duration.js";

/** A root CRL is signed in a ceremony; the log warns this long before it runs out. */
const ROOT_CRL_WARNING_DAYS = 30;
const ROOT_CRL_WARNING_MS = ROOT_CRL_WARNING_DAYS * 86_400_000;
/** how long a revoked generation's records must stand still before the poll rebuilds its list */
const REVOKED_GENERATION_QUIET_MS = 2000;

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
  /** each bank's active generation: the one that signs new certificates */
  private readonly cas = new Map<string, BankCa>();
  /** each bank's live generations, newest first (the active one among them) */
  private readonly generations = new Map<string, BankCa[]>();
  /** every live generation by its record number */
  private readonly byCaId = new Map<number, BankCa>();
  private readonly issuers = new Map<number, UserCertificateIssuer>();
  private readonly schedules = new Map<number, CrlSchedule<number>>();
  private readonly responders = new Map<string, OcspResponder>();
  private readonly crls = new Map<number, PublishedCrl>();
  /** the last CRL (and the certificate) of each retired generation, served until that CRL's nextUpdate */
  private readonly retired = new RetiredGenerations();
  /** each bank's root CRL (the ARL), by the root's record number */
  private readonly rootCrls = new Map<number, PublishedCrl>();
  private readonly rootCrlWarned = new Map<number, number>();
  private readonly seenRevision = new Map<number, number>();
  /** when (the CA's clock, ms) the poll last saw a revoked generation's records change */
  private readonly revokedGenerationChangedAt = new Map<number, number>();
  private readonly configs = new Map<string, BankConfig>();
  private polling: NodeJS.Timeout | undefined;
  private readonly clients = new ClientCertificateVerifier();
  private pollRun: Promise<void> | undefined;
  private readonly changeListeners: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    private readonly keys: KeyStore,
    private readonly httpBase: string,
    private readonly clock: Clock,
    private readonly log: AuthorityLog,
  ) {}

  /** Loads (and, with create, makes by ceremony) the CA of each configured bank. */
  async load(banks: BankConfig[], opts: { create?: boolean; actor?: string; rootKeys?: KeyStore } = {}): Promise<void> {
    for (const b of banks) {
      this.configs.set(b.id, b);
      await this.store.upsertBank({ id: b.id, nameJa: b.nameJa, nameEn: b.nameEn, organization: b.organization, caName: b.caName }, this.clock.now());
      let gens = await loadBankGenerations(this.store, this.keys, b, b.policyOid, this.httpBase, this.clock);
      if (gens.length === 0 && opts.create) {
        await runCeremony({ store: this.store, keys: this.keys, rootKeys: opts.rootKeys, bank: b, httpBase: this.httpBase, clock: this.clock, actor: opts.actor ?? "system" });
        gens = await loadBankGenerations(this.store, this.keys, b, b.policyOid, this.httpBase, this.clock);
      }
      if (gens.length === 0) throw new Error(`bank ${b.id} has no CA yet: run \`inkan ca init --bank ${b.id}\``);
      await this.install(b, gens);
    }
  }

  /**
   * Serves a bank's generations from now on (at load, and when a rollover or a drill made by a
   * ceremony in another process is seen): their OCSP answers, their CRLs, the issuers a presented
   * certificate is checked against.
   */
  private async install(b: BankConfig, gens: BankCa[]): Promise<void> {
    const active = gens.find((g) => !g.generation.revokedAt) ?? gens[0]!;
    for (const g of this.generations.get(b.id) ?? []) if (!gens.some((n) => n.issuing.id === g.issuing.id)) this.byCaId.delete(g.issuing.id);
    this.cas.set(b.id, active);
    this.generations.set(b.id, gens);
    for (const g of gens) this.byCaId.set(g.issuing.id, g);
    await this.loadRootCrl(b, active);
    const policy = effectivePolicy(b);
    this.responders.set(b.id, new OcspResponder(gens, (caId, serial) => this.store.certificateStatus(caId, serial), this.clock, durationMs(policy.ocspValidity, this.clock)));
    const revs = await this.store.issuingRevisions();
    for (const ca of gens) {
      if (this.crls.has(ca.issuing.id)) continue;
      const existing = await this.store.getCrl(ca.issuing.id);
      const rev = revs.find((r) => r.id === ca.issuing.id)?.statusRevision ?? 0;
      this.seenRevision.set(ca.issuing.id, rev);
      if (existing && existing.statusRevision >= rev && existing.nextUpdate.getTime() > this.clock.now().getTime()) {
        this.crls.set(ca.issuing.id, publishedCrl(existing));
        this.scheduleOf(ca.issuing.id).built(existing.thisUpdate, false);
      } else {
        await this.buildCrlNow(ca.issuing.id);
      }
    }
    this.clients.setIssuers([...this.generations.values()].flat().map((c) => ({ bankId: c.bankId, caId: c.issuing.id, der: c.issuing.der, revoked: !!c.generation.revokedAt })));
    await this.keepRetiredCrls(b.id, gens);
  }

  /** Generations no longer live keep their last CRL published (retired-generations.ts), after a restart too. */
  private async keepRetiredCrls(bankId: string, gens: BankCa[]): Promise<void> {
    for (const rec of await this.store.bankCas(bankId)) {
      if (rec.kind !== "issuing" || this.retired.has(rec.id) || gens.some((g) => g.issuing.id === rec.id)) continue;
      const cached = this.crls.get(rec.id);
      const stored = cached ? undefined : await this.store.getCrl(rec.id);
      this.crls.delete(rec.id);
      this.retired.keep(bankId, rec.id, rec.certDer, cached ?? (stored && publishedCrl(stored)), this.clock.now().getTime());
    }
  }

  /** Reads the bank's generations again (after a ceremony here or in another process). */
  async reloadBank(bankId: string): Promise<void> {
    const b = this.configs.get(bankId);
    if (!b) throw new Error(`unknown bank ${bankId}`);
    const gens = await loadBankGenerations(this.store, this.keys, b, b.policyOid, this.httpBase, this.clock);
    if (gens.length > 0) await this.install(b, gens);
    for (const fn of this.changeListeners) fn();
  }

  /** Called after a bank's generations changed (the serving process rewrites CA files and its TLS CA list). */
  onGenerationsChanged(fn: () => void): void {
    this.changeListeners.push(fn);
  }

  /** The bank's live generations, newest first. */
  liveGenerations(bankId: string): BankCa[] {
    return this.generations.get(bankId) ?? [];
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

  /** The current CRL of one of the bank's issuing generations or of its root (the ARL), DER. */
  crl(bankId: string, caId: number): PublishedCrl | undefined {
    const ca = this.cas.get(bankId);
    if (ca?.root.id === caId) return this.rootCrls.get(caId);
    if (this.byCaId.get(caId)?.bankId !== bankId) return this.retired.get(bankId, caId, this.clock.now().getTime())?.crl;
    return this.crls.get(caId);
  }

  /**
   * The root's CRL as stored. It is signed in a ceremony only (the root's key is not in any store
   * this process opens): when there is none, the log says how to sign one.
   */
  private async loadRootCrl(bank: BankConfig, ca: BankCa): Promise<void> {
    const stored = await this.store.getCrl(ca.root.id);
    if (stored) this.rootCrls.set(ca.root.id, publishedCrl(stored));
    else this.log.warn({ bank: bank.id }, `the bank's root has no CRL: sign one (inkan ca crl --bank ${bank.id} --root)`);
  }

  /** A root ceremony stored a new root CRL: publish it. */
  async rootCrlSigned(bankId: string): Promise<void> {
    const ca = this.cas.get(bankId);
    if (ca) await this.refreshRootCrl(ca);
  }

  bankConfig(bankId: string): BankConfig {
    const b = this.configs.get(bankId);
    if (!b) throw new Error(`unknown bank ${bankId}`);
    return b;
  }

  private async refreshRootCrl(ca: BankCa): Promise<void> {
    const head = await this.store.crlHead(ca.root.id);
    const cached = this.rootCrls.get(ca.root.id);
    if (head && (!cached || head.number > cached.number)) {
      const stored = await this.store.getCrl(ca.root.id);
      if (stored) this.rootCrls.set(ca.root.id, publishedCrl(stored));
    }
    const c = this.rootCrls.get(ca.root.id);
    const left = c ? c.nextUpdate - this.clock.now().getTime() : 0;
    if (left < ROOT_CRL_WARNING_MS && this.rootCrlWarned.get(ca.root.id) !== c?.number) {
      this.rootCrlWarned.set(ca.root.id, c?.number ?? -1);
      this.log.warn({ bank: ca.bankId, rootCaId: ca.root.id, nextUpdate: c ? new Date(c.nextUpdate).toISOString() : null }, `the root's CRL runs out within ${ROOT_CRL_WARNING_DAYS} days: sign a new one (inkan ca crl --bank ${ca.bankId} --root)`);
    }
  }

  /**
   * New CRLs for every live generation of the bank, served from the moment it resolves: built at
   * once, or in a burst joined to the one build of the next second (crl-schedule.ts). Resolves with
   * the active generation's CRL number.
   */
  async rebuildCrl(bankId: string): Promise<number> {
    const ca = this.cas.get(bankId);
    if (!ca) throw new Error(`unknown bank ${bankId}`);
    const older = this.liveGenerations(bankId).filter((g) => g !== ca);
    const [n] = await Promise.all([this.scheduleOf(ca.issuing.id).request(), ...older.map((g) => this.scheduleOf(g.issuing.id).request())]);
    return n;
  }

  private scheduleOf(caId: number): CrlSchedule<number> {
    let s = this.schedules.get(caId);
    if (!s) this.schedules.set(caId, (s = new CrlSchedule({ build: () => this.buildCrlNow(caId), now: () => this.clock.now().getTime() })));
    return s;
  }

  /** Builds, signs and stores a new CRL for one issuing generation, and serves it from now on. */
  private async buildCrlNow(caId: number): Promise<number> {
    const ca = this.byCaId.get(caId);
    const bankId = ca?.bankId ?? "";
    const cfg = this.configs.get(bankId);
    if (!ca || !cfg) throw new Error(`unknown issuing CA ${caId}`);
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
    if (stored) this.crls.set(ca.issuing.id, publishedCrl(stored));
    this.scheduleOf(ca.issuing.id).built(now, true);
    this.log.info({ bank: bankId, issuingCaId: caId, generation: ca.generation.number, crlNumber: number, entries: count }, "CRL rebuilt");
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

  /**
   * Called in the process that revoked: answers change before the call returns. The CRL of each
   * generation whose status changed is rebuilt (the active one's when none is seen to have).
   */
  async revoked(bankId: string): Promise<void> {
    this.responders.get(bankId)?.invalidate();
    const revs = await this.store.issuingRevisions();
    const gens = this.liveGenerations(bankId);
    const changed = gens.filter((g) => (revs.find((r) => r.id === g.issuing.id)?.statusRevision ?? 0) !== this.seenRevision.get(g.issuing.id));
    const rebuild = changed.length > 0 ? changed : gens.slice(0, 1);
    await Promise.all(rebuild.map((g) => this.scheduleOf(g.issuing.id).request()));
    for (const g of gens) {
      const r = revs.find((x) => x.id === g.issuing.id);
      if (r) this.seenRevision.set(g.issuing.id, Math.max(r.statusRevision, this.seenRevision.get(g.issuing.id) ?? 0));
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
      // a rollover or a drill by a ceremony in another process: the bank's generations are read again
      for (const [bankId, gens] of this.generations) {
        const now = this.clock.now().getTime();
        const newest = Math.max(...gens.map((g) => g.issuing.id));
        const changed = revs.some((r) => r.bankId === bankId && (r.id > newest || (this.byCaId.has(r.id) && r.revoked !== !!this.byCaId.get(r.id)!.generation.revokedAt)));
        // a generation past its end retires; a responder certificate with under 30 days left is renewed (by the load)
        const expired = gens.some((g) => (g.issuingNotAfter.getTime() <= now && g !== this.cas.get(bankId)) || (g.ocspNotAfter.getTime() - now < 30 * 86_400_000 && g.issuingNotAfter.getTime() - now > 30 * 86_400_000));
        if (changed || expired) await this.reloadNewer(bankId);
      }
      for (const ca of this.cas.values()) await this.refreshRootCrl(ca);
      for (const [caId, ca] of this.byCaId) {
        const bankId = ca.bankId;
        const r = revs.find((x) => x.id === caId);
        if (!r) continue;
        const seen = this.seenRevision.get(caId) ?? -1;
        if (r.statusRevision !== seen) {
          this.responders.get(bankId)?.invalidate();
          this.seenRevision.set(caId, r.statusRevision);
          if (ca.generation.revokedAt) this.revokedGenerationChangedAt.set(caId, this.clock.now().getTime());
        }
        const cached = this.crls.get(caId);
        const half = cached ? cached.nextUpdate - this.clock.now().getTime() : 0;
        const cfg = this.configs.get(bankId)!;
        const life = durationMs(effectivePolicy(cfg).crlValidity, this.clock);
        // A generation the root has revoked is refused whole by every verifier (the root's CRL lists
        // it), so its own list can wait until a drill's reset stops changing its records, instead of
        // being rebuilt — ever longer — once a second on the cores that drill needs; the drill's
        // command builds it once at its end, and a drill cut short is caught up here once quiet.
        const settling = !!ca.generation.revokedAt && this.clock.now().getTime() - (this.revokedGenerationChangedAt.get(caId) ?? -Infinity) < REVOKED_GENERATION_QUIET_MS;
        if (!cached || half < life / 2 || (cached.statusRevision < r.statusRevision && !settling)) {
          const stored = await this.store.getCrl(caId);
          if (stored && stored.statusRevision >= r.statusRevision && stored.nextUpdate.getTime() - this.clock.now().getTime() >= life / 2) {
            this.crls.set(caId, publishedCrl(stored));
          } else {
            await this.scheduleOf(caId).request();
          }
        }
      }
    } catch (e) {
      this.log.error({ err: (e as Error).message }, "status poll failed");
    }
  }

  /** Reads a bank's generations again when the database holds ones (or revocations) this process has not seen. */
  private async reloadNewer(bankId: string): Promise<void> {
    await this.reloadBank(bankId);
    this.log.info({ bank: bankId, generations: this.liveGenerations(bankId).map((g) => `G${g.generation.number}${g.generation.revokedAt ? " (revoked)" : ""}`) }, "issuing CA generations reloaded");
  }

  hasBank(bankId: string): boolean {
    return this.cas.has(bankId);
  }

  /**
   * Every live issuing generation (newest first) then the root: EST cacerts, the CA files in the
   * data directory, the nginx bundle — whoever checks a certificate of any live generation.
   */
  chain(bankId: string): Uint8Array[] | undefined {
    const gens = this.generations.get(bankId);
    const active = this.cas.get(bankId);
    return gens && active ? [...gens.filter((g) => !g.generation.revokedAt).map((g) => g.issuing.der), active.root.der] : undefined;
  }

  /** A CA certificate of the bank, as served at caIssuers. */
  caCertificate(bankId: string, caId: number): Uint8Array | undefined {
    const b = this.cas.get(bankId);
    if (b?.root.id === caId) return b.root.der;
    const g = this.byCaId.get(caId);
    return g?.bankId === bankId ? g.issuing.der : this.retired.get(bankId, caId, this.clock.now().getTime())?.der;
  }

  /**
   * The bank's active generation for new certificates, or (with caId) the one that prepared a
   * record (an older generation finishes a signature it recorded before a rollover).
   */
  issuer(bankId: string, caId?: number): UserCertificateIssuer | undefined {
    const b = caId === undefined ? this.cas.get(bankId) : this.byCaId.get(caId);
    if (!b || b.bankId !== bankId) return undefined;
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
