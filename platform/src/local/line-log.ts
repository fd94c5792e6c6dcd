/**
 * A version's log file (its CloudWatch Logs log group), written a batch of lines at a time: an environment's
 * output arrives line by line, and the lines that arrive in one turn of the event loop, from any environment of
 * the version, are joined and written once, in the order they arrived. A profile had blamed one stream write per
 * line for ~18 % of the daemon's CPU; measured after this, the write is a few µs per request either way
 * (docs/performance.md, "Local Lambda platform"), so this saves stream calls under bursts, not the daemon.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { describeError } from '../../../common/errors.ts';

export class LineLog {
  readonly #stream: Writable;
  #pending: string[] = [];
  #flushScheduled = false;
  #ended = false;

  /** Writes to `stream`; lines appended after end() are dropped (the daemon is stopping). */
  constructor(stream: Writable) {
    this.#stream = stream;
  }

  append(line: string): void {
    if (this.#ended) return;
    this.#pending.push(line);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate, not nextTick: it runs after every stdout/stderr chunk read in this turn, so it batches them all.
    setImmediate(() => this.#flush());
  }

  /** Writes what is pending and closes the stream; resolves once it is closed (or failed). */
  end(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#flush();
    this.#ended = true;
    return new Promise((resolve) => {
      if (this.#stream.destroyed) return resolve();
      this.#stream.once('error', () => resolve());
      this.#stream.end(() => resolve());
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0 || this.#ended) return;
    const batch = this.#pending;
    this.#pending = [];
    // A failed stream is destroyed: its lines are lost, as its error was reported once.
    if (!this.#stream.destroyed) this.#stream.write(`${batch.join('\n')}\n`);
  }
}

/**
 * Appends to the file at `path`. A file that cannot be written (a full disk) costs the function's logs, never the
 * daemon: its error goes to `onError` once.
 */
export function openLineLog(path: string, onError: (message: string) => void): LineLog {
  const stream = createWriteStream(path, { flags: 'a' });
  stream.once('error', (error) => onError(`cannot write ${path}: ${describeError(error)}`));
  return new LineLog(stream);
}
