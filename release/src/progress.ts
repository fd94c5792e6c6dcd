/**
 * The release's progress on a stream (stderr: stdout carries the report). A terminal gets one live line that is
 * redrawn while a step bakes; a log (CI, a pipe, a file) gets only the lines that stay, since a redrawn line there
 * is noise written many times.
 */
import type { ReleaseProgressSink } from './ports.ts';

/** The part of a stream the sink uses: process.stderr is one. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A terminal that can redraw a line: a TTY whose TERM is not `dumb`, and not told otherwise by CI=true. */
export function canRedraw(
  stream: ProgressStream,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb' && env.CI !== 'true';
}

// Carriage return, then erase the whole line (ECMA-48 EL 2).
const CLEAR_LINE = '\r\x1b[2K';

export function streamProgress(
  stream: ProgressStream,
  env: Readonly<Record<string, string | undefined>>,
  prefix = 'release',
): ReleaseProgressSink {
  const redraw = canRedraw(stream, env);
  let showing = false;
  const fitWidth = (line: string) => {
    // A line wider than the terminal wraps, and \r then clears only its last row.
    const width = stream.columns ?? 0;
    return width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
  };
  return {
    redraws: redraw,
    step(line) {
      stream.write(`${showing ? CLEAR_LINE : ''}${prefix}: ${line}\n`);
      showing = false;
    },
    live(line) {
      if (!redraw) return;
      stream.write(`${CLEAR_LINE}${fitWidth(`${prefix}: ${line}`)}`);
      showing = true;
    },
  };
}
