/**
 * The local platform's targets (issue 10) and the pure judgement of the benchmark's figures against them: the
 * runner (run.ts) measures, this decides and renders.
 */
import { median, percentile } from '../../common/percentile.ts';
import { isTargetRateReached } from '../../loadtest/src/result.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';

/**
 * Lambda throttles instead of queueing, so N environments under an open model are a loss system: some share of
 * requests finds all N busy at any rate (Erlang B; about 9.5 % for 4 environments at 1,000 req/s and 2 ms per
 * invocation, 0.16 % at 0.5 ms). "Sustains" therefore cannot mean "no 429": it means throttles and errors stay
 * within the bad share the availability objective allows, so they alone would not spend the error budget.
 */
function allowedBadShare(): number {
  const availability = SLO_DEFINITION.objectives.find(
    (objective) => objective.indicator.kind === 'availability',
  );
  if (availability === undefined) {
    throw new Error(
      'slo/src/definition.ts has no availability objective: the sustained-rate target derives from it',
    );
  }
  return 1 - availability.target;
}

export const PLATFORM_TARGETS = {
  /** What the live front and the hand-off to an environment may add at p50 over calling the handler directly. */
  overheadP50Ms: 0.5,
  /** The open-model arrival rate the platform must sustain... */
  sustainedRatePerSecond: 1_000,
  /** ...with this many provisioned environments (and no more: the concurrency limit is the same)... */
  sustainedEnvironments: 4,
  /** ...with no more throttled or failed requests than the availability objective allows (0.1 %). */
  sustainedMaxErrorRate: allowedBadShare(),
} as const;

export interface OverheadRound {
  directP50Ms: number;
  platformP50Ms: number;
}

export interface Throughput {
  targetRatePerSecond: number;
  achievedRatePerSecond: number;
  durationSeconds: number;
  requests: number;
  droppedRequests: number;
  /** Share of requests answered 5xx, 429 or not at all. */
  errorRate: number;
  statusCounts: Record<string, number>;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** What the platform counted over the run. */
  throttles: number;
  coldStarts: number;
}

export interface ColdStarts {
  /** From sending the first request to a version with no environment to its answer. */
  firstAnswerMs: number[];
  /** The handler's init (import of lambda.mjs: model and session), in the environment's own clock. */
  initMs: number[];
  /** From spawning an environment to its ready message, as the platform sees it. */
  spawnToReadyMs: number[];
}

export interface PlatformFigures {
  overhead: { rounds: OverheadRound[]; directSamples: number[]; platformSamples: number[] };
  throughput: Throughput;
  coldStarts: ColdStarts;
}

export interface PlatformVerdict {
  label: string;
  measured: string;
  limit: string;
  pass: boolean;
}

/** The overhead as the difference of the pooled p50s, with the spread of the per-round differences. */
export function overheadOf(figures: PlatformFigures['overhead']) {
  const differences = figures.rounds.map((round) => round.platformP50Ms - round.directP50Ms);
  return {
    directP50Ms: percentile(figures.directSamples, 50),
    platformP50Ms: percentile(figures.platformSamples, 50),
    p50DifferenceMs: percentile(figures.platformSamples, 50) - percentile(figures.directSamples, 50),
    roundDifferencesMs: { min: Math.min(...differences), max: Math.max(...differences) },
  };
}

const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(3)} ms`);

export function judgePlatform(figures: PlatformFigures): PlatformVerdict[] {
  const overhead = overheadOf(figures.overhead);
  const { throughput } = figures;
  const sustained =
    isTargetRateReached(
      throughput.targetRatePerSecond,
      throughput.achievedRatePerSecond,
      throughput.droppedRequests,
    ) && throughput.errorRate <= PLATFORM_TARGETS.sustainedMaxErrorRate;
  return [
    {
      label: 'Overhead at p50: live front + hand-off, over the handler called in-process (sequential)',
      measured: `${overhead.p50DifferenceMs.toFixed(3)} ms (${ms(overhead.platformP50Ms)} vs ${ms(overhead.directP50Ms)})`,
      limit: `≤ ${PLATFORM_TARGETS.overheadP50Ms} ms`,
      pass: overhead.p50DifferenceMs <= PLATFORM_TARGETS.overheadP50Ms,
    },
    {
      label: `Sustained ${throughput.targetRatePerSecond} req/s (open model) with ${PLATFORM_TARGETS.sustainedEnvironments} environments`,
      measured:
        `${throughput.achievedRatePerSecond.toFixed(0)} req/s, ${(throughput.errorRate * 100).toFixed(2)} % errors ` +
        `(${throughput.throttles} throttled), ${throughput.droppedRequests} dropped`,
      limit: `rate reached, ≤ ${(PLATFORM_TARGETS.sustainedMaxErrorRate * 100).toFixed(1)} % errors (429 included)`,
      pass: sustained,
    },
  ];
}

export function renderPlatformReport(figures: PlatformFigures, verdicts: PlatformVerdict[]): string {
  const { throughput, coldStarts } = figures;
  const overhead = overheadOf(figures.overhead);
  const rows = verdicts.map(
    (verdict) =>
      `| ${verdict.label} | ${verdict.measured} | ${verdict.limit} | ${verdict.pass ? 'pass' : 'FAIL'} |`,
  );
  const spread = (samples: number[]) =>
    samples.length === 0
      ? 'n/a'
      : `median ${median(samples).toFixed(0)} ms (${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)} ms, ${samples.length} samples)`;
  return [
    '| Target | Measured | Limit | Verdict |',
    '|---|---|---|---|',
    ...rows,
    '',
    `overhead per round (platform p50 − direct p50): ${overhead.roundDifferencesMs.min.toFixed(3)} to ${overhead.roundDifferencesMs.max.toFixed(3)} ms over ${figures.overhead.rounds.length} rounds`,
    `throughput: ${throughput.requests} requests in ${throughput.durationSeconds} s; p50 ${ms(throughput.p50Ms)}, p95 ${ms(throughput.p95Ms)}, p99 ${ms(throughput.p99Ms)}; statuses ${JSON.stringify(throughput.statusCounts)}; the platform counted ${throughput.throttles} throttles and ${throughput.coldStarts} cold starts`,
    `cold start, on-demand request to its answer: ${spread(coldStarts.firstAnswerMs)}`,
    `init (import of lambda.mjs): ${spread(coldStarts.initMs)}; spawn to ready: ${spread(coldStarts.spawnToReadyMs)}`,
  ].join('\n');
}
