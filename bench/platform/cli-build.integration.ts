/**
 * `npm run platform:local -- start` and `deploy` as the issue runs them, with no --context-dir: each builds the
 * current commit's image context (npm run build:image-context) and publishes it. The default suite passes
 * --context-dir to skip the build (it takes a while and swaps build/image-context under other suites), so this
 * path is checked here, in `npm run test:bench`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { predict } from '../../platform/src/testing/daemon-fixtures.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function platformLocal(args: readonly string[], stateDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'platform/src/cli.ts', ...args, '--state-dir', stateDir],
      { cwd: repoRoot },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run platform:local without --context-dir', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work === undefined) return;
    await platformLocal(['stop'], join(work, 'state'));
    await rm(work, { recursive: true, force: true });
  });

  it('start and deploy build the image context and publish what they built', async () => {
    work = await mkdtemp(join(tmpdir(), 'shiftgate-cli-build-'));
    const stateDir = join(work, 'state');

    const started = await platformLocal(['start', '--pc', '1'], stateDir);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toContain('building the image context (npm run build:image-context)');
    expect(started.stderr).toContain(
      `publishing version 1 from ${join(repoRoot, 'build', 'image-context', 'x86_64')}`,
    );
    const liveUrl = started.stdout.trimEnd().split('\n').at(-1) as string;
    expect(liveUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await predict(liveUrl)).toMatchObject({ status: 200, version: '1' });

    const deployed = await platformLocal(['deploy'], stateDir);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain('building the image context (npm run build:image-context)');
    const [version, url] = deployed.stdout.trim().split(' ');
    expect(version).toBe('2');
    expect(await predict(url as string)).toMatchObject({ status: 200, version: '2' });

    const stopped = await platformLocal(['stop'], stateDir);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(existsSync(join(stateDir, 'daemon.json'))).toBe(false);
  }, 300_000);
});
