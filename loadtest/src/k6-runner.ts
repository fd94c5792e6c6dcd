/** The k6 path of `npm run loadtest`: find k6 on PATH, run loadtest/k6/predict.ts, normalize its summary. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { K6_ENV } from './k6-contract.ts';
import { K6_CSV_TIME_FORMAT, readK6RequestData } from './k6-samples.ts';
import { parseK6Summary } from './k6-summary.ts';
import { type LoadTestResult, type MeasuredSystem, missingFigures } from './result.ts';
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

/** Keys k6's script signs with (it reads only environment variables); temporary ones carry a session token. */
export interface K6Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export async function runK6(options: {
  k6: string;
  run: ScenarioRun;
  target: string;
  system: MeasuredSystem;
  gitSha: string | null;
  summaryPath: string;
  /** Sign every request with SigV4 for this region and these credentials (passed in k6's environment, never
   * on its command line). */
  sigv4?: { region: string; credentials: K6Credentials };
}): Promise<LoadTestResult> {
  const { run, sigv4 } = options;
  // The summary holds statistics only; the per-request samples the comparison resamples come from this file.
  const samplesPath = options.summaryPath.replace(/(\.json)?$/, '.csv');
  const args = [
    'run',
    '--quiet',
    '--out',
    `csv=${samplesPath}`,
    ...['-e', `${K6_ENV.scenario}=${run.scenario}`],
    ...['-e', `${K6_ENV.target}=${options.target}`],
    ...['-e', `${K6_ENV.rate}=${run.ratePerSecond}`],
    ...['-e', `${K6_ENV.duration}=${run.durationSeconds}`],
    ...['-e', `${K6_ENV.summaryPath}=${options.summaryPath}`],
    ...(sigv4 ? ['-e', `${K6_ENV.sigv4Region}=${sigv4.region}`] : []),
    SCRIPT,
  ];
  const env = {
    ...process.env,
    K6_CSV_TIME_FORMAT,
    ...(sigv4
      ? {
          AWS_ACCESS_KEY_ID: sigv4.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: sigv4.credentials.secretAccessKey,
          AWS_SESSION_TOKEN: sigv4.credentials.sessionToken ?? '',
        }
      : {}),
  };
  // handleSummary writes the file but does not create its directory.
  await mkdir(dirname(options.summaryPath), { recursive: true });
  const startedAt = new Date().toISOString();
  const child = spawn(options.k6, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 && code !== K6_THRESHOLDS_FAILED) {
    throw new Error(`k6 failed with exit code ${code}; rerun it by hand: k6 ${args.join(' ')}`);
  }
  const summary: unknown = JSON.parse(await readFile(options.summaryPath, 'utf8'));
  const summarized = parseK6Summary(summary, {
    scenario: run.scenario,
    target: options.target,
    system: options.system,
    gitSha: options.gitSha,
    targetRatePerSecond: run.ratePerSecond,
    startedAt,
  });
  const requestData = await readK6RequestData(samplesPath, loadTestObjectives().availability.badStatusFrom);
  const { missing: _summaryMissing, ...withSamples } = {
    ...summarized,
    ...requestData,
    notes: [
      ...summarized.notes,
      `latency samples and timeline from k6's CSV output (${samplesPath}), by the second of the run each request ended in`,
    ],
  };
  return { ...withSamples, missing: missingFigures(withSamples) };
}
