/**
 * The release plan as data: the built-in plans for AWS and for the local rehearsal, the `--plan` and `--bake`
 * flags that change them, the plan's validation (a plan also arrives as JSON from the journal), and the candidate's
 * provisioned concurrency for a step. Pure.
 */
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import { PROMOTION_WAITS, ROLLBACK_AFTER_PROMOTION_WAITS } from './handover-waits.ts';
import type { PlanStep, ReleasePlan } from './model.ts';

const MS_PER_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION_PATTERN = /^([1-9]\d*)(ms|s|m|h)$/;

/** '500ms', '30s', '5m', '1h' as milliseconds; anything else throws naming the flag, the value and an example. */
export function parseDuration(text: string, flag: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  const unit = match?.[2] as keyof typeof MS_PER_UNIT | undefined;
  if (match === null || unit === undefined) {
    throw new Error(
      `${flag} '${text}' is not a duration: use a positive whole number followed by ms, s, m or h (e.g. ${flag} 30s)`,
    );
  }
  return Number(match[1]) * MS_PER_UNIT[unit];
}

/** 'N' or 'N:BAKE' for one step: a percentage of live's traffic (decimals allowed) and its own bake. */
const STEP_PATTERN = /^(\d+(?:\.\d+)?)(?::(.*))?$/;
const PLAN_EXAMPLE = 'e.g. --plan 10,50,100 or --plan 10:30s,50:2m,100:5m';
const LAST_STEP_RULE = 'the last step must be 100: it is the promotion';

/**
 * `10,50,100` (percent of live's traffic) or, with per-step bakes, `10:30s,50:2m,100:5m`; a step without a bake
 * bakes defaultBakeMs. Percentages strictly increase within (0, 100], the last one exactly 100. Every problem of
 * the spec is named in one error.
 */
export function parseSteps(spec: string, defaultBakeMs: number): PlanStep[] {
  const tokens = spec.split(',').map((token) => token.trim());
  const problems: string[] = [];
  const steps: PlanStep[] = [];
  tokens.forEach((token, index) => {
    const match = STEP_PATTERN.exec(token);
    if (match === null) {
      problems.push(`step ${index + 1} '${token}' is not PERCENT or PERCENT:BAKE`);
      return;
    }
    const percent = Number(match[1]);
    if (!(percent > 0 && percent <= 100)) {
      problems.push(`step ${index + 1} is ${percent} %: a step's share is within (0, 100]`);
    }
    const previous = steps.at(-1);
    if (previous !== undefined && percent / 100 <= previous.weight) {
      problems.push(
        `step ${index + 1} (${percent} %) does not increase on the step before: shares strictly increase`,
      );
    }
    let bakeMs = defaultBakeMs;
    if (match[2] !== undefined) {
      try {
        bakeMs = parseDuration(match[2], `--plan step ${index + 1}'s bake`);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    steps.push({ weight: percent / 100, bakeMs });
  });
  const lastPercent = STEP_PATTERN.exec(tokens.at(-1) ?? '')?.[1];
  if (lastPercent !== undefined && Number(lastPercent) !== 100) problems.push(LAST_STEP_RULE);
  if (problems.length > 0) {
    throw new Error(`--plan '${spec}' is invalid: ${problems.join('; ')} (${PLAN_EXAMPLE})`);
  }
  return steps;
}

/**
 * Requests a step needs before it is judged: enough that the error test, at the SLO's allowed bad share (0.1 %)
 * and errorAlpha 0.01, flags a 5 % error rate with > 99 % probability (plan.test.ts computes it: 3 bad requests of
 * 200 are significant, and a 5 % candidate shows fewer than 3 with probability 0.23 %). At 100 requests it would
 * miss one time in 27.
 */
const MIN_REQUESTS = 200;

/**
 * Drift: the service rounds every kWh to 6 significant digits (service/src/predict.ts), so the same model on
 * another build can differ by at most one unit in the 6th digit, 1e-5 relative. Ten times that is noise; anything
 * above is a different answer, i.e. a model change that must be declared.
 */
const DRIFT_TOLERANCE = 1e-4;

/**
 * A regression against stable beyond noise: a p95 from a few hundred requests rests on about ten tail samples,
 * whose spread is ~10 % of the p95 for an exponential-like tail, so 30 % above stable is about three standard
 * deviations; the 10 ms floor keeps a few milliseconds of timer jitter on a fast p50 from counting as a regression.
 */
const REGRESSION: ReleasePlan['regression'] = { latencyRatio: 1.3, latencyMinMs: 10, errorAlpha: 0.01 };

const FIVE_MINUTES_MS = 5 * MS_PER_UNIT.m;

export const AWS_PLAN: ReleasePlan = {
  steps: [0.1, 0.5, 1].map((weight) => ({ weight, bakeMs: FIVE_MINUTES_MS })),
  minRequests: MIN_REQUESTS,
  // A quiet function may need longer than the bake for 200 requests at 10 %; 30 minutes covers live at ~1 req/s.
  // Below that, too little evidence fails the step rather than promoting on a handful of requests.
  maxBakeMs: 30 * MS_PER_UNIT.m,
  // CloudWatch publishes Lambda's metrics one to three minutes after the minute they describe, stamped at each
  // invocation's start (docs/release.md §2); reading three minutes after a bake reads its last minute complete.
  metricsDelayMs: 3 * MS_PER_UNIT.m,
  // Lambda's metrics are per minute (platform/src/aws/aws-version-metrics.ts reads whole minutes).
  metricPeriodMs: MS_PER_UNIT.m,
  // PC allocation starts "after a minute or two of preparation" and deploys that wait for it take 15 minutes or
  // more (docs/release.md §1, SAM #1908).
  warmTimeoutMs: 15 * MS_PER_UNIT.m,
  pretrafficSeconds: SCENARIOS.canary.durationSeconds,
  // A quarter of the canary corpus (loadtest/src/corpus.ts): every area, size and housing mix, in seconds.
  drift: { requests: 500, tolerance: DRIFT_TOLERANCE },
  regression: REGRESSION,
};

/**
 * The local platform's metric buckets in a rehearsal (its `platform:local start --metric-period-ms`), one second
 * instead of CloudWatch's minute: the rehearsal bakes for seconds, and a range selects buckets by their start, so
 * minute buckets would hold none of a short bake's requests.
 */
export const REHEARSAL_METRIC_PERIOD_MS = MS_PER_UNIT.s;

/** The rehearsal's production traffic through live, requests per second (release:local's open model). */
export const REHEARSAL_TRAFFIC_RPS = 100;

/**
 * The local rehearsal must finish within 2 minutes including the platform's start. At REHEARSAL_TRAFFIC_RPS the
 * first step (10 %) gets ~10 req/s, so its 200 requests take ~20 s (maxBakeMs 40 s leaves room for a slow
 * machine); the 50 % step and the watch reach them within their bakes. The local platform's metrics are exact at
 * once, and its PC is READY in seconds.
 */
export const REHEARSAL_PLAN: ReleasePlan = {
  steps: [0.1, 0.5, 1].map((weight) => ({ weight, bakeMs: 12 * MS_PER_UNIT.s })),
  minRequests: MIN_REQUESTS,
  maxBakeMs: 40 * MS_PER_UNIT.s,
  metricsDelayMs: 0,
  metricPeriodMs: REHEARSAL_METRIC_PERIOD_MS,
  warmTimeoutMs: 60 * MS_PER_UNIT.s,
  pretrafficSeconds: 8,
  drift: { requests: 100, tolerance: DRIFT_TOLERANCE },
  regression: REGRESSION,
};

/**
 * `--plan` and `--bake` applied to a base plan. A step that names no bake bakes `--bake`, or without it the base
 * plan's first bake (the built-in plans bake every step alike); `--bake` alone re-times every step. maxBakeMs keeps
 * the base's allowance beyond its longest bake, so a longer bake still leaves time to gather the minimum requests.
 */
export function planWith(base: ReleasePlan, overrides: { steps?: string; bake?: string }): ReleasePlan {
  const bakeMs =
    overrides.bake === undefined ? (base.steps[0]?.bakeMs ?? 0) : parseDuration(overrides.bake, '--bake');
  const steps =
    overrides.steps !== undefined
      ? parseSteps(overrides.steps, bakeMs)
      : overrides.bake !== undefined
        ? base.steps.map((step) => ({ ...step, bakeMs }))
        : base.steps;
  const longest = (plan: readonly PlanStep[]) => Math.max(0, ...plan.map((step) => step.bakeMs));
  const allowance = Math.max(0, base.maxBakeMs - longest(base.steps));
  const plan = { ...base, steps, maxBakeMs: Math.max(base.maxBakeMs, longest(steps) + allowance) };
  validatePlan(plan);
  return plan;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Throws naming every problem of a plan: one built in code, or read back as JSON from the journal. */
export function validatePlan(plan: ReleasePlan): void {
  const problems = planProblems(plan as unknown);
  if (problems.length > 0) {
    throw new Error(`the release plan is invalid: ${problems.join('; ')}`);
  }
}

function planProblems(plan: unknown): string[] {
  if (!isRecord(plan)) return [`the plan is ${JSON.stringify(plan)}, not an object`];
  const drift = isRecord(plan.drift) ? plan.drift : {};
  const regression = isRecord(plan.regression) ? plan.regression : {};
  const whole = (min: number) => (value: number) => Number.isInteger(value) && value >= min;
  const finite = (min: number) => (value: number) => Number.isFinite(value) && value >= min;
  const rules: [field: string, value: unknown, ok: (value: number) => boolean, expected: string][] = [
    ['minRequests', plan.minRequests, whole(1), 'a whole number >= 1'],
    ['maxBakeMs', plan.maxBakeMs, whole(0), 'whole milliseconds >= 0'],
    ['metricsDelayMs', plan.metricsDelayMs, whole(0), 'whole milliseconds >= 0'],
    ['metricPeriodMs', plan.metricPeriodMs, whole(1), 'whole milliseconds >= 1'],
    ['warmTimeoutMs', plan.warmTimeoutMs, whole(1), 'whole milliseconds >= 1'],
    ['pretrafficSeconds', plan.pretrafficSeconds, whole(1), 'whole seconds >= 1'],
    ['drift.requests', drift.requests, whole(1), 'a whole number >= 1'],
    ['drift.tolerance', drift.tolerance, finite(0), 'a relative difference >= 0'],
    ['regression.latencyRatio', regression.latencyRatio, finite(1), 'a ratio >= 1'],
    ['regression.latencyMinMs', regression.latencyMinMs, finite(0), 'milliseconds >= 0'],
    ['regression.errorAlpha', regression.errorAlpha, (v) => v > 0 && v < 1, 'a significance level in (0, 1)'],
  ];
  const problems = stepProblems(plan.steps);
  for (const [field, value, ok, expected] of rules) {
    if (typeof value !== 'number' || !ok(value)) {
      problems.push(`${field} is ${JSON.stringify(value) ?? String(value)}: expected ${expected}`);
    }
  }
  if (Array.isArray(plan.steps) && typeof plan.maxBakeMs === 'number') {
    plan.steps.forEach((step: unknown, index) => {
      if (isRecord(step) && typeof step.bakeMs === 'number' && step.bakeMs > (plan.maxBakeMs as number)) {
        problems.push(
          `steps[${index}].bakeMs (${step.bakeMs}) is above maxBakeMs (${plan.maxBakeMs}): the step would fail for ` +
            'too little evidence before its bake ends; raise maxBakeMs or shorten the bake',
        );
      }
    });
  }
  return problems;
}

function stepProblems(steps: unknown): string[] {
  if (!Array.isArray(steps) || steps.length === 0) {
    return [`steps is ${JSON.stringify(steps)}: expected at least one step, the last with weight 1`];
  }
  const problems: string[] = [];
  let previous = 0;
  steps.forEach((step: unknown, index) => {
    const field = `steps[${index}]`;
    if (!isRecord(step)) {
      problems.push(`${field} is ${JSON.stringify(step)}: expected {weight, bakeMs}`);
      return;
    }
    const { weight, bakeMs } = step;
    if (typeof weight !== 'number' || !(weight > 0 && weight <= 1)) {
      problems.push(`${field}.weight is ${JSON.stringify(weight)}: expected a share within (0, 1]`);
    } else if (weight <= previous) {
      problems.push(
        `${field}.weight (${weight}) does not increase on ${previous}: weights strictly increase`,
      );
    }
    if (typeof weight === 'number') previous = weight;
    if (typeof bakeMs !== 'number' || !Number.isInteger(bakeMs) || bakeMs < 0) {
      problems.push(`${field}.bakeMs is ${JSON.stringify(bakeMs)}: expected whole milliseconds >= 0`);
    }
  });
  const last = steps.at(-1) as unknown;
  if (isRecord(last) && last.weight !== 1)
    problems.push(`steps' last weight is ${JSON.stringify(last.weight)}: ${LAST_STEP_RULE}`);
  return problems;
}

/** Digits kept before rounding up: a share times a count like 0.7 x 10 = 7.000000000000001 is 7, not 8. */
const PRODUCT_DIGITS = 9;

/**
 * The candidate's own provisioned concurrency for a step with `weight` of live's traffic: the same share of
 * live's PC, rounded up, at least 1. Live's PC was sized by the alias's autoscaling to keep its utilization at the
 * target, so giving the candidate the same PC per request keeps it at the same utilization: no spillover to
 * on-demand environments, i.e. no cold starts at the shift.
 */
export function candidatePcFor(livePc: number, weight: number): number {
  return Math.max(1, Math.ceil(Number((livePc * weight).toFixed(PRODUCT_DIGITS))));
}

/**
 * The longest a release on `plan` can run, start to exit, when every wait runs to its limit: each step's warm waits
 * warmTimeoutMs for the candidate's PC, each bake (the last step's is the watch) keeps baking to maxBakeMs and is
 * read a metric period and metricsDelayMs later, then the promotion's handover makes its waits (handover-waits.ts),
 * the watch fails at its end, and the roll back after the promotion makes its own before its exposure tail is read
 * metricsDelayMs (and a period) behind. The pre-traffic canary runs pretrafficSeconds; the drift check's few
 * hundred requests take seconds and are left in the caller's margin. What the deploy role's session must outlast
 * (infra/lib/deploy-session.ts).
 */
export function worstCaseDurationMs(plan: ReleasePlan): number {
  const lateRead = plan.metricPeriodMs + plan.metricsDelayMs;
  const perStep = plan.warmTimeoutMs + plan.maxBakeMs + lateRead;
  const handovers = (PROMOTION_WAITS + ROLLBACK_AFTER_PROMOTION_WAITS) * plan.warmTimeoutMs;
  return plan.steps.length * perStep + plan.pretrafficSeconds * MS_PER_UNIT.s + handovers + lateRead;
}

/**
 * Between two judgements of a bake: a quarter of the bake within 1 s to 60 s, about a metric period on either
 * platform (CloudWatch's minute, the local platform's second).
 */
export function judgeIntervalMs(bakeMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.round(bakeMs / 4)));
}

/**
 * The error tests' significance level for a look taken before a step's bake is complete. Each look is another
 * test, so a healthy candidate would be rolled back by chance more often the more often it is looked at; dividing
 * errorAlpha by the looks a step can take (Bonferroni) keeps that chance within errorAlpha per step, while a
 * candidate failing a few percent of its requests still fails within seconds.
 */
export function earlyErrorAlpha(plan: ReleasePlan, bakeMs: number): number {
  const looks = Math.ceil(Math.max(bakeMs, plan.maxBakeMs) / judgeIntervalMs(bakeMs));
  return plan.regression.errorAlpha / looks;
}
