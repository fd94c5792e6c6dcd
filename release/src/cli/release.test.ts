import { describe, expect, it } from 'vitest';
import { aResult } from '../../../loadtest/src/test-results.ts';
import { EXIT_CODES } from '../model.ts';
import { type MemoryIoScript, memoryIo } from '../testing/memory-io.ts';
import { metricsOf, steadyTraffic } from '../testing/memory-metrics.ts';
import { FakeClock, MemoryPlatform } from '../testing/memory-platform.ts';
import { holderName, type ReleaseCliIo, runReleaseCli } from './release.ts';
import { RELEASE_ENV } from './release-args.ts';

const ENV = {
  [RELEASE_ENV.recordTable]: 'releases',
  [RELEASE_ENV.stage]: 'prod',
  [RELEASE_ENV.pageAlarms]: 'predictor-page',
};
// A plan the fake clock runs in an instant: one short step before the promotion.
const START = ['--function', 'predictor', '--candidate', '2', '--plan', '50,100', '--bake', '1m'];

function cli(script: MemoryIoScript = {}, platform = memoryPlatform()) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: ReleaseCliIo = {
    env: ENV,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    progress: { step: () => {}, live: () => {} },
    holder: 'test@host pid 1',
    writeFileAtomic: async (path, text) => {
      files.set(path, text);
    },
    releaseIo: () => memoryIo(platform, script),
  };
  return { io, platform, files, stdout: () => out.join(''), stderr: () => err.join('') };
}

function memoryPlatform(options: Partial<ConstructorParameters<typeof MemoryPlatform>[0]> = {}) {
  return new MemoryPlatform({
    clock: new FakeClock(),
    versions: ['1', '2'],
    live: '1',
    livePc: 2,
    scaling: null,
    metrics: steadyTraffic(50),
    ...options,
  });
}

describe('runReleaseCli', () => {
  it('exits 0 for a promotion, writes the JSON and the Markdown beside it, and prints the Markdown', async () => {
    const run = cli();
    expect(await runReleaseCli([...START, '--out', 'out/report.json'], run.io)).toBe(0);
    const report = JSON.parse(run.files.get('out/report.json') ?? '{}');
    expect(report).toMatchObject({ outcome: 'promoted', exitCode: 0, candidate: '2' });
    expect(run.files.get('out/report.md')).toBe(run.stdout());
    expect(run.stdout()).toMatch(/promoted/);
  });

  it.each([
    [
      'rolled-back',
      {},
      memoryPlatform({
        metrics: (version, range, via, platform) => {
          const healthy = steadyTraffic(50)(version, range, via, platform);
          return version === '2'
            ? metricsOf(version, range, via, {
                invocations: healthy.invocations,
                errors: healthy.invocations,
              })
            : healthy;
        },
      }),
    ],
    ['stopped-before-traffic', { pretraffic: aResult({ errorRate: 0.5 }) }, memoryPlatform()],
    ['refused', {}, memoryPlatform({ versions: ['1'] })],
  ] as const)('exits with the code of %s', async (outcome, script, platform) => {
    const run = cli(script, platform);
    expect(await runReleaseCli([...START, '--out', 'report.json'], run.io)).toBe(EXIT_CODES[outcome]);
    expect(JSON.parse(run.files.get('report.json') ?? '{}')).toMatchObject({ outcome });
    expect(run.stdout()).not.toBe('');
  });

  it('exits 0 when the candidate already serves all of live, saying there is nothing to release', async () => {
    const run = cli({}, memoryPlatform({ live: '2' }));
    expect(await runReleaseCli([...START, '--out', 'report.json'], run.io)).toBe(0);
    expect(JSON.parse(run.files.get('report.json') ?? '{}')).toMatchObject({
      outcome: 'already-live',
      exitCode: 0,
    });
    expect(run.stdout().split('\n')[0]).toBe(
      '### ✅ version 2 already serves all of live: nothing to release',
    );
    expect(run.platform.changes).toEqual([]);
  });

  it('exits 2 with the usage for a bad command line, touching nothing', async () => {
    const run = cli();
    expect(await runReleaseCli(['--function', 'predictor'], run.io)).toBe(2);
    expect(run.stderr()).toMatch(/missing --candidate[\s\S]*usage: npm run release/);
    expect(run.platform.changes).toEqual([]);
  });

  it('prints the usage for --help and exits 0', async () => {
    const run = cli();
    expect(await runReleaseCli(['--help'], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^usage: npm run release/);
  });

  it('lets a crash through to runCli (exit 1), leaving the lock for resume', async () => {
    const run = cli({
      onEnter: (state) => {
        if (state.name === 'promote') throw new Error('killed');
      },
    });
    await expect(runReleaseCli(START, run.io)).rejects.toThrow(/stopped in promote.*resume.*abort/);
    expect(run.platform.releaseRecord.lock).not.toBeNull();
    const status = cli({}, run.platform);
    expect(await runReleaseCli(['status', '--function', 'predictor'], status.io)).toBe(0);
    expect(status.stdout()).toMatch(
      /^live: \{"version":"1","weights":\{"2":0.5\}\}\nlock: release predictor-2-/,
    );
    const resumed = cli({}, run.platform);
    expect(await runReleaseCli(['resume', '--function', 'predictor'], resumed.io)).toBe(0);
    expect(run.platform.releaseRecord.lock).toBeNull();
  });

  it('says there is nothing to abort, exit 0, when no release runs', async () => {
    const run = cli();
    expect(await runReleaseCli(['abort', '--function', 'predictor'], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/nothing to abort/);
    expect(run.platform.releaseRecord.entries).toEqual([]);
  });

  it('aborts the release holding the lock with the code of its outcome', async () => {
    const run = cli({
      onEnter: (state) => {
        if (state.name === 'watch') throw new Error('killed');
      },
    });
    await runReleaseCli(START, run.io).catch(() => undefined);
    const abort = cli({}, run.platform);
    const code = await runReleaseCli(['abort', '--function', 'predictor', '--reason', 'pager'], abort.io);
    expect(code).toBe(EXIT_CODES['rolled-back']);
    expect((await run.platform.readAlias()).version).toBe('1');
  });
});

describe('runReleaseCli rollback', () => {
  const ROLLBACK = ['rollback', '--function', 'predictor', '--reason', 'p95 regressed'];

  it('exits 0 once live is back on the version before the last promotion, and writes the report', async () => {
    const release = cli();
    expect(await runReleaseCli(START, release.io)).toBe(0);
    const run = cli({}, release.platform);
    expect(await runReleaseCli([...ROLLBACK, '--out', 'rollback.json'], run.io)).toBe(EXIT_CODES.reverted);
    expect(JSON.parse(run.files.get('rollback.json') ?? '{}')).toMatchObject({
      kind: 'rollback',
      outcome: 'reverted',
      exitCode: 0,
      candidate: '2',
      stable: '1',
    });
    expect(run.stdout()).toMatch(/^### ↩️ rolled live back from 2 to 1: p95 regressed/);
    expect((await release.platform.readAlias()).version).toBe('1');
  });

  it('exits 5, changing nothing, with no promoted release and no --to', async () => {
    const run = cli();
    expect(await runReleaseCli(ROLLBACK, run.io)).toBe(EXIT_CODES.refused);
    expect(run.stdout()).toMatch(/refused: the release record has no promoted release/);
    expect(run.platform.changes).toEqual([]);
  });

  it('aborts the release holding the lock, with the code of its outcome', async () => {
    const run = cli({
      onEnter: (state) => {
        if (state.name === 'watch') throw new Error('killed');
      },
    });
    await runReleaseCli(START, run.io).catch(() => undefined);
    const rollback = cli({}, run.platform);
    expect(await runReleaseCli(ROLLBACK, rollback.io)).toBe(EXIT_CODES['rolled-back']);
    expect((await run.platform.readAlias()).version).toBe('1');
  });
});

describe('holderName', () => {
  it('names the user, host and pid, and the GitHub Actions run when there is one', () => {
    expect(holderName({}, 'ci', 'runner-1', 42)).toBe('ci@runner-1 pid 42');
    expect(
      holderName(
        { GITHUB_RUN_ID: '99', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ATTEMPT: '2' },
        'runner',
        'h',
        7,
      ),
    ).toBe('runner@h pid 7 (GitHub Actions o/r run 99 attempt 2)');
  });
});
