/**
 * `npm run loadtest -- --platform local` end to end, for real: the image context built, a fresh platform started
 * through its CLI, the scenario sent through `live`, the platform's own counts read, the platform stopped.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { platformSizeFor } from '../../loadtest/src/local-platform-plan.ts';
import { LoadTestResultSchema } from '../../loadtest/src/result.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const RATE = 50;
const DURATION_SECONDS = 5;

describe('npm run loadtest -- --platform local', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('measures the Lambda path on a fresh platform, with its counts, and leaves nothing running', async () => {
    work = await mkdtemp(join(tmpdir(), 'shiftgate-platform-e2e-'));
    const out = join(work, 'result.json');
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'loadtest/src/cli/loadtest.ts', '--scenario', 'pr', '--platform', 'local'].concat(
          ['--engine', 'node', '--rate', String(RATE), '--duration', String(DURATION_SECONDS), '--out', out],
        ),
        { cwd: repoRoot, env: { ...process.env, GITHUB_SHA: '' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(out);
    const result = LoadTestResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const requests = RATE * DURATION_SECONDS;
    expect(result).toMatchObject({ scenario: 'pr', requests, system: { ...platformSizeFor(RATE) } });
    // The platform's own counts agree with what the load generator saw, whatever the machine's load: every
    // request invoked the function or was throttled with 429, and on an alias with provisioned concurrency every
    // cold start is a spillover (a busy machine can keep all provisioned environments busy at once; a later
    // request that reuses the on-demand environment is a spillover without a cold start).
    const throttled = result.statusCounts?.['429'] ?? 0;
    expect(result.statusCounts).toEqual({
      '200': requests - throttled,
      ...(throttled ? { '429': throttled } : {}),
    });
    const counts = result.system.kind === 'local-lambda-platform' ? result.system.platformCounts : null;
    expect(counts).toMatchObject({ invocations: requests - throttled, throttles: throttled });
    expect(counts?.coldStarts).toBeLessThanOrEqual(counts?.spillover ?? -1);
    expect(run.stderr).toContain('the Lambda path, one request per execution environment');
    // Its temporary state directory is gone: the run stopped its daemon through the CLI, then removed it.
    const stateDir = run.stderr.match(/starting a local Lambda platform in (\S+):/)?.[1];
    expect(stateDir).toBeDefined();
    await expect(access(String(stateDir))).rejects.toThrow(/ENOENT/);
  }, 240_000);
});
