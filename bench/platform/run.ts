/**
 * `npm run bench:platform`: the local Lambda platform against its targets (issue 10), on fresh platforms started
 * through its CLI: (a) the overhead of the live front and the hand-off to an environment at p50, against the
 * same built handler called in-process behind a minimal node:http server; (b) an open-model 1,000 req/s for 20 s
 * with 4 environments; (c) cold starts. Prints a table for docs/performance.md; raw figures go to
 * dist/bench/platform.json. `-- --check` exits 1 on a missed target.
 */

import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { runCli } from '../../common/cli.ts';
import type { PlatformSize } from '../../loadtest/src/local-platform-plan.ts';
import { startLocalPlatform } from '../../loadtest/src/local-platform-target.ts';
import { EXAMPLE_PREDICT_REQUEST } from '../../service/src/openapi.ts';
import { describeMachine, machineLine } from '../machine.ts';
import { coldStarts, overhead, sustainedRate } from './measures.ts';
import {
  judgePlatform,
  overheadOf,
  PLATFORM_TARGETS,
  type PlatformFigures,
  renderPlatformReport,
} from './targets.ts';

const OUTPUT = resolve('dist/bench/platform.json');
const OVERHEAD = { warmup: 500, perRound: 2_000, rounds: 6 };
const SUSTAINED_SECONDS = 20;
const COLD_START_SAMPLES = 10;
/** coldStarts() sends its first requests one after another. */
const COLD_STARTS_IN_FLIGHT = 1;

const request = {
  body: JSON.stringify(EXAMPLE_PREDICT_REQUEST),
  headers: { 'content-type': 'application/json' },
};

const progress = (message: string) => process.stderr.write(`bench:platform: ${message}\n`);

/** Runs `measure` on a fresh platform of `size` and always stops it. */
async function onPlatform<T>(
  size: PlatformSize,
  measure: (platform: Awaited<ReturnType<typeof startLocalPlatform>>) => Promise<T>,
): Promise<T> {
  const platform = await startLocalPlatform(progress, size);
  try {
    return await measure(platform);
  } finally {
    await platform.stop();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const machine = describeMachine();
  progress(machineLine(machine));

  // Exactly one environment: a concurrency limit of 1 leaves no room for another, so every request is warm.
  progress(
    '(a) overhead: sequential POST /predict, live front with 1 provisioned environment vs the handler in-process',
  );
  const overheadFigures = await onPlatform({ provisionedEnvironments: 1, maxConcurrency: 1 }, (platform) =>
    overhead(platform, request, OVERHEAD),
  );

  // The limit equals the provisioned environments: provisioned concurrency is claimed out of it (as Lambda's
  // ClaimedAccountConcurrency), so no on-demand environment can start and the scaling target cannot move (min =
  // max): the rate is what exactly 4 environments sustain.
  const environments = PLATFORM_TARGETS.sustainedEnvironments;
  const rate = PLATFORM_TARGETS.sustainedRatePerSecond;
  const throughput = await onPlatform(
    { provisionedEnvironments: environments, maxConcurrency: environments },
    (platform) => {
      progress(
        `(b) sustained rate: ${rate} req/s open model for ${SUSTAINED_SECONDS} s, ${environments} environments`,
      );
      return sustainedRate(platform, rate, SUSTAINED_SECONDS);
    },
  );

  // Each sample is one request, in turn, to a version with no environment: one on-demand environment starting at
  // a time, on top of live's provisioned one, which the limit must leave room for (else the first request is a
  // 429). Its own platform, so that room cannot turn into spillover under (b)'s load.
  const coldStartSize = { provisionedEnvironments: 1, maxConcurrency: 1 + COLD_STARTS_IN_FLIGHT };
  const cold = await onPlatform(coldStartSize, (platform) => {
    progress(
      `(c) cold starts: ${COLD_START_SAMPLES} first requests to a new version, ${COLD_START_SAMPLES} environment starts`,
    );
    return coldStarts(platform, request, COLD_START_SAMPLES);
  });

  const figures: PlatformFigures = { overhead: overheadFigures, throughput, coldStarts: cold };
  const verdicts = judgePlatform(figures);
  const { directSamples, platformSamples, ...overheadSummary } = figures.overhead;
  const raw = {
    machine,
    loadAverageAtEnd: loadavg(),
    targets: PLATFORM_TARGETS,
    settings: {
      overhead: OVERHEAD,
      sustainedSeconds: SUSTAINED_SECONDS,
      coldStartSamples: COLD_START_SAMPLES,
      coldStartPlatform: coldStartSize,
    },
    overhead: {
      ...overheadOf(figures.overhead),
      ...overheadSummary,
      samples: { direct: directSamples.length, platform: platformSamples.length },
    },
    throughput,
    coldStarts: cold,
    verdicts,
  };
  await writeFileAtomic(OUTPUT, `${JSON.stringify(raw, null, 2)}\n`);
  console.log(renderPlatformReport(figures, verdicts));
  console.log(`\nraw figures: ${OUTPUT}`);
  return values.check && verdicts.some((verdict) => !verdict.pass) ? 1 : 0;
}

await runCli({ name: 'bench:platform', usage: 'usage: npm run bench:platform [-- --check]' }, main);
