import { appendFileSync, existsSync, mkdirSync, openSync, closeSync, fsyncSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** One checkpoint as the sink keeps it: one JSON line. */
export interface CheckpointLine {
  bank: string;
  seq: number;
  head: string;
  at: string;
  keyId: string;
  sig: string;
}

/** Where checkpoints go outside the database: append-only, never rewritten by Inkan. */
export interface CheckpointSink {
  append(line: CheckpointLine): void;
}

export const defaultSinkFile = (dataDir: string) => join(dataDir, "audit", "checkpoints.jsonl");

/** A file opened for appending only, synced after each line (so a crash loses none that was signed). */
export class FileSink implements CheckpointSink {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }
  append(line: CheckpointLine): void {
    appendFileSync(this.file, JSON.stringify(line) + "\n", { mode: 0o600 });
    const fd = openSync(this.file, "a");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Standard output, for a service manager or log shipper that keeps it elsewhere (journald, syslog). */
export class StdoutSink implements CheckpointSink {
  append(line: CheckpointLine): void {
    process.stdout.write(`inkan-audit-checkpoint ${JSON.stringify(line)}\n`);
  }
}

/**
 * The lines of a sink file (or of a saved log in which lines start "inkan-audit-checkpoint "),
 * undefined when the file is missing. Lines that do not parse are returned as problems.
 */
export function readSink(file: string): { lines: CheckpointLine[]; bad: number[] } | undefined {
  if (!existsSync(file)) return undefined;
  const lines: CheckpointLine[] = [];
  const bad: number[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((raw, i) => {
      const text = raw.replace(/^.*?inkan-audit-checkpoint /, "").trim();
      if (text === "") return;
      try {
        const l = JSON.parse(text) as CheckpointLine;
        if (typeof l.bank !== "string" || !Number.isInteger(l.seq) || typeof l.head !== "string" || typeof l.sig !== "string") throw new Error("shape");
        lines.push(l);
      } catch {
        bad.push(i + 1);
      }
    });
  return { lines, bad };
}
