import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineLog, openLineLog } from './line-log.ts';

/** A stream that keeps each chunk it is given, so a test sees how lines were batched. */
function chunkCollector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { chunks, stream };
}

describe('LineLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiftgate-line-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lands every line in the file, in the order appended, across many turns of the event loop', async () => {
    const path = join(dir, '1.log');
    const errors: string[] = [];
    const log = openLineLog(path, (message) => errors.push(message));
    const expected: string[] = [];
    for (let turn = 0; turn < 50; turn++) {
      // Bursts of uneven sizes, as chunks of an environment's stdout split into lines.
      for (let i = 0; i < (turn % 7) * 40 + 1; i++) {
        const line = `{"turn":${turn},"i":${i},"msg":"${'x'.repeat(i % 13)}"}`;
        expected.push(line);
        log.append(line);
      }
      await nextTurn();
    }
    log.append('the last line, appended just before end');
    expected.push('the last line, appended just before end');
    await log.end();
    expect(await readFile(path, 'utf8')).toBe(`${expected.join('\n')}\n`);
    expect(errors).toEqual([]);
  });

  it('appends to an existing file rather than replacing it', async () => {
    const path = join(dir, '2.log');
    const first = openLineLog(path, () => {});
    first.append('before a restart');
    await first.end();
    const second = openLineLog(path, () => {});
    second.append('after it');
    await second.end();
    expect(await readFile(path, 'utf8')).toBe('before a restart\nafter it\n');
  });

  it('writes the lines of one turn as one chunk, not one write per line', async () => {
    const { chunks, stream } = chunkCollector();
    const log = new LineLog(stream);
    for (let i = 0; i < 100; i++) log.append(`line ${i}`);
    expect(chunks).toEqual([]);
    await nextTurn();
    expect(chunks).toHaveLength(1);
    log.append('next turn');
    await log.end();
    expect(chunks).toEqual([
      `${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n`,
      'next turn\n',
    ]);
  });

  it('drops lines appended after end, without an error', async () => {
    const { chunks, stream } = chunkCollector();
    const log = new LineLog(stream);
    log.append('kept');
    await log.end();
    log.append('after the daemon closed its logs');
    await nextTurn();
    expect(chunks).toEqual(['kept\n']);
  });

  it('reports a file it cannot open once, and does not throw on later lines', async () => {
    const errors: string[] = [];
    const path = join(dir, 'missing-dir', '3.log');
    const log = openLineLog(path, (message) => errors.push(message));
    log.append('lost');
    await nextTurn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    log.append('lost too');
    await log.end();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`cannot write ${path}`);
    expect(errors[0]).toContain('ENOENT');
  });
});
