/**
 * The three CLIs, run as the workflow runs them (node --import tsx), against stand-ins for k6 and the service.
 * Concurrent: each case spawns its own process and writes its own files; start-up dominates their time.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureServer, startFixtureServer } from '../../fixtures/start-fixture-server.ts';
import { formatResultJson, LoadTestResultSchema } from '../result.ts';
import { aResult } from '../test-results.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureResult = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/results/${name}.json`, import.meta.url));

function cli(script: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `loadtest/src/cli/${script}.ts`, ...args],
      { cwd: repoRoot, env: { ...process.env, GITHUB_SHA: '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
/** The default credential chain reads these first; nothing here reaches AWS. */
const keysInEnvironment = {
  AWS_ACCESS_KEY_ID: keys.accessKeyId,
  AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
  AWS_REGION: 'eu-west-1',
};

let server: FixtureServer;
let signedServer: FixtureServer;
let work: string;
beforeAll(async () => {
  [server, signedServer] = await Promise.all([
    startFixtureServer(),
    startFixtureServer({ sigv4: { region: 'eu-west-1', ...keys } }),
  ]);
  work = await mkdtemp(join(tmpdir(), 'shiftgate-loadtest-'));
});
afterAll(async () => {
  await Promise.all([server.stop(), signedServer.stop()]);
});

/** A fake k6: records its arguments and writes a handleSummary-format summary where SUMMARY_PATH says. */
async function fakeK6(exitCode: number): Promise<string> {
  const bin = await mkdtemp(join(work, 'bin-'));
  const script = `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.writeFileSync(${JSON.stringify(join(bin, 'args.json'))}, JSON.stringify(args));
fs.writeFileSync(${JSON.stringify(join(bin, 'env.json'))}, JSON.stringify({ AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY }));
const env = Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === '-e' ? [a.split('=')] : [])).map(([k, ...v]) => [k, v.join('=')]));
fs.writeFileSync(env.SUMMARY_PATH, JSON.stringify({
  state: { testRunDurationMs: 2000 },
  metrics: {
    http_reqs: { type: 'counter', contains: 'default', values: { count: 40, rate: 20 } },
    http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 40 } },
    'http_req_duration{status:200}': { type: 'trend', contains: 'time', values: { count: 40, med: 9, 'p(90)': 12, 'p(95)': 14, 'p(99)': 19, max: 25 } },
    shiftgate_status_200: { type: 'counter', contains: 'default', values: { count: 40, rate: 20 } },
  },
}));
const csv = args[args.indexOf('--out') + 1].slice('csv='.length);
const header = 'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const rows = Array.from({ length: 40 }, (_, i) => 'http_req_duration,' + (1764460800000 + i * 50) + ',' + (9 + (i % 5)) + ',,,,true,,POST,url,HTTP/1.1,pr,,200,,,url,,');
fs.writeFileSync(csv, [header, ...rows].join('\\n') + '\\n');
process.exit(${exitCode});
`;
  await writeFile(join(bin, 'k6'), script);
  await chmod(join(bin, 'k6'), 0o755);
  return bin;
}

describe.concurrent('npm run loadtest', () => {
  it('runs the scenario in Node when k6 is not on PATH, writes the result and prints its path last', async () => {
    const out = join(work, 'node-result.json');
    const run = await cli(
      'loadtest',
      ['--scenario', 'smoke', '--target', server.url, '--rate', '20', '--duration', '1', '--out', out],
      { PATH: '/usr/bin:/bin' },
    );

    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(out);
    const result = LoadTestResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result).toMatchObject({
      tool: 'node',
      scenario: 'smoke',
      target: server.url,
      requests: 20,
      errorRate: 0,
    });
  });

  it('uses k6 when it is on PATH, passing the scenario, and normalizes its summary (even when thresholds failed)', async () => {
    const bin = await fakeK6(99);
    const out = join(work, 'k6-result.json');
    const run = await cli(
      'loadtest',
      ['--scenario', 'pr', '--target', 'http://127.0.0.1:9', '--rate', '20', '--duration', '2', '--out', out],
      { PATH: `${bin}:/usr/bin:/bin`, GITHUB_SHA: 'feedface' },
    );

    expect(run.code).toBe(0);
    const args = JSON.parse(await readFile(join(bin, 'args.json'), 'utf8')) as string[];
    expect(args).toEqual(
      expect.arrayContaining(['SCENARIO=pr', 'RATE=20', 'DURATION=2', 'TARGET=http://127.0.0.1:9']),
    );
    const result = LoadTestResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result).toMatchObject({
      tool: 'k6',
      scenario: 'pr',
      gitSha: 'feedface',
      requests: 40,
      targetRateReached: true,
    });
    expect(result.latencyMs.p95).toBe(14);
    expect(result.startedAt).not.toBeNull();
    expect(args).toEqual(expect.arrayContaining(['--out', expect.stringMatching(/^csv=.*\.csv$/)]));
    expect(result.latencySamples?.map(({ second, ms }) => [second, ms.length])).toEqual([
      [0, 20],
      [1, 20],
    ]);
    expect(result.missing).not.toContain('latencySamples');
    expect(result.timeline?.map(({ second, requests, errors }) => [second, requests, errors])).toEqual([
      [0, 20, 0],
      [1, 20, 0],
    ]);
  });

  it('signs with --sigv4 on the Node runner: credentials from the default chain, region from AWS_REGION', async () => {
    const out = join(work, 'signed-result.json');
    const run = await cli(
      'loadtest',
      [
        '--target',
        signedServer.url,
        '--rate',
        '20',
        '--duration',
        '1',
        '--engine',
        'node',
        '--sigv4',
        '--out',
        out,
      ],
      { PATH: '/usr/bin:/bin', ...keysInEnvironment },
    );
    expect(run.code).toBe(0);
    const result = LoadTestResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result.statusCounts).toEqual({ '200': 20 });
    expect(result.system).toEqual({ kind: 'url', signedSigV4: true });
  });

  it('gets 403 from the same server without --sigv4', async () => {
    const out = join(work, 'unsigned-result.json');
    const run = await cli(
      'loadtest',
      ['--target', signedServer.url, '--rate', '20', '--duration', '1', '--engine', 'node', '--out', out],
      { PATH: '/usr/bin:/bin' },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).statusCounts).toEqual({ '403': 20 });
  });

  it('hands k6 the region as SIGV4_REGION and the keys in its environment, never on its command line', async () => {
    const bin = await fakeK6(0);
    const run = await cli(
      'loadtest',
      [
        '--target',
        'https://abc.lambda-url.ap-northeast-1.on.aws',
        '--sigv4',
        '--out',
        join(work, 'k6-signed.json'),
      ],
      { PATH: `${bin}:/usr/bin:/bin`, ...keysInEnvironment },
    );
    expect(run.code).toBe(0);
    const args = JSON.parse(await readFile(join(bin, 'args.json'), 'utf8')) as string[];
    expect(args).toContain('SIGV4_REGION=ap-northeast-1');
    expect(args.join(' ')).not.toContain(keys.secretAccessKey);
    expect(JSON.parse(await readFile(join(bin, 'env.json'), 'utf8'))).toEqual({
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    });
    const result = JSON.parse(await readFile(join(work, 'k6-signed.json'), 'utf8'));
    expect(result.system).toEqual({ kind: 'function-url', signedSigV4: true });
  });

  it('fails when k6 itself fails, naming the command to rerun', async () => {
    const bin = await fakeK6(107);
    const run = await cli('loadtest', ['--target', 'http://127.0.0.1:9', '--out', join(work, 'never.json')], {
      PATH: `${bin}:/usr/bin:/bin`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/k6 failed with exit code 107; rerun it by hand: k6 run --quiet/);
  });

  it('refuses --platform local with --target, naming both, before starting anything', async () => {
    const run = await cli('loadtest', ['--platform', 'local', '--target', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'loadtest: --platform local starts its own platform and measures its live URL, so it cannot also take --target http://127.0.0.1:9',
    );
    expect(run.stderr).toContain('usage: npm run loadtest');
  });

  it('refuses --engine k6 without k6 on PATH, with the reason and the usage', async () => {
    const run = await cli('loadtest', ['--engine', 'k6', '--target', 'http://127.0.0.1:9'], {
      PATH: '/usr/bin:/bin',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--engine k6 but k6 is not on PATH');
    expect(run.stderr).toContain('usage: npm run loadtest');
  });
});

describe.concurrent('npm run slo:gate', () => {
  it.each([
    ['pr-within-noise', 0, '✅ Load test `pr` kept every SLO'],
    ['pr-regressed', 1, '❌ Load test `pr` did NOT keep the SLOs'],
  ])('exits %s → %i with the verdict in markdown', async (name, code, headline) => {
    const markdown = join(work, `${name}.md`);
    const run = await cli('slo-gate', [fixtureResult(name), '--markdown', markdown]);
    expect(run.code).toBe(code);
    expect(run.stdout).toContain(headline);
    expect(await readFile(markdown, 'utf8')).toContain(headline);
  });

  it('exits 2 on a file that is neither a result nor a k6 summary', async () => {
    const bad = join(work, 'bad.json');
    await writeFile(bad, '{"hello":"world"}');
    const run = await cli('slo-gate', [bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a k6 summary');
  });
});

describe.concurrent('npm run loadtest:report', () => {
  it('writes the PR report with the base comparison to --out', async () => {
    const out = join(work, 'report.md');
    const run = await cli('report', [
      fixtureResult('pr-regressed'),
      '--base',
      fixtureResult('base-main'),
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    const markdown = await readFile(out, 'utf8');
    expect(markdown).toContain('#### Compared with the base branch (commit 1111111)');
    expect(markdown).toContain('```mermaid');
  });

  it('pools --repeat runs of this commit and --base runs of the base commit, leaving other commits out', async () => {
    const rerun = async (name: string, gitSha: string) => {
      const parsed = LoadTestResultSchema.parse(JSON.parse(await readFile(fixtureResult(name), 'utf8')));
      const path = join(work, `${name}-${gitSha}.json`);
      await writeFile(path, formatResultJson({ ...parsed, gitSha }));
      return path;
    };
    const run = await cli('report', [
      fixtureResult('pr-regressed'),
      '--repeat',
      await rerun('pr-regressed', '3333333ccccccc'),
      '--base',
      fixtureResult('base-main'),
      '--base',
      await rerun('pr-within-noise', '1111111aaaaaaa'),
      '--base',
      fixtureResult('pr-within-noise'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '#### Compared with the base branch (commit 1111111; 2 run(s) of it and 2 of this commit pooled)',
    );
    expect(run.stdout).toContain(
      '> ⚠️ 1 base run(s) of other commits (2222222) left out: the band holds repeated runs of 1111111 only.',
    );
  });

  it('skips a base result of an older schema with the reason, instead of failing', async () => {
    const oldBase = join(work, 'v1-base.json');
    await writeFile(oldBase, formatResultJson({ ...aResult(), schemaVersion: 1 } as never));
    const run = await cli('report', [fixtureResult('pr-within-noise'), '--base', oldBase]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "_The base branch's result is schema v1 and this run's v2, so they are not compared",
    );
  });

  it('reports without a comparison when the base branch has no result yet', async () => {
    const run = await cli('report', [fixtureResult('pr-within-noise'), '--base', join(work, 'missing.json')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('_No base-branch result to compare with yet._');
    expect(run.stderr).toContain('no base result at');
  });
});
