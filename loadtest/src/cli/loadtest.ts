/**
 * npm run loadtest -- --scenario pr [--target URL] ...: runs a scenario with k6 when it is on PATH, else with
 * the Node open-model runner; writes the normalized result JSON and prints its path as the last line.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { defaultResultPath, LOADTEST_USAGE, type LoadtestOptions, parseLoadtestArgs } from '../cli-args.ts';
import { findK6, runK6 } from '../k6-runner.ts';
import { type LocalService, startLocalService } from '../local-service.ts';
import { runNodeScenario } from '../node-runner.ts';
import type { LoadTestResult } from '../result.ts';

const log = (message: string) => process.stderr.write(`loadtest: ${message}\n`);

function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

async function runScenario(
  options: LoadtestOptions,
  target: string,
  signal: AbortSignal,
): Promise<LoadTestResult> {
  const k6 = options.engine === 'node' ? null : findK6(process.env.PATH);
  if (options.engine === 'k6' && k6 === null) {
    throw new Error(
      '--engine k6 but k6 is not on PATH; install k6 (https://grafana.com/docs/k6/) or use --engine node',
    );
  }
  const { run } = options;
  const gitShaValue = options.gitSha ?? gitSha();
  if (k6 !== null) {
    log(`k6 ${run.scenario}: ${run.ratePerSecond} req/s for ${run.durationSeconds} s against ${target}`);
    const summaryPath = resolve('loadtest/results', `k6-summary-${process.pid}.json`);
    return runK6({ k6, run, target, gitSha: gitShaValue, summaryPath });
  }
  log(
    `node ${run.scenario}: ${run.ratePerSecond} req/s for ${run.durationSeconds} s against ${target} (k6 not used)`,
  );
  return runNodeScenario({ run, target, gitSha: gitShaValue, signal });
}

async function main(): Promise<void> {
  const options = parseLoadtestArgs(process.argv.slice(2), process.env);
  const abort = new AbortController();
  const interrupt = () => {
    log('interrupted: finishing in-flight requests, then stopping');
    abort.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  let service: LocalService | null = null;
  try {
    if (options.target === null) service = await startLocalService(log);
    const target = options.target ?? (service as LocalService).url;
    const startedAt = new Date();
    const result = await runScenario(options, target, abort.signal);
    const out = options.out ?? join(process.cwd(), defaultResultPath(options.run.scenario, startedAt));
    await writeFileAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
    const p95 = result.latencyMs.p95 === null ? 'n/a' : `${result.latencyMs.p95.toFixed(1)} ms`;
    const errors = result.errorRate === null ? 'n/a' : `${(result.errorRate * 100).toFixed(2)} %`;
    log(
      `${result.requests} requests, p95 ${p95}, errors ${errors}${result.targetRateReached === false ? ', TARGET RATE NOT REACHED' : ''}`,
    );
    process.stdout.write(`${resolve(out)}\n`);
  } finally {
    await service?.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'loadtest', usage: LOADTEST_USAGE, failureCode: 1 }, main);
}
