/**
 * The load-test scenarios as data, and the k6 options built from them. Pure and dependency-free: the k6 script
 * and the Node runner both import it, so a scenario means the same load on either path.
 */
import { SUMMARY_TREND_STATS } from './k6-contract.ts';

export const SCENARIO_NAMES = ['smoke', 'pr', 'canary'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface ScenarioDefinition {
  name: ScenarioName;
  purpose: string;
  /** Arrival rate, requests per second (open model: sent on schedule whatever the latency). */
  ratePerSecond: number;
  durationSeconds: number;
}

export const SCENARIOS: Record<ScenarioName, ScenarioDefinition> = {
  // Short enough that start-up + run + drain stays within ~20 s.
  smoke: { name: 'smoke', purpose: 'does it answer at all', ratePerSecond: 20, durationSeconds: 10 },
  // Enough requests (12,000) that p95 and p99 rest on hundreds of tail samples, within a CI minute.
  pr: { name: 'pr', purpose: 'the pull-request latency gate', ratePerSecond: 200, durationSeconds: 60 },
  // A new Lambda version by URL before it gets traffic: a modest rate that one warm environment can serve.
  canary: {
    name: 'canary',
    purpose: 'pre-traffic gate for a new version',
    ratePerSecond: 50,
    durationSeconds: 60,
  },
};

export interface ScenarioRun {
  scenario: ScenarioName;
  ratePerSecond: number;
  durationSeconds: number;
}

/** Little's law sizing: in-flight requests = rate x latency. Sized for this latency so a slow target queues
 * (and shows it) rather than exhausting the machine. */
const CONCURRENCY_LATENCY_BUDGET_SECONDS = { preAllocated: 0.1, max: 1 };
const MIN_CONCURRENCY = 5;
/** The one request timeout of both runners (k6's `timeout` param, the Node runner's deadline), from sending to
 * the last byte: a request slower than this counts as a transport failure (bad for availability). */
export const REQUEST_TIMEOUT_SECONDS = 10;
/** k6's `timeout` param: the same number, in k6's duration syntax. */
export const K6_REQUEST_TIMEOUT = `${REQUEST_TIMEOUT_SECONDS}s`;
/** k6 waits this long after the schedule for running iterations, then cuts them off uncounted. Longer than the
 * request timeout, so every request sent within the schedule ends as an answer or a timeout and is counted,
 * exactly as the Node runner drains its in-flight requests (each bounded by the same timeout). */
export const GRACEFUL_STOP_SECONDS = REQUEST_TIMEOUT_SECONDS + 2;

export function concurrencyFor(ratePerSecond: number): { preAllocated: number; max: number } {
  const size = (seconds: number) => Math.max(MIN_CONCURRENCY, Math.ceil(ratePerSecond * seconds));
  return {
    preAllocated: size(CONCURRENCY_LATENCY_BUDGET_SECONDS.preAllocated),
    max: size(CONCURRENCY_LATENCY_BUDGET_SECONDS.max),
  };
}

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** Whole numbers only: k6's arrival-rate executors take an integer rate per time unit. */
function positiveInteger(name: string, raw: string | undefined, fallback: number, fix: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"; ${fix}`);
  }
  return value;
}

/** Resolves a run from user parameters (CLI flags or k6 `-e` variables): explicit value > scenario default. */
export function resolveScenarioRun(params: {
  scenario: string | undefined;
  rate?: string | undefined;
  duration?: string | undefined;
}): ScenarioRun {
  const name = params.scenario ?? 'smoke';
  if (!isScenarioName(name)) {
    throw new Error(`unknown scenario "${name}"; choose one of: ${SCENARIO_NAMES.join(', ')}`);
  }
  const definition = SCENARIOS[name];
  return {
    scenario: name,
    ratePerSecond: positiveInteger(
      'rate',
      params.rate,
      definition.ratePerSecond,
      'pass requests per second, e.g. 100',
    ),
    durationSeconds: positiveInteger(
      'duration',
      params.duration,
      definition.durationSeconds,
      'pass whole seconds, e.g. 30',
    ),
  };
}

/** Thresholds as k6 takes them: metric (with optional tags) -> expressions. */
export type K6Thresholds = Record<string, string[]>;

export interface K6ScenarioOptions {
  scenarios: Record<
    string,
    {
      executor: 'constant-arrival-rate';
      rate: number;
      timeUnit: string;
      duration: string;
      preAllocatedVUs: number;
      maxVUs: number;
      gracefulStop: string;
    }
  >;
  thresholds: K6Thresholds;
  summaryTrendStats: string[];
  discardResponseBodies: boolean;
}

export function buildK6Options(run: ScenarioRun, thresholds: K6Thresholds): K6ScenarioOptions {
  const concurrency = concurrencyFor(run.ratePerSecond);
  return {
    scenarios: {
      [run.scenario]: {
        executor: 'constant-arrival-rate',
        rate: run.ratePerSecond,
        timeUnit: '1s',
        duration: `${run.durationSeconds}s`,
        preAllocatedVUs: concurrency.preAllocated,
        maxVUs: concurrency.max,
        gracefulStop: `${GRACEFUL_STOP_SECONDS}s`,
      },
    },
    thresholds,
    summaryTrendStats: [...SUMMARY_TREND_STATS],
    // Bodies are not checked beyond the status; discarding them keeps k6's memory flat at high rates.
    discardResponseBodies: true,
  };
}

/** The scenario table of docs/load-testing.md, generated so the page cannot drift from the data above. */
export function scenarioTableMarkdown(): string {
  const rows = Object.values(SCENARIOS).map((s) => {
    const concurrency = concurrencyFor(s.ratePerSecond);
    return `| \`${s.name}\` | ${s.purpose} | ${s.ratePerSecond} req/s | ${s.durationSeconds} s | ${s.ratePerSecond * s.durationSeconds} | ${concurrency.preAllocated} / ${concurrency.max} |`;
  });
  return [
    '| Scenario | Purpose | Arrival rate | Duration | Requests | k6 VUs pre-allocated / max (= Node in-flight limit) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
