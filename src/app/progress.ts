import type { Clock } from "../domain/clock.js";

/**
 * Progress for anything that waits (the network, key generation), on stderr so that stdout keeps
 * only results. On a terminal a spinner with the seconds waited; otherwise one line per step.
 */
export class Progress {
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly doneWord: string,
    private readonly clock: Clock,
  ) {}

  async run<T>(label: string, work: () => Promise<T>): Promise<T> {
    if (!this.out.isTTY) {
      this.out.write(`… ${label}\n`);
      return work();
    }
    const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    const start = this.clock.now().getTime();
    let i = 0;
    const draw = () => {
      const s = Math.floor((this.clock.now().getTime() - start) / 1000);
      this.out.write(`\r${frames[i++ % frames.length]} ${label}${s > 0 ? ` (${s}s)` : ""}\x1b[K`);
    };
    draw();
    const timer = setInterval(draw, 100);
    try {
      const r = await work();
      clearInterval(timer);
      this.out.write(`\r✓ ${label} — ${this.doneWord}\x1b[K\n`);
      return r;
    } catch (e) {
      clearInterval(timer);
      this.out.write(`\r✗ ${label}\x1b[K\n`);
      throw e;
    }
  }
}
