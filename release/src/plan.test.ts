import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../loadtest/src/scenarios.ts';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { binomialUpperTail } from './error-tests.ts';
import type { ReleasePlan } from './model.ts';
import {
  AWS_PLAN,
  candidatePcFor,
  earlyErrorAlpha,
  judgeIntervalMs,
  parseDuration,
  parseSteps,
  planWith,
  REHEARSAL_PLAN,
  REHEARSAL_TRAFFIC_RPS,
  validatePlan,
  worstCaseDurationMs,
} from './plan.ts';

describe('parseDuration', () => {
  it.each([
    { text: '500ms', ms: 500 },
    { text: '30s', ms: 30_000 },
    { text: '5m', ms: 300_000 },
    { text: '1h', ms: 3_600_000 },
    { text: ' 12s ', ms: 12_000 },
  ])('reads $text as $ms ms', ({ text, ms }) => {
    expect(parseDuration(text, '--bake')).toBe(ms);
  });

  it.each(['', '5', '0s', '-5s', '1.5m', '5 m', '5d', 'm5', '05s', 'soon'])(
    'refuses %j, naming the flag, the value and an example',
    (text) => {
      expect(() => parseDuration(text, '--bake')).toThrow(`--bake '${text}' is not a duration`);
      expect(() => parseDuration(text, '--bake')).toThrow(/e\.g\. --bake 30s/);
    },
  );
});

describe('parseSteps', () => {
  it('reads percentages as weights, each baking the default', () => {
    expect(parseSteps('10,50,100', 60_000)).toEqual([
      { weight: 0.1, bakeMs: 60_000 },
      { weight: 0.5, bakeMs: 60_000 },
      { weight: 1, bakeMs: 60_000 },
    ]);
  });

  it('reads per-step bakes, and a decimal percentage', () => {
    expect(parseSteps('2.5:30s, 50:2m,100', 5_000)).toEqual([
      { weight: 0.025, bakeMs: 30_000 },
      { weight: 0.5, bakeMs: 120_000 },
      { weight: 1, bakeMs: 5_000 },
    ]);
  });

  it('takes a single step of 100: straight to promotion', () => {
    expect(parseSteps('100:1m', 0)).toEqual([{ weight: 1, bakeMs: 60_000 }]);
  });

  it.each([
    { spec: '10,50', problem: 'the last step must be 100: it is the promotion' },
    { spec: '10,50,90', problem: 'the last step must be 100' },
    { spec: '50,10,100', problem: 'step 2 (10 %) does not increase' },
    { spec: '10,10,100', problem: 'step 2 (10 %) does not increase' },
    { spec: '0,100', problem: 'step 1 is 0 %' },
    { spec: '10,150', problem: 'step 2 is 150 %' },
    { spec: '10,,100', problem: "step 2 '' is not PERCENT or PERCENT:BAKE" },
    { spec: '', problem: "step 1 '' is not PERCENT or PERCENT:BAKE" },
    { spec: 'ten,100', problem: "step 1 'ten'" },
    { spec: '10:soon,100', problem: "--plan step 1's bake 'soon' is not a duration" },
    { spec: '-10,100', problem: "step 1 '-10'" },
  ])('refuses $spec: $problem', ({ spec, problem }) => {
    expect(() => parseSteps(spec, 1000)).toThrow(problem);
    expect(() => parseSteps(spec, 1000)).toThrow(`--plan '${spec}' is invalid`);
    expect(() => parseSteps(spec, 1000)).toThrow('e.g. --plan 10,50,100');
  });

  it('names every problem of a spec at once', () => {
    expect(() => parseSteps('50,10:x,90', 1000)).toThrow(
      /step 2 \(10 %\) does not increase.*step 2's bake 'x'.*the last step must be 100/,
    );
  });
});

/** The smallest count of bad requests among n that the error test flags at the SLO's allowed share. */
function significantBadCount(n: number, allowedRate: number, alpha: number): number {
  let bad = 0;
  while (binomialUpperTail(bad, n, allowedRate) > alpha) bad += 1;
  return bad;
}
/** Probability that a candidate failing `trueRate` of its requests is flagged after n of them. */
function power(n: number, trueRate: number, plan: ReleasePlan): number {
  const allowedRate = 1 - loadTestObjectives().availability.minGoodRatio;
  return binomialUpperTail(significantBadCount(n, allowedRate, plan.regression.errorAlpha), n, trueRate);
}

describe('the built-in plans', () => {
  it.each([
    { name: 'AWS', plan: AWS_PLAN },
    { name: 'rehearsal', plan: REHEARSAL_PLAN },
  ])('the $name plan is valid and shifts 10 %, 50 %, then promotes', ({ plan }) => {
    expect(() => validatePlan(plan)).not.toThrow();
    expect(plan.steps.map((step) => step.weight)).toEqual([0.1, 0.5, 1]);
  });

  it.each([
    { name: 'AWS', plan: AWS_PLAN },
    { name: 'rehearsal', plan: REHEARSAL_PLAN },
  ])('$name: minRequests flags a 5 % error rate with > 99 % probability', ({ plan }) => {
    expect(significantBadCount(plan.minRequests, 0.001, plan.regression.errorAlpha)).toBe(3);
    expect(power(plan.minRequests, 0.05, plan)).toBeGreaterThan(0.99);
    // Half the requests would not: this is why the minimum is 200.
    expect(power(plan.minRequests / 2, 0.05, plan)).toBeLessThan(0.99);
  });

  it('the AWS plan bakes 5 minutes a step, waits out CloudWatch, and pre-tests with the canary scenario', () => {
    expect(AWS_PLAN.steps.every((step) => step.bakeMs === 300_000)).toBe(true);
    expect(AWS_PLAN.metricsDelayMs).toBe(180_000);
    expect(AWS_PLAN.metricPeriodMs).toBe(60_000);
    expect(AWS_PLAN.pretrafficSeconds).toBe(SCENARIOS.canary.durationSeconds);
  });

  it('the rehearsal gathers each step’s minimum within its maximum bake and fits its 2 minutes', () => {
    const evidenceMs = REHEARSAL_PLAN.steps.map((step) =>
      Math.max(step.bakeMs, (REHEARSAL_PLAN.minRequests / (REHEARSAL_TRAFFIC_RPS * step.weight)) * 1000),
    );
    for (const ms of evidenceMs) expect(ms).toBeLessThanOrEqual(REHEARSAL_PLAN.maxBakeMs);
    const releaseMs = REHEARSAL_PLAN.pretrafficSeconds * 1000 + evidenceMs.reduce((sum, ms) => sum + ms, 0);
    // What is left of 2 minutes is for the platform's start, the warm-ups and the drift check.
    expect(releaseMs).toBeLessThanOrEqual(75_000);
    expect(REHEARSAL_PLAN.metricsDelayMs).toBe(0);
  });
});

describe('planWith', () => {
  it('keeps the base plan without overrides', () => {
    expect(planWith(AWS_PLAN, {})).toEqual(AWS_PLAN);
  });

  it('--plan alone: steps without a bake take the base plan’s', () => {
    const plan = planWith(REHEARSAL_PLAN, { steps: '25,100:20s' });
    expect(plan.steps).toEqual([
      { weight: 0.25, bakeMs: 12_000 },
      { weight: 1, bakeMs: 20_000 },
    ]);
    expect(plan.minRequests).toBe(REHEARSAL_PLAN.minRequests);
  });

  it('--bake alone re-times every step of the base plan', () => {
    const plan = planWith(AWS_PLAN, { bake: '1m' });
    expect(plan.steps.map((step) => step.bakeMs)).toEqual([60_000, 60_000, 60_000]);
    expect(plan.maxBakeMs).toBe(AWS_PLAN.maxBakeMs);
  });

  it('--plan and --bake: the bake goes to every step that names none', () => {
    const plan = planWith(AWS_PLAN, { steps: '5,20:10m,100', bake: '2m' });
    expect(plan.steps.map((step) => step.bakeMs)).toEqual([120_000, 600_000, 120_000]);
  });

  it('a bake longer than maxBakeMs keeps the base’s allowance for evidence beyond it', () => {
    const plan = planWith(REHEARSAL_PLAN, { bake: '1m' });
    expect(plan.maxBakeMs).toBe(60_000 + (REHEARSAL_PLAN.maxBakeMs - 12_000));
  });

  it('refuses a bad flag, naming it', () => {
    expect(() => planWith(AWS_PLAN, { bake: 'long' })).toThrow("--bake 'long' is not a duration");
    expect(() => planWith(AWS_PLAN, { steps: '10,50' })).toThrow('the last step must be 100');
  });
});

describe('validatePlan', () => {
  it('names every problem of a plan read back from JSON', () => {
    const broken = {
      ...REHEARSAL_PLAN,
      steps: [
        { weight: 0.5, bakeMs: 1000 },
        { weight: 0.2, bakeMs: -1 },
        { weight: 0.9, bakeMs: 100_000 },
      ],
      minRequests: 0,
      drift: { requests: 10, tolerance: 'tight' },
      regression: { latencyRatio: 0.5, latencyMinMs: 10, errorAlpha: 1 },
    } as unknown as ReleasePlan;
    const message = (() => {
      try {
        validatePlan(broken);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    for (const problem of [
      'the release plan is invalid',
      'steps[1].weight (0.2) does not increase on 0.5',
      'steps[1].bakeMs is -1',
      "steps' last weight is 0.9: the last step must be 100: it is the promotion",
      'minRequests is 0: expected a whole number >= 1',
      'drift.tolerance is "tight"',
      'regression.latencyRatio is 0.5',
      'regression.errorAlpha is 1',
      'steps[2].bakeMs (100000) is above maxBakeMs (40000)',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it.each([
    { name: 'no steps', plan: { ...AWS_PLAN, steps: [] }, problem: 'expected at least one step' },
    { name: 'not an object', plan: null, problem: 'the plan is null' },
    { name: 'a step not an object', plan: { ...AWS_PLAN, steps: [1] }, problem: 'steps[0] is 1' },
    {
      name: 'no drift block',
      plan: { ...AWS_PLAN, drift: undefined },
      problem: 'drift.requests is undefined',
    },
    {
      name: 'a journal written before the metric period',
      plan: { ...AWS_PLAN, metricPeriodMs: undefined },
      problem: 'metricPeriodMs is undefined: expected whole milliseconds >= 1',
    },
  ])('refuses $name', ({ plan, problem }) => {
    expect(() => validatePlan(plan as unknown as ReleasePlan)).toThrow(problem);
  });
});

describe('candidatePcFor', () => {
  it.each([
    { livePc: 10, weight: 0.1, pc: 1 },
    { livePc: 10, weight: 0.5, pc: 5 },
    { livePc: 10, weight: 0.7, pc: 7 },
    { livePc: 10, weight: 1, pc: 10 },
    { livePc: 3, weight: 0.1, pc: 1 },
    { livePc: 7, weight: 0.5, pc: 4 },
    { livePc: 0, weight: 0.5, pc: 1 },
    { livePc: 1000, weight: 0.001, pc: 1 },
    { livePc: 1000, weight: 0.0015, pc: 2 },
  ])('$weight of $livePc → $pc', ({ livePc, weight, pc }) => {
    expect(candidatePcFor(livePc, weight)).toBe(pc);
  });
});

describe('judgeIntervalMs / earlyErrorAlpha', () => {
  it('looks a quarter of the bake apart, within 1 s and 60 s', () => {
    expect(judgeIntervalMs(12_000)).toBe(3_000);
    expect(judgeIntervalMs(2_000)).toBe(1_000);
    expect(judgeIntervalMs(5 * 60_000)).toBe(60_000);
  });

  it('divides errorAlpha by the looks a step can take up to maxBakeMs', () => {
    // Rehearsal: looks every 3 s up to 40 s = 14 looks; AWS: every minute up to 30 minutes = 30 looks.
    expect(earlyErrorAlpha(REHEARSAL_PLAN, 12_000)).toBeCloseTo(0.01 / 14, 12);
    expect(earlyErrorAlpha(AWS_PLAN, 5 * 60_000)).toBeCloseTo(0.01 / 30, 12);
  });
});

describe('worstCaseDurationMs', () => {
  const MINUTE = 60_000;

  it("adds up AWS_PLAN's waits at their limits: three steps of warm, bake and late read, the canary, the promotion's and the roll back's handovers and the exposure tail", () => {
    // 3 × (15 warm + 30 bake + 1 period + 3 delay) + 1 canary + (15 provision + 15 settle) promotion
    // + (15 settle + 15 provision + 15 settle) roll back + (1 + 3) tail = 227 minutes.
    expect(AWS_PLAN.steps).toHaveLength(3);
    expect(AWS_PLAN.warmTimeoutMs).toBe(15 * MINUTE);
    expect(worstCaseDurationMs(AWS_PLAN)).toBe(227 * MINUTE);
  });

  it('grows with every limit a release waits on', () => {
    const base = worstCaseDurationMs(AWS_PLAN);
    const longer = [
      planWith(AWS_PLAN, { steps: '5,10,50,100' }),
      planWith(AWS_PLAN, { bake: '40m' }),
      { ...AWS_PLAN, warmTimeoutMs: AWS_PLAN.warmTimeoutMs + MINUTE },
      { ...AWS_PLAN, metricsDelayMs: AWS_PLAN.metricsDelayMs + MINUTE },
      { ...AWS_PLAN, pretrafficSeconds: AWS_PLAN.pretrafficSeconds + 60 },
    ];
    for (const plan of longer) expect(worstCaseDurationMs(plan)).toBeGreaterThan(base);
  });
});
