/** `npm run loadtest -- --platform local`'s wiring, in-process, with a stand-in for the platform's CLI. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_RUN_COMMANDS, standInCalls, standInCli } from '../../fixtures/stand-in-platform.ts';
import { parseLoadtestArgs } from '../cli-args.ts';
import { platformSizeFor } from '../local-platform-plan.ts';
import { LoadTestResultSchema } from '../result.ts';
import { runLoadtest } from './loadtest.ts';

describe('runLoadtest --platform local', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'shiftgate-loadtest-platform-run-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('sizes and starts a fresh platform, loads its live URL, records its counts, and stops it', async () => {
    const calls = join(work, 'calls.jsonl');
    const out = join(work, 'result.json');
    const options = parseLoadtestArgs(
      ['--platform', 'local', '--engine', 'node', '--rate', '20', '--duration', '1', '--out', out],
      {},
    );

    const written = await runLoadtest(options, {
      platformCli: standInCli(calls),
      signal: new AbortController().signal,
    });

    expect(written).toBe(out);
    const result = LoadTestResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const size = platformSizeFor(20);
    expect(result.system).toEqual({
      kind: 'local-lambda-platform',
      ...size,
      platformCounts: { invocations: 20, coldStarts: 0, throttles: 0, spillover: 0 },
    });
    expect(result.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.statusCounts).toEqual({ '200': 20 });
    const commands = await standInCalls(calls);
    expect(commands.map(({ command }) => command)).toEqual(ONE_RUN_COMMANDS);
    expect(commands[0]?.pc).toBe(String(size.provisionedEnvironments));
  });

  it('keeps the run with a note when the platform cannot say what it counted, and still stops it', async () => {
    const calls = join(work, 'unread-calls.jsonl');
    const out = join(work, 'unread-result.json');
    const options = parseLoadtestArgs(
      ['--platform', 'local', '--engine', 'node', '--rate', '20', '--duration', '1', '--out', out],
      {},
    );
    await runLoadtest(options, {
      platformCli: standInCli(calls, { STAND_IN_STATUS_JUNK: '1' }),
      signal: new AbortController().signal,
    });
    const result = LoadTestResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result.system).toMatchObject({ kind: 'local-lambda-platform', platformCounts: null });
    expect(result.notes.join('\n')).toContain(
      "platform counts not read: the platform's `status` printed something other than JSON",
    );
    expect((await standInCalls(calls)).at(-1)).toMatchObject({ command: 'stop' });
  });
});
