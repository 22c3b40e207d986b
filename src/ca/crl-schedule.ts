/**
 * Coalesces the rebuilds of one CA's CRL. A CRL is dated the second it is signed and never later
 * (a thisUpdate in the future is "not yet valid" to every verifier), and NSS keeps the CRL it has
 * unless the new one's thisUpdate is strictly later: so at most one CRL a second. Requests that
 * arrive while one is waiting join it; a request is answered by a build that started after it, so
 * whoever awaits it sees their revocation published, within a second in a burst and at once
 * otherwise.
 */
export interface CrlScheduleParams<T> {
  /** builds, signs and stores one CRL; its thisUpdate is the second it starts */
  build: () => Promise<T>;
  /** the CA's clock, ms (an injected one in tests) */
  now: () => number;
  /** a monotonic real-time clock, ms: the wait in a burst is real even when the CA's clock stands still */
  monotonic?: () => number;
  /** the least real time between two builds, ms */
  gapMs?: number;
  /** setTimeout and clearTimeout (tests drive their own) */
  timers?: Timers;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };

interface Waiting<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export class CrlSchedule<T> {
  private lastSecond = -Infinity;
  private lastStart = -Infinity;
  private running: Promise<void> | undefined;
  private waiting: Waiting<T> | undefined;
  private timer: unknown;
  private stopped = false;
  private readonly monotonic: () => number;
  private readonly gapMs: number;
  private readonly timers: Timers;

  constructor(private readonly p: CrlScheduleParams<T>) {
    this.monotonic = p.monotonic ?? (() => performance.now());
    this.gapMs = p.gapMs ?? 1000;
    this.timers = p.timers ?? REAL_TIMERS;
  }

  /** A CRL was made (by this process: `here`, or found stored): the next one waits its turn after it. */
  built(thisUpdate: Date, here: boolean): void {
    this.lastSecond = Math.max(this.lastSecond, Math.floor(thisUpdate.getTime() / 1000));
    if (here) this.lastStart = Math.max(this.lastStart, this.monotonic());
  }

  /** Resolves with the result of a build that started after this call. */
  request(): Promise<T> {
    if (this.stopped) return Promise.reject(new Error("CRL schedule stopped"));
    if (!this.waiting) {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
      this.waiting = { promise, resolve, reject };
    }
    const { promise } = this.waiting;
    this.kick();
    return promise;
  }

  /** Whatever is waiting or running has finished (successfully or not). */
  async settled(): Promise<void> {
    while (this.waiting || this.running) await (this.waiting?.promise ?? this.running)?.catch(() => undefined);
  }

  /** No new builds; a waiting request is refused; a running build is let finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(new Error("CRL schedule stopped"));
    await this.running?.catch(() => undefined);
  }

  private kick(): void {
    if (!this.waiting || this.running || this.timer !== undefined || this.stopped) return;
    // free to build once the CA's clock is in a later second than the last CRL's, or once a real
    // second has passed (a clock that stands still, as in tests: the CRL then shares the second)
    const now = this.p.now();
    const realWait = this.lastStart + this.gapMs - this.monotonic();
    if (Math.floor(now / 1000) <= this.lastSecond && realWait > 0) {
      this.timer = this.timers.set(() => {
        this.timer = undefined;
        this.kick();
      }, Math.max(1, Math.ceil(Math.min(realWait, 1000 - (now % 1000)))));
      return;
    }
    this.start();
  }

  private start(): void {
    const w = this.waiting!;
    this.waiting = undefined;
    this.lastStart = this.monotonic();
    this.lastSecond = Math.floor(this.p.now() / 1000);
    this.running = this.p.build().then(w.resolve, w.reject);
    void this.running.finally(() => {
      this.running = undefined;
      this.kick();
    });
  }
}
