/**
 * The three measurements of `npm run bench:platform`, each against a platform started by the caller through its
 * CLI (loadtest/src/local-platform-target.ts): the overhead of the front and the hand-off, the sustained
 * open-model rate, and cold starts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../common/percentile.ts';
import { finalStageEnv } from '../../infra/image/dockerfile-env.ts';
import type { LocalPlatformTarget } from '../../loadtest/src/local-platform-target.ts';
import { parseLoadTestResult } from '../../loadtest/src/result.ts';
import { LOCAL_STAGE, startEnvironment } from '../../platform/src/local/environment.ts';
import { LOCAL_FUNCTION_NAME } from '../../platform/src/local/lambda-metrics.ts';
import { LocalPlatform } from '../../platform/src/local/local-platform.ts';
import { STAGE_ENVIRONMENT_VARIABLE } from '../../service/src/config.ts';
import type { PredictRequest } from '../service/measures.ts';
import { post } from '../service/measures.ts';
import { forkChild, nextMessage, stop } from '../service/processes.ts';
import { sequentialLatencies } from './sequential.ts';
import type { ColdStarts, OverheadRound, Throughput } from './targets.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIRECT_SERVER = fileURLToPath(new URL('./direct-server.ts', import.meta.url));

/** Version 1 as the platform published it: a read-only copy of the image context's files. */
export const versionDirOf = (platform: LocalPlatformTarget, version = '1') =>
  join(platform.stateDir, 'versions', version);

/**
 * The live front (one provisioned environment) against a node:http server calling the same lambda.mjs in its
 * own process, in alternating rounds so that a machine whose load drifts weighs on both alike.
 */
export async function overhead(
  platform: LocalPlatformTarget,
  request: PredictRequest,
  options: { warmup: number; perRound: number; rounds: number },
) {
  // The variables the service reads, as an execution environment has them, so both run the same code paths.
  const direct = forkChild(DIRECT_SERVER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      [STAGE_ENVIRONMENT_VARIABLE]: LOCAL_STAGE,
      AWS_LAMBDA_FUNCTION_NAME: LOCAL_FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_VERSION: '1',
    },
  });
  try {
    direct.send({ handlerPath: join(versionDirOf(platform), 'lambda.mjs') });
    const { port } = await nextMessage<{ port: number }>(direct, 30_000);
    const urls = { direct: `http://127.0.0.1:${port}/predict`, platform: `${platform.liveUrl}/predict` };
    await sequentialLatencies(urls.direct, request, options.warmup);
    await sequentialLatencies(urls.platform, request, options.warmup);
    const rounds: OverheadRound[] = [];
    const directSamples: number[] = [];
    const platformSamples: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Swapped every round: neither side always goes first.
      const order = round % 2 === 0 ? (['direct', 'platform'] as const) : (['platform', 'direct'] as const);
      const samples = { direct: [] as number[], platform: [] as number[] };
      for (const side of order)
        samples[side] = await sequentialLatencies(urls[side], request, options.perRound);
      rounds.push({
        directP50Ms: percentile(samples.direct, 50),
        platformP50Ms: percentile(samples.platform, 50),
      });
      directSamples.push(...samples.direct);
      platformSamples.push(...samples.platform);
    }
    return { rounds, directSamples, platformSamples };
  } finally {
    await stop(direct);
  }
}

/** The load test's own Node open-model runner, in a process of its own, against the live front. */
export async function sustainedRate(
  platform: LocalPlatformTarget,
  ratePerSecond: number,
  durationSeconds: number,
): Promise<Throughput> {
  const work = await mkdtemp(join(tmpdir(), 'shiftgate-bench-platform-'));
  const out = join(work, 'result.json');
  const before = await platform.counts();
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          'loadtest/src/cli/loadtest.ts',
          '--target',
          platform.liveUrl,
          '--engine',
          'node',
        ].concat(['--rate', String(ratePerSecond), '--duration', String(durationSeconds), '--out', out]),
        { cwd: REPO_ROOT, env: { ...process.env, GITHUB_SHA: '' } },
        (error, _stdout, stderr) =>
          error
            ? reject(new Error(`the load-test runner failed: ${stderr.trim()}`, { cause: error }))
            : resolve(),
      );
    });
    const result = parseLoadTestResult(JSON.parse(await readFile(out, 'utf8')), out);
    const after = await platform.counts();
    const delta = (key: 'throttles' | 'coldStarts') =>
      (after[key] ?? Number.NaN) - (before[key] ?? Number.NaN);
    return {
      targetRatePerSecond: ratePerSecond,
      achievedRatePerSecond: result.achievedRatePerSecond ?? 0,
      durationSeconds: result.durationSeconds ?? durationSeconds,
      requests: result.requests,
      droppedRequests: result.droppedRequests ?? 0,
      errorRate: result.errorRate ?? 1,
      statusCounts: result.statusCounts ?? {},
      p50Ms: result.latencyMs.p50,
      p95Ms: result.latencyMs.p95,
      p99Ms: result.latencyMs.p99,
      throttles: delta('throttles'),
      coldStarts: delta('coldStarts'),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Cold starts two ways: (1) through the platform, the first request to a version just published (no environment
 * of it exists, none is provisioned), from sending to its answer; (2) the platform's own environment start, spawn
 * to ready, with the handler's init timed inside it (Lambda's Init Duration).
 */
export async function coldStarts(
  platform: LocalPlatformTarget,
  request: PredictRequest,
  samples: number,
): Promise<ColdStarts> {
  const client = await LocalPlatform.connect(platform.stateDir);
  const firstAnswerMs: number[] = [];
  const published: string[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const version = await client.publishVersion(versionDirOf(platform));
    published.push(version.version);
    const started = performance.now();
    const { status, body } = await post(new URL('predict', version.url).href, request);
    firstAnswerMs.push(performance.now() - started);
    if (status !== 200)
      throw new Error(`version ${version.version} answered its first request ${status}: ${body}`);
  }
  const status = await client.status();
  const counted = published.map(
    (version) => (status.versions[version] as { coldStarts?: number } | undefined)?.coldStarts,
  );
  if (!counted.every((count) => count === 1)) {
    throw new Error(
      `each first request should be one cold start; the platform counted ${JSON.stringify(counted)}`,
    );
  }
  const initMs: number[] = [];
  const spawnToReadyMs: number[] = [];
  // The image's ENV (NODE_OPTIONS=--enable-source-maps), as the platform gives a published version's environments.
  const imageEnv = finalStageEnv(await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  for (let sample = 0; sample < samples; sample++) {
    const environment = await startEnvironment({
      imageEnv,
      runtimeFile: join(platform.stateDir, 'runtime.mjs'),
      versionDir: versionDirOf(platform),
      version: '1',
      faults: {},
      startedFor: 'version',
      onLogLine: () => {},
    });
    initMs.push(environment.initMs);
    spawnToReadyMs.push(environment.coldStartMs);
    await environment.stop();
  }
  return { firstAnswerMs, initMs, spawnToReadyMs };
}
