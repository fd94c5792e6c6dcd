/**
 * A bake's judgement, pure: the candidate's own figures through `live` against the SLOs (slo/src/definition.ts via
 * loadTestObjectives), against the stable version over the same minutes, and against the page alarms. Evidence of
 * harm fails at once, however early (an error rate significantly above the SLO's or stable's, a page alarm): the
 * significance tests already weigh how few the requests are. Everything else, the latencies above all (a p95 of a
 * handful of requests is noise), waits until the bake has lasted its minimum and enough requests arrived; until
 * then it keeps baking, up to the plan's limit.
 */
import type { VersionMetrics } from '../../platform/src/port.ts';
import {
  allowedBadShare,
  type LatencyGate,
  type LoadTestObjectives,
  loadTestObjectives,
} from '../../slo/src/load-test.ts';
import { binomialUpperTail, exceedsRate, fisherExactGreater, worseThan } from './error-tests.ts';
import type { JudgeCheck, ReleasePlan, StepVerdict } from './model.ts';
import { earlyErrorAlpha } from './plan.ts';

export interface BakeInput {
  readonly plan: ReleasePlan;
  readonly candidate: VersionMetrics;
  /** The stable version through live over the same range; null in the watch window. */
  readonly stable: VersionMetrics | null;
  readonly elapsedMs: number;
  /** This step's minimum bake. */
  readonly bakeMs: number;
  /** Page-level alarms in ALARM now; null where they are not checked. */
  readonly firingPageAlarms: readonly string[] | null;
  /** Why firingPageAlarms is null; "page alarms are not available on this platform" unless given. */
  readonly pageAlarmsNotChecked?: string;
  /** The SLOs to hold the candidate to; loadTestObjectives() (slo/src/definition.ts) unless given. */
  readonly objectives?: LoadTestObjectives;
}

/** A version's requests: its invocations and its throttles, which were requests nobody served. */
export function requestsOf(metrics: VersionMetrics): number {
  return metrics.invocations + metrics.throttles;
}

/**
 * A version's bad requests, as the availability SLO counts them: Lambda's errors (crash, timeout), throttles, and
 * the 5xx the handler answered itself (not a Lambda error, but bad for availability).
 */
export function badOf(metrics: VersionMetrics): number {
  return metrics.errors + metrics.throttles + metrics.app.requests5xx;
}

/** The two latency figures of a version: the handler's own (2xx only) and Lambda's Duration, which also sees the
 * time before the handler runs (init, a queue in the runtime). Both are held to the same objectives. */
const LATENCY_SOURCES = [
  {
    key: 'app',
    label: 'app latency',
    percentile: (m: VersionMetrics, p: number) => percentileOf(p, m.app.latencyP50Ms, m.app.latencyP95Ms),
  },
  {
    key: 'duration',
    label: 'Lambda duration',
    percentile: (m: VersionMetrics, p: number) => percentileOf(p, m.durationP50Ms, m.durationP95Ms),
  },
] as const;
type LatencySource = (typeof LATENCY_SOURCES)[number];

const UNSUPPORTED_PERCENTILE = (gate: LatencyGate) =>
  `the version's metrics carry p50 and p95, not p${gate.percentile}: add it to VersionMetrics to judge it`;

/** undefined: VersionMetrics does not carry that percentile at all. */
function percentileOf(percentile: number, p50: number | null, p95: number | null): number | null | undefined {
  if (percentile === 50) return p50;
  if (percentile === 95) return p95;
  return undefined;
}

const percent = (ratio: number) => `${Number((ratio * 100).toFixed(3))} %`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const seconds = (value: number) => `${Number((value / 1000).toFixed(1))} s`;
const alphaText = (alpha: number) => Number(alpha.toPrecision(2)).toString();
const pValue = (p: number) => (p < 1e-4 ? p.toExponential(1) : Number(p.toPrecision(2)).toString());
const badShare = (bad: number, requests: number) =>
  `${percent(requests === 0 ? 0 : bad / requests)} (${bad} of ${requests})`;

function check(
  against: JudgeCheck['against'],
  name: string,
  objective: string,
  measured: string | null,
  failure: string | null,
): JudgeCheck {
  return { name, against, objective, measured, passed: failure === null, reason: failure };
}

/** A side of the judgement: its error-rate test (evidence of harm) apart from its latency checks. */
interface Checks {
  readonly errors: JudgeCheck;
  readonly latency: readonly JudgeCheck[];
}

function sloChecks(candidate: VersionMetrics, errorAlpha: number, objectives: LoadTestObjectives): Checks {
  const allowedRate = allowedBadShare(objectives);
  const requests = requestsOf(candidate);
  const bad = badOf(candidate);
  const availability = check(
    'slo',
    objectives.availability.name,
    `bad share not significantly above ${percent(allowedRate)} (one-sided binomial test, α = ${alphaText(errorAlpha)})`,
    badShare(bad, requests),
    exceedsRate(bad, requests, allowedRate, errorAlpha)
      ? `the candidate failed ${badShare(bad, requests)} of its requests: significantly more than the SLO's ` +
          `${percent(allowedRate)} (p = ${pValue(binomialUpperTail(bad, requests, allowedRate))})`
      : null,
  );
  const latency = objectives.latency.flatMap((gate) =>
    LATENCY_SOURCES.map((source) => sloLatencyCheck(candidate, gate, source)),
  );
  return { errors: availability, latency };
}

function sloLatencyCheck(candidate: VersionMetrics, gate: LatencyGate, source: LatencySource): JudgeCheck {
  const name = `${gate.name} (${source.key})`;
  const objective = `${source.label} p${gate.percentile} ≤ ${gate.thresholdMs} ms`;
  const measured = source.percentile(candidate, gate.percentile);
  if (measured === undefined) {
    return check('slo', name, objective, null, UNSUPPORTED_PERCENTILE(gate));
  }
  if (measured === null) {
    const requests = requestsOf(candidate);
    const failure =
      requests > 0
        ? `the candidate's ${source.label} p${gate.percentile} was not measured over ${requests} requests`
        : null;
    return check('slo', name, objective, null, failure);
  }
  return check(
    'slo',
    name,
    objective,
    ms(measured),
    measured > gate.thresholdMs
      ? `the candidate's ${source.label} p${gate.percentile} is ${ms(measured)}, above the SLO's ${gate.thresholdMs} ms`
      : null,
  );
}

const NO_STABLE_TRAFFIC = 'stable had no traffic to compare';

function stableChecks(
  candidate: VersionMetrics,
  stable: VersionMetrics,
  plan: ReleasePlan,
  errorAlpha: number,
  objectives: LoadTestObjectives,
): Checks {
  const stableRequests = requestsOf(stable);
  const errorObjective = `bad share not significantly above stable's (one-sided Fisher exact test, α = ${alphaText(errorAlpha)})`;
  const gates = objectives.latency;
  if (stableRequests === 0) {
    // Nothing to compare is not a regression; the SLO checks still hold the candidate to the objectives.
    const passed = (name: string, objective: string): JudgeCheck => ({
      ...check('stable', name, objective, null, null),
      reason: NO_STABLE_TRAFFIC,
    });
    return {
      errors: passed('error-rate vs stable', errorObjective),
      latency: gates.flatMap((gate) =>
        LATENCY_SOURCES.map((source) =>
          passed(
            `${gate.name} (${source.key}) vs stable`,
            `${source.label} p${gate.percentile} not above stable's`,
          ),
        ),
      ),
    };
  }
  const requests = requestsOf(candidate);
  const bad = badOf(candidate);
  const stableBad = badOf(stable);
  const errors = check(
    'stable',
    'error-rate vs stable',
    errorObjective,
    `candidate ${badShare(bad, requests)}, stable ${badShare(stableBad, stableRequests)}`,
    worseThan(bad, requests, stableBad, stableRequests, errorAlpha)
      ? `the candidate's bad share ${badShare(bad, requests)} is significantly above stable's ` +
          `${badShare(stableBad, stableRequests)} over the same minutes ` +
          `(p = ${pValue(fisherExactGreater(bad, requests, stableBad, stableRequests))})`
      : null,
  );
  const latency = gates.flatMap((gate) =>
    LATENCY_SOURCES.map((source) => stableLatencyCheck(candidate, stable, gate, source, plan.regression)),
  );
  return { errors, latency };
}

function stableLatencyCheck(
  candidate: VersionMetrics,
  stable: VersionMetrics,
  gate: LatencyGate,
  source: LatencySource,
  regression: ReleasePlan['regression'],
): JudgeCheck {
  const { latencyRatio, latencyMinMs } = regression;
  const name = `${gate.name} (${source.key}) vs stable`;
  const label = `${source.label} p${gate.percentile}`;
  const limitRule = `stable × ${latencyRatio} and stable + ${latencyMinMs} ms`;
  const ours = source.percentile(candidate, gate.percentile);
  const theirs = source.percentile(stable, gate.percentile);
  if (ours === undefined || theirs === undefined) {
    return check('stable', name, `${label} not above ${limitRule}`, null, UNSUPPORTED_PERCENTILE(gate));
  }
  if (ours === null || theirs === null) {
    const whose = theirs === null ? "stable's" : "the candidate's";
    return {
      ...check('stable', name, `${label} not above ${limitRule}`, null, null),
      reason: `${whose} ${label} was not measured: nothing to compare`,
    };
  }
  const limit = Math.max(theirs * latencyRatio, theirs + latencyMinMs);
  return check(
    'stable',
    name,
    `${label} ≤ max(${limitRule}) = ${ms(limit)}`,
    `candidate ${ms(ours)}, stable ${ms(theirs)}`,
    ours > limit
      ? `the candidate's ${label} ${ms(ours)} is above stable's ${ms(theirs)} × ${latencyRatio} and ` +
          `+ ${latencyMinMs} ms (${ms(limit)}): a regression beyond noise`
      : null,
  );
}

function alarmCheck(firing: readonly string[] | null, notChecked: string | undefined): JudgeCheck {
  const objective = 'no page-level alarm in ALARM';
  if (firing === null) {
    return {
      ...check('alarm', 'page-alarms', objective, null, null),
      reason: notChecked ?? 'page alarms are not available on this platform',
    };
  }
  const names = firing.join(', ');
  return check(
    'alarm',
    'page-alarms',
    objective,
    firing.length === 0 ? 'none in ALARM' : names,
    firing.length === 0
      ? null
      : `page alarm${firing.length === 1 ? '' : 's'} ${names} ${firing.length === 1 ? 'is' : 'are'} in ALARM`,
  );
}

export function judgeBake(input: BakeInput): StepVerdict {
  const { plan, candidate, stable, elapsedMs, bakeMs, objectives = loadTestObjectives() } = input;
  const requests = requestsOf(candidate);
  const baked = elapsedMs >= bakeMs;
  const enoughRequests = requests >= plan.minRequests;
  const outOfTime = elapsedMs >= plan.maxBakeMs;
  const bakeTime = check(
    'evidence',
    'bake-time',
    `bake ≥ ${seconds(bakeMs)}`,
    seconds(elapsedMs),
    baked ? null : `baked ${seconds(elapsedMs)} of at least ${seconds(bakeMs)}: keep baking`,
  );
  const evidence = check(
    'evidence',
    'minimum-requests',
    `≥ ${plan.minRequests} candidate requests within ${seconds(plan.maxBakeMs)}`,
    `${requests} in ${seconds(elapsedMs)}`,
    enoughRequests
      ? null
      : outOfTime
        ? `only ${requests} of ${plan.minRequests} requests within ${seconds(elapsedMs)}: too little evidence to promote`
        : `only ${requests} of ${plan.minRequests} requests so far: keep baking up to ${seconds(plan.maxBakeMs)}`,
  );
  // The evidence checks that only say "not yet": a reason to keep baking, never one to roll back.
  const waiting = [bakeTime, ...(outOfTime ? [] : [evidence])].filter((c) => !c.passed);
  // A look before the bake is complete is one of several: its error tests take a stricter level (plan.ts).
  const errorAlpha = waiting.length > 0 ? earlyErrorAlpha(plan, bakeMs) : plan.regression.errorAlpha;
  const alarm = alarmCheck(input.firingPageAlarms, input.pageAlarmsNotChecked);
  const slo = sloChecks(candidate, errorAlpha, objectives);
  const againstStable =
    stable === null ? null : stableChecks(candidate, stable, plan, errorAlpha, objectives);
  const judged = [
    slo.errors,
    ...slo.latency,
    ...(againstStable === null ? [] : [againstStable.errors, ...againstStable.latency]),
    alarm,
  ];
  // Evidence of harm: the error tests are significance tests, so a few requests that fail them already show it.
  const harm = [slo.errors, ...(againstStable === null ? [] : [againstStable.errors]), alarm].filter(
    (c) => !c.passed,
  );
  const final = [...judged, ...(outOfTime ? [evidence] : [])].filter((c) => !c.passed);
  const decision: StepVerdict['decision'] =
    harm.length > 0 ? 'fail' : waiting.length > 0 ? 'keep-baking' : final.length > 0 ? 'fail' : 'pass';
  const reasonsOf = (checks: readonly JudgeCheck[]) =>
    checks.flatMap((c) => (c.reason === null ? [] : [c.reason]));
  return {
    decision,
    checks: [...judged, bakeTime, evidence],
    // Before the bake is complete only harm is judged: the latencies measured so far are not reasons yet.
    reasons:
      decision === 'pass'
        ? []
        : waiting.length > 0
          ? reasonsOf(decision === 'fail' ? harm : waiting)
          : reasonsOf(final),
    elapsedMs,
    candidate,
    stable,
    spilloverShare:
      candidate.invocations === 0
        ? null
        : candidate.provisionedConcurrencySpilloverInvocations / candidate.invocations,
  };
}
