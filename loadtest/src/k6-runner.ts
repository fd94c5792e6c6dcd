/** The k6 path of `npm run loadtest`: find k6 on PATH, run loadtest/k6/predict.ts, normalize its summary. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K6_ENV } from './k6-contract.ts';
import { parseK6Summary } from './k6-summary.ts';
import type { LoadTestResult } from './result.ts';
import type { ScenarioRun } from './scenarios.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = 'loadtest/k6/predict.ts';
/** k6 exits with this when thresholds failed: the run itself worked, and the gate will say what failed. */
const K6_THRESHOLDS_FAILED = 99;

export function findK6(pathVariable: string | undefined): string | null {
  for (const directory of (pathVariable ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, process.platform === 'win32' ? 'k6.exe' : 'k6');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export async function runK6(options: {
  k6: string;
  run: ScenarioRun;
  target: string;
  gitSha: string | null;
  summaryPath: string;
}): Promise<LoadTestResult> {
  const { run } = options;
  const args = [
    'run',
    '--quiet',
    ...['-e', `${K6_ENV.scenario}=${run.scenario}`],
    ...['-e', `${K6_ENV.target}=${options.target}`],
    ...['-e', `${K6_ENV.rate}=${run.ratePerSecond}`],
    ...['-e', `${K6_ENV.duration}=${run.durationSeconds}`],
    ...['-e', `${K6_ENV.summaryPath}=${options.summaryPath}`],
    SCRIPT,
  ];
  // handleSummary writes the file but does not create its directory.
  await mkdir(dirname(options.summaryPath), { recursive: true });
  const startedAt = new Date().toISOString();
  const child = spawn(options.k6, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 && code !== K6_THRESHOLDS_FAILED) {
    throw new Error(`k6 failed with exit code ${code}; rerun it by hand: k6 ${args.join(' ')}`);
  }
  const summary: unknown = JSON.parse(await readFile(options.summaryPath, 'utf8'));
  return parseK6Summary(summary, {
    scenario: run.scenario,
    target: options.target,
    gitSha: options.gitSha,
    targetRatePerSecond: run.ratePerSecond,
    startedAt,
  });
}
