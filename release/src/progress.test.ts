import { describe, expect, it } from 'vitest';
import { canRedraw, type ProgressStream, streamProgress } from './progress.ts';

function stream(isTTY: boolean, columns?: number): ProgressStream & { text: string } {
  const written = {
    text: '',
    isTTY,
    ...(columns === undefined ? {} : { columns }),
    write(chunk: string) {
      written.text += chunk;
      return true;
    },
  };
  return written;
}

describe('streamProgress', () => {
  it('writes only the lines that stay to a log, never a redrawn one', () => {
    const log = stream(false);
    const progress = streamProgress(log, {});
    progress.live('baking 3 s');
    progress.step('shift 1/3 (10 %)');
    expect(progress.redraws).toBe(false);
    expect(log.text).toBe('release: shift 1/3 (10 %)\n');
  });

  it('redraws one live line on a terminal, and clears it before a line that stays', () => {
    const tty = stream(true, 80);
    const progress = streamProgress(tty, { TERM: 'xterm' });
    progress.live('baking 3 s');
    progress.live('baking 6 s');
    progress.step('passed');
    expect(tty.text).toBe(
      '\r\x1b[2Krelease: baking 3 s\r\x1b[2Krelease: baking 6 s\r\x1b[2Krelease: passed\n',
    );
  });

  it('cuts a live line to the terminal width, so a redraw clears all of it', () => {
    const tty = stream(true, 20);
    streamProgress(tty, {}).live('a very long line that would wrap');
    expect(tty.text).toBe('\r\x1b[2Krelease: a very lo…');
  });
});

describe('canRedraw', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { TERM: 'dumb' }, false],
    [true, { CI: 'true' }, false],
  ])('a TTY %s with %o: %s', (isTTY, env, expected) => {
    expect(canRedraw(stream(isTTY), env)).toBe(expected);
  });
});
