/** The exit status of a program stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Standard input ended before the secret `what` was given (scripts send one line per secret). */
export class NoSecretLeft extends Error {
  constructor(readonly what: string) {
    super(`no line left on standard input for ${what}`);
    this.name = "NoSecretLeft";
  }
}

/**
 * Secrets, read by the issuing app and by the bank's CLI: on a terminal they are typed without
 * echo; otherwise (scripts, tests) each one asked takes the next line of standard input, in the
 * order docs/issuing-app.md gives per command.
 */
export class Secrets {
  private lines: string[] | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly input: NodeJS.ReadStream,
    private readonly out: NodeJS.WriteStream,
  ) {}

  get interactive(): boolean {
    return Boolean(this.input.isTTY);
  }

  /** Asks once; `what` names the secret in the error when standard input has no line left. */
  async ask(prompt: string, what: string): Promise<string> {
    if (this.interactive) return this.hidden(prompt);
    await this.readAll();
    const line = this.lines!.shift();
    if (line === undefined) throw new NoSecretLeft(what);
    return line;
  }

  private readAll(): Promise<void> {
    if (this.lines) return Promise.resolve();
    this.reading ??= new Promise<void>((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.input.on("data", (c: Buffer) => chunks.push(Buffer.from(c)));
      this.input.once("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const lines = text.split(/\r?\n/);
        if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
        this.lines = lines;
        resolve();
      });
      this.input.once("error", reject);
      this.input.resume();
    });
    return this.reading;
  }

  private hidden(prompt: string): Promise<string> {
    return new Promise((resolve) => {
      const input = this.input;
      this.out.write(prompt);
      input.setRawMode(true);
      input.resume();
      let value = "";
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n" || ch === "\u0004") {
            finish();
            resolve(value);
            return;
          }
          if (ch === "\u0003") {
            finish();
            // in raw mode Ctrl-C is a character: hand it to the SIGINT handler now (a signal sent
            // to ourselves could arrive after the event loop, empty, has already ended)
            process.exitCode = EXIT_INTERRUPTED;
            if (!process.emit("SIGINT", "SIGINT")) process.exit(EXIT_INTERRUPTED);
            return;
          }
          if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
          else if (ch >= " ") value += ch;
        }
      };
      const finish = () => {
        input.off("data", onData);
        input.setRawMode(false);
        input.pause();
        this.out.write("\n");
      };
      input.on("data", onData);
    });
  }
}
