/**
 * A bake's judgement, pure: the candidate's own figures through `live` against the SLOs (slo/src/definition.ts via
 * loadTestObjectives), against the stable version over the same minutes, and against the page alarms. Evidence of
 * harm fails at once, however early (an error rate significantly above the SLO's or stable's, a page alarm): the
 * significance tests already weigh how few the requests are. Everything else, the latencies above all (a p95 of a
 * handful of requests is noise), waits until the bake has lasted its minimum and enough requests arrived; until
 * then it keeps baking, up to the plan's limit. During a shift throttles are judged against stable's (the
 * function's one concurrency limit throttles both), not held to the SLO as the candidate's own failures; a slow
 * candidate that causes them is still caught by its latency.
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

/**
 * A version's requests: its invocations and its throttles, which were requests nobody served. The denominator of
 * badOf and of the throttle share; errorsOf's is the invocations alone.
 */
export function requestsOf(metrics: VersionMetrics): number {
  return metrics.invocations + metrics.throttles;
}

/**
 * A version's bad requests, as the availability SLO counts them: errorsOf and throttles. The watch window holds
 * the candidate to the SLO with them; during a shift throttles are judged apart (see judgeBake).
 */
export function badOf(metrics: VersionMetrics): number {
  return errorsOf(metrics) + metrics.throttles;
}

/**
 * The requests a version served badly: Lambda's errors (crash, timeout) and the 5xx the handler answered itself
 * (not a Lambda error, but bad for availability). Out of its invocations; throttles are not among them.
 */
export function errorsOf(metrics: VersionMetrics): number {
  return metrics.errors + metrics.app.requests5xx;
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
const share = (bad: number, requests: number) =>
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

/** A side of the judgement: its error-rate tests (evidence of harm) apart from its latency checks. */
interface Checks {
  readonly errors: readonly JudgeCheck[];
  readonly latency: readonly JudgeCheck[];
}

/**
 * What the SLO's error test counts as bad, out of what. With stable beside it (a shift) throttles are left out:
 * they come from the function's one concurrency limit, which throttles stable in the same minutes, so they are
 * judged against stable's (throttlesCheck) rather than blamed on the candidate alone. Alone (the watch), the
 * candidate is held to the SLO with them.
 */
function sloCounting(candidate: VersionMetrics, throttlesApart: boolean) {
  return throttlesApart
    ? {
        bad: errorsOf(candidate),
        total: candidate.invocations,
        what: 'errors and 5xx share of served requests (throttles judged against stable)',
        of: 'of the requests it served',
      }
    : { bad: badOf(candidate), total: requestsOf(candidate), what: 'bad share', of: 'of its requests' };
}

function sloChecks(
  candidate: VersionMetrics,
  errorAlpha: number,
  objectives: LoadTestObjectives,
  throttlesApart: boolean,
): Checks {
  const allowedRate = allowedBadShare(objectives);
  const { bad, total, what, of } = sloCounting(candidate, throttlesApart);
  const availability = check(
    'slo',
    objectives.availability.name,
    `${what} not significantly above ${percent(allowedRate)} (one-sided binomial test, α = ${alphaText(errorAlpha)})`,
    share(bad, total),
    exceedsRate(bad, total, allowedRate, errorAlpha)
      ? `the candidate failed ${share(bad, total)} ${of}: significantly more than the SLO's ` +
          `${percent(allowedRate)} (p = ${pValue(binomialUpperTail(bad, total, allowedRate))})`
      : null,
  );
  const latency = objectives.latency.flatMap((gate) =>
    LATENCY_SOURCES.map((source) => sloLatencyCheck(candidate, gate, source)),
  );
  return { errors: [availability], latency };
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
  const fisher = `one-sided Fisher exact test, α = ${alphaText(errorAlpha)}`;
  const errorObjective = `errors and 5xx share of served requests not significantly above stable's (${fisher})`;
  const throttleObjective = `throttled share of requests not significantly above stable's (${fisher})`;
  const gates = objectives.latency;
  if (requestsOf(stable) === 0) {
    // Nothing to compare is not a regression; the SLO checks still hold the candidate to the objectives.
    const passed = (name: string, objective: string): JudgeCheck => ({
      ...check('stable', name, objective, null, null),
      reason: NO_STABLE_TRAFFIC,
    });
    return {
      errors: [
        passed('error-rate vs stable', errorObjective),
        passed('throttles vs stable', throttleObjective),
      ],
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
  const errors = shareAgainstStable(
    'error-rate vs stable',
    errorObjective,
    'errors and 5xx share',
    { bad: errorsOf(candidate), total: candidate.invocations },
    { bad: errorsOf(stable), total: stable.invocations },
    errorAlpha,
  );
  // The function's one concurrency limit throttles both versions in the same minutes: only a throttled share
  // significantly above stable's is the candidate's doing (a slow candidate holding its environments longer).
  const throttles = shareAgainstStable(
    'throttles vs stable',
    throttleObjective,
    'throttled share',
    { bad: candidate.throttles, total: requestsOf(candidate) },
    { bad: stable.throttles, total: requestsOf(stable) },
    errorAlpha,
  );
  const latency = gates.flatMap((gate) =>
    LATENCY_SOURCES.map((source) => stableLatencyCheck(candidate, stable, gate, source, plan.regression)),
  );
  return { errors: [errors, throttles], latency };
}

interface Counts {
  readonly bad: number;
  readonly total: number;
}

function shareAgainstStable(
  name: string,
  objective: string,
  what: string,
  ours: Counts,
  theirs: Counts,
  errorAlpha: number,
): JudgeCheck {
  return check(
    'stable',
    name,
    objective,
    `candidate ${share(ours.bad, ours.total)}, stable ${share(theirs.bad, theirs.total)}`,
    worseThan(ours.bad, ours.total, theirs.bad, theirs.total, errorAlpha)
      ? `the candidate's ${what} ${share(ours.bad, ours.total)} is significantly above stable's ` +
          `${share(theirs.bad, theirs.total)} over the same minutes ` +
          `(p = ${pValue(fisherExactGreater(ours.bad, ours.total, theirs.bad, theirs.total))})`
      : null,
  );
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
  const slo = sloChecks(candidate, errorAlpha, objectives, stable !== null);
  const againstStable =
    stable === null ? null : stableChecks(candidate, stable, plan, errorAlpha, objectives);
  const judged = [
    ...slo.errors,
    ...slo.latency,
    ...(againstStable === null ? [] : [...againstStable.errors, ...againstStable.latency]),
    alarm,
  ];
  // Evidence of harm: the error tests are significance tests, so a few requests that fail them already show it.
  const harm = [...slo.errors, ...(againstStable?.errors ?? []), alarm].filter((c) => !c.passed);
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
