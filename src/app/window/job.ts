import { randomBytes } from "node:crypto";
import type { Params } from "../messages.js";
import type { Asker, Question } from "../questions.js";

/**
 * One action of the window (issue, renew) run as the command line runs it, the person answering
 * its questions on screens: the command asks, the job stops there and the window shows the
 * question's screen; the answer posted resumes the same run. So the window decides nothing the
 * command does not: the same code asks the same questions in the same order.
 */

export type JobState<R> =
  | { phase: "running" }
  | { phase: "asking"; question: Question; params: Params }
  | { phase: "done"; value: R }
  | { phase: "failed"; error: unknown };

/** The person left the screens of a job for another action: its pending question is withdrawn. */
export class Abandoned extends Error {
  constructor() {
    super("abandoned in the window");
    this.name = "Abandoned";
  }
}

export class Job<R> {
  readonly id = randomBytes(12).toString("base64url");
  private current: JobState<R> = { phase: "running" };
  private waiting: { resolve(v: string): void; reject(e: unknown): void } | undefined;
  private changed: { promise: Promise<void>; resolve(): void };
  /** answers given on a screen ahead of their question (a passphrase's confirmation) */
  private readonly ahead = new Map<Question, string>();

  readonly asker: Asker = {
    interactive: true,
    ask: (question, params = {}) => {
      const given = this.ahead.get(question);
      if (given !== undefined) {
        this.ahead.delete(question);
        return Promise.resolve(given);
      }
      return new Promise<string>((resolve, reject) => {
        this.waiting = { resolve, reject };
        this.set({ phase: "asking", question, params });
      });
    },
  };

  constructor(
    /** what the job does, for its screens: "issue" or "renew" */
    readonly kind: string,
    /** what the screens need to offer the same action again (bank, login ID) */
    readonly input: Record<string, string>,
    run: (asker: Asker) => Promise<R>,
  ) {
    this.changed = signal();
    run(this.asker).then(
      (value) => this.set({ phase: "done", value }),
      (error) => this.set({ phase: "failed", error }),
    );
  }

  get state(): JobState<R> {
    return this.current;
  }

  /** The state once the job is no longer working: asking, done or failed. */
  async settled(): Promise<JobState<R>> {
    while (this.current.phase === "running") await this.changed.promise;
    return this.current;
  }

  /** Answers the question asked now (false when that is not the one asked); `ahead` for the ones that follow. */
  answer(question: Question, value: string, ahead: Partial<Record<Question, string>> = {}): boolean {
    const w = this.waiting;
    if (this.current.phase !== "asking" || this.current.question !== question || !w) return false;
    for (const [q, v] of Object.entries(ahead)) if (v !== undefined) this.ahead.set(q as Question, v);
    this.waiting = undefined;
    this.set({ phase: "running" });
    w.resolve(value);
    return true;
  }

  /** Ends the job for another action: a pending question is withdrawn, work under way is waited for. */
  async ended(): Promise<void> {
    for (;;) {
      if (this.current.phase === "done" || this.current.phase === "failed") return;
      if (this.current.phase === "asking") this.abandon();
      await this.changed.promise;
    }
  }

  /** Withdraws a pending question; the run ends with Abandoned (a kept request stays for next time, as after Ctrl-C). */
  abandon(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(new Abandoned());
  }

  private set(s: JobState<R>) {
    this.current = s;
    const c = this.changed;
    this.changed = signal();
    c.resolve();
  }
}

function signal(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
