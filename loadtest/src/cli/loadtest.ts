/**
 * npm run loadtest -- --scenario pr [--target URL | --platform local] ...: runs a scenario with k6 when it is on
 * PATH, else with the Node open-model runner, against a URL, a fresh local Lambda platform, or the local Node
 * server; writes the normalized result JSON and prints its path as the last line.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import { isEntryPoint, runCli } from '../../../common/cli.ts';
import { describeError } from '../../../common/errors.ts';
import { defaultResultPath, LOADTEST_USAGE, type LoadtestOptions, parseLoadtestArgs } from '../cli-args.ts';
import { functionUrlRegion } from '../k6-contract.ts';
import { findK6, runK6 } from '../k6-runner.ts';
import { platformSizeFor, platformSystem } from '../local-platform-plan.ts';
import {
  type LocalPlatformTarget,
  PLATFORM_CLI,
  type PlatformCli,
  startLocalPlatform,
} from '../local-platform-target.ts';
import { type LocalService, startLocalService } from '../local-service.ts';
import { runNodeScenario } from '../node-runner.ts';
import { describeSystem } from '../report.ts';
import { formatResultJson, type LoadTestResult, type MeasuredSystem } from '../result.ts';
import { createSigV4Signer, signingRegion } from '../sigv4.ts';

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

/** What answers: the local platform or Node server we started, or the URL we were given (a Function URL is the
 * Lambda path). */
function measuredSystem(
  options: LoadtestOptions,
  service: LocalService | null,
  platform: LocalPlatformTarget | null,
): MeasuredSystem {
  if (platform !== null) return platformSystem(platform.size, null);
  if (service !== null) return { kind: 'local-node-server', microBatching: service.microBatching };
  const target = options.target ?? '';
  return functionUrlRegion(target) === null
    ? { kind: 'url', signedSigV4: options.sigv4 }
    : { kind: 'function-url', signedSigV4: options.sigv4 };
}

async function runScenario(
  options: LoadtestOptions,
  target: string,
  system: MeasuredSystem,
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
  const region = options.sigv4 ? signingRegion(target, process.env) : null;
  log(describeSystem(system, target));
  if (k6 !== null) {
    log(`k6 ${run.scenario}: ${run.ratePerSecond} req/s for ${run.durationSeconds} s against ${target}`);
    const summaryPath = resolve('loadtest/results', `k6-summary-${process.pid}.json`);
    const sigv4 =
      region === null ? undefined : { region, credentials: await resolveCredentials(defaultProvider()) };
    return runK6({ k6, run, target, system, gitSha: gitShaValue, summaryPath, ...(sigv4 ? { sigv4 } : {}) });
  }
  log(
    `node ${run.scenario}: ${run.ratePerSecond} req/s for ${run.durationSeconds} s against ${target} (k6 not used)`,
  );
  const sign = region === null ? undefined : createSigV4Signer({ region });
  return runNodeScenario({ run, target, system, gitSha: gitShaValue, signal, ...(sign ? { sign } : {}) });
}

/** k6 reads keys from its environment only: resolve the default chain (profiles, SSO, roles) once, here. */
async function resolveCredentials(provider: ReturnType<typeof defaultProvider>) {
  try {
    const { accessKeyId, secretAccessKey, sessionToken } = await provider();
    return { accessKeyId, secretAccessKey, sessionToken };
  } catch (error) {
    throw new Error('--sigv4: no usable AWS credentials in the default chain (set AWS_PROFILE or keys)', {
      cause: error,
    });
  }
}

/** The platform's counts after the run; a platform that cannot say leaves them unknown, with a note, rather than
 * losing the run. */
async function withPlatformCounts(
  result: LoadTestResult,
  platform: LocalPlatformTarget,
): Promise<LoadTestResult> {
  try {
    return { ...result, system: platformSystem(platform.size, await platform.counts()) };
  } catch (error) {
    log(`the platform's status could not be read: ${describeError(error)}`);
    return { ...result, notes: [...result.notes, `platform counts not read: ${describeError(error)}`] };
  }
}

export interface LoadtestEdges {
  /** How to run the local platform's CLI for --platform local. */
  platformCli: PlatformCli;
  signal: AbortSignal;
}

/** Runs the scenario against what the options name, writes the result, and returns its path. */
export async function runLoadtest(options: LoadtestOptions, edges: LoadtestEdges): Promise<string> {
  let service: LocalService | null = null;
  let platform: LocalPlatformTarget | null = null;
  try {
    if (options.platform === 'local') {
      platform = await startLocalPlatform(log, platformSizeFor(options.run.ratePerSecond), edges.platformCli);
    } else if (options.target === null) {
      service = await startLocalService(log);
    }
    const target = options.target ?? platform?.liveUrl ?? (service as LocalService).url;
    const startedAt = new Date();
    const measured = await runScenario(
      options,
      target,
      measuredSystem(options, service, platform),
      edges.signal,
    );
    const result = platform === null ? measured : await withPlatformCounts(measured, platform);
    if (platform !== null) log(describeSystem(result.system, target));
    const out = options.out ?? join(process.cwd(), defaultResultPath(options.run.scenario, startedAt));
    await writeFileAtomic(out, formatResultJson(result));
    const p95 = result.latencyMs.p95 === null ? 'n/a' : `${result.latencyMs.p95.toFixed(1)} ms`;
    const errors = result.errorRate === null ? 'n/a' : `${(result.errorRate * 100).toFixed(2)} %`;
    log(
      `${result.requests} requests, p95 ${p95}, errors ${errors}${result.targetRateReached === false ? ', TARGET RATE NOT REACHED' : ''}`,
    );
    return resolve(out);
  } finally {
    await Promise.all([service?.stop(), platform?.stop()]);
  }
}

async function main(): Promise<void> {
  const options = parseLoadtestArgs(process.argv.slice(2), process.env);
  const abort = new AbortController();
  const interrupt = () => {
    if (abort.signal.aborted) {
      // A second Ctrl-C: end now. process.exit still runs the 'exit' handlers that stop what the run started.
      log('interrupted again: stopping at once');
      process.exit(130);
    }
    log('interrupted: finishing in-flight requests, then stopping');
    abort.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const out = await runLoadtest(options, { platformCli: PLATFORM_CLI, signal: abort.signal });
  process.stdout.write(`${out}\n`);
}

if (isEntryPoint(import.meta.url)) {
  await runCli({ name: 'loadtest', usage: LOADTEST_USAGE, failureCode: 1 }, main);
}
