import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The CLIs as the workflow runs them: their flags, their files, their exit codes and messages. */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const cli = (name: string, args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'pipeline/src/cli', `${name}.ts`), ...args], {
    cwd: ROOT,
    timeout: 30_000,
  });
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pipeline-cli-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('infra:diff', () => {
  it('writes the Markdown of two synth outputs', async () => {
    const out = join(directory, 'infra-diff.md');

    await cli('infra-diff', [
      '--base',
      'pipeline/fixtures/synth/base',
      '--head',
      'pipeline/fixtures/synth/head',
      '--out',
      out,
    ]);

    expect(await readFile(out, 'utf8')).toMatch(
      /^<!-- shiftgate-infra-diff verdict=dangerous -->\n⚠️ \*\*IAM permissions or trust are broadened\*\*\n/,
    );
  });

  it('exits 1 naming a missing flag, with the usage', async () => {
    await expect(cli('infra-diff', ['--head', 'x'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^infra:diff: --base and --head are required\nusage: npm run --silent infra:diff/,
      ),
    });
  });
});

describe('image:report', () => {
  it('writes the figures and the smoke result as JSON', async () => {
    const smoke = join(directory, 'smoke.json');
    const out = join(directory, 'image.json');
    const result = { ok: true, url: 'u', attempts: 2, elapsedMs: 900, statusCode: 200, detail: '12 months' };
    await writeFile(smoke, JSON.stringify(result));

    await cli('image-report', [
      '--head-bytes',
      '524288000',
      '--base-bytes',
      '',
      '--smoke',
      smoke,
      '--out',
      out,
    ]);

    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({
      headBytes: 524_288_000,
      baseBytes: null,
      smoke: result,
    });
  });

  it('refuses a size that is not a byte count and writes nothing', async () => {
    const out = join(directory, 'refused.json');

    await expect(cli('image-report', ['--head-bytes', '12MB', '--out', out])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `image:report: --head-bytes "12MB" is not a byte count; pass docker image inspect --format '{{.Size}}'`,
      ),
    });
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('pr:report', () => {
  it('renders the comment from files, a missing one as not run with why', async () => {
    const { stdout } = await cli('pr-report', [
      '--tests',
      'pipeline/fixtures/vitest/passing.json',
      '--loadtest',
      'loadtest/fixtures/reports/pr-regressed.md.txt',
      '--image-status',
      'skipped',
      '--image-why',
      'no Docker engine',
    ]);

    expect(stdout).toMatch(
      /^<!-- shiftgate-pr-report -->\n❌ \*\*Failed: load test\*\*; did not run: image size, infrastructure diff\n/,
    );
    expect(stdout).toContain("Did not run: no Docker engine (its job's status: `skipped`).");
  });

  it('refuses an unknown job status', async () => {
    await expect(cli('pr-report', ['--tests-status', 'ok'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--tests-status is "ok"; pass a job status'),
    });
  });
});
