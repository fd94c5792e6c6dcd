import { describe, expect, it } from 'vitest';
import type { VersionMetrics } from '../../platform/src/port.ts';
import { loadTestObjectives } from '../../slo/src/load-test.ts';
import { type BakeInput, badOf, errorsOf, judgeBake, requestsOf } from './judge.ts';
import { earlyErrorAlpha, REHEARSAL_PLAN } from './plan.ts';

type Overrides = Partial<Omit<VersionMetrics, 'app'>> & { app?: Partial<VersionMetrics['app']> };

function metrics(version: string, overrides: Overrides = {}): VersionMetrics {
  const { app, ...rest } = overrides;
  return {
    version,
    via: 'live',
    range: { start: new Date('2026-11-30T04:00:00Z'), end: new Date('2026-11-30T04:00:30Z') },
    invocations: 400,
    errors: 0,
    throttles: 0,
    provisionedConcurrencySpilloverInvocations: 0,
    durationP50Ms: 20,
    durationP95Ms: 40,
    ...rest,
    app: { requests2xx: 400, requests4xx: 0, requests5xx: 0, latencyP50Ms: 15, latencyP95Ms: 35, ...app },
  };
}

const plan = REHEARSAL_PLAN;
const judge = (overrides: Partial<BakeInput> = {}) =>
  judgeBake({
    plan,
    candidate: metrics('2'),
    stable: metrics('1', { invocations: 3600, app: { requests2xx: 3600 } }),
    elapsedMs: 15_000,
    bakeMs: 12_000,
    firingPageAlarms: null,
    ...overrides,
  });
const checkNamed = (verdict: ReturnType<typeof judge>, name: string) => {
  const found = verdict.checks.find((c) => c.name === name);
  if (found === undefined)
    throw new Error(`no check ${name} in ${verdict.checks.map((c) => c.name).join(', ')}`);
  return found;
};

describe('requestsOf / badOf / errorsOf', () => {
  it('counts throttles as requests and as bad, and the handler’s 5xx as bad; errors leave throttles out', () => {
    const m = metrics('2', { invocations: 100, errors: 2, throttles: 3, app: { requests5xx: 4 } });
    expect(requestsOf(m)).toBe(103);
    expect(badOf(m)).toBe(9);
    expect(errorsOf(m)).toBe(6);
  });
});

describe('judgeBake', () => {
  it('passes a healthy candidate once baked with enough requests, with every check named', () => {
    const verdict = judge();
    expect(verdict.decision).toBe('pass');
    expect(verdict.reasons).toEqual([]);
    const gates = loadTestObjectives().latency.map((gate) => gate.name);
    expect(verdict.checks.map((c) => `${c.against}:${c.name}`)).toEqual([
      'slo:availability',
      ...gates.flatMap((g) => [`slo:${g} (app)`, `slo:${g} (duration)`]),
      'stable:error-rate vs stable',
      'stable:throttles vs stable',
      ...gates.flatMap((g) => [`stable:${g} (app) vs stable`, `stable:${g} (duration) vs stable`]),
      'alarm:page-alarms',
      'evidence:bake-time',
      'evidence:minimum-requests',
    ]);
    expect(verdict.checks.every((c) => c.passed)).toBe(true);
    expect(checkNamed(verdict, 'page-alarms').reason).toBe('page alarms are not available on this platform');
    const unchecked = judge({ pageAlarmsNotChecked: 'not checked: --no-page-alarms' });
    expect(checkNamed(unchecked, 'page-alarms')).toMatchObject({
      passed: true,
      measured: null,
      reason: 'not checked: --no-page-alarms',
    });
  });

  it.each([
    {
      name: 'before the bake’s minimum, even with enough requests',
      input: { elapsedMs: 5_000 },
      reason: 'baked 5 s of at least 12 s: keep baking',
    },
    {
      name: 'with too few requests, within maxBakeMs',
      input: { candidate: metrics('2', { invocations: 150 }), elapsedMs: 30_000 },
      reason: 'only 150 of 200 requests so far: keep baking up to 40 s',
    },
    {
      name: 'with a failing SLO but too few requests yet',
      input: { candidate: metrics('2', { invocations: 150, app: { latencyP95Ms: 500 } }), elapsedMs: 30_000 },
      reason: 'only 150 of 200 requests so far: keep baking up to 40 s',
    },
  ])('keeps baking $name', ({ input, reason }) => {
    const verdict = judge(input);
    expect(verdict.decision).toBe('keep-baking');
    expect(verdict.reasons).toEqual([reason]);
  });

  it.each([
    {
      name: 'an error rate significantly above the SLO’s',
      input: {
        candidate: metrics('2', { invocations: 60, errors: 3, app: { requests2xx: 57 } }),
        stable: null,
      },
      reason: /failed 5 % \(3 of 60\).*significantly more than the SLO's 0\.1 %/,
    },
    {
      name: 'an errors and 5xx share significantly above stable’s',
      input: {
        candidate: metrics('2', { invocations: 60, app: { requests2xx: 57, requests5xx: 3 } }),
        stable: metrics('1', { invocations: 3600, errors: 0 }),
        objectives: {
          ...loadTestObjectives(),
          availability: { ...loadTestObjectives().availability, minGoodRatio: 0.9 },
        },
      },
      reason: /errors and 5xx share 5 % \(3 of 60\) is significantly above stable's 0 % \(0 of 3600\)/,
    },
  ])('fails at once, before the bake’s minimum and its minimum requests, on $name', ({ input, reason }) => {
    const verdict = judge({ elapsedMs: 3_000, ...input });
    expect(verdict.decision).toBe('fail');
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toMatch(reason);
  });

  it('judges only harm before the bake is complete: a noisy early p95 is no reason beside it', () => {
    const verdict = judge({
      candidate: metrics('2', { invocations: 60, errors: 3, app: { requests2xx: 57, latencyP95Ms: 500 } }),
      elapsedMs: 3_000,
    });
    expect(verdict.decision).toBe('fail');
    expect(verdict.reasons).toEqual([
      expect.stringContaining('failed 5 % (3 of 60)'),
      expect.stringContaining('errors and 5xx share 5 % (3 of 60) is significantly above stable'),
    ]);
    expect(checkNamed(verdict, 'latency-p95 (app)').passed).toBe(false);
  });

  it('keeps baking an early bad share that is not significant yet', () => {
    const verdict = judge({
      candidate: metrics('2', { invocations: 20, errors: 1, app: { requests2xx: 19 } }),
      stable: metrics('1', { invocations: 3600, errors: 2, app: { requests2xx: 3598 } }),
      elapsedMs: 3_000,
    });
    expect(verdict.decision).toBe('keep-baking');
    expect(checkNamed(verdict, 'availability').passed).toBe(true);
    expect(checkNamed(verdict, 'error-rate vs stable').passed).toBe(true);
  });

  it('holds early looks to the stricter level: one early error against a clean stable is no roll back yet', () => {
    // 1 of 20 against 0 of 3600: Fisher's p ≈ 0.006, below errorAlpha (0.01) but not below the early level.
    const oneEarlyError = {
      candidate: metrics('2', { invocations: 20, errors: 1, app: { requests2xx: 19 } }),
      stable: metrics('1', { invocations: 3600, app: { requests2xx: 3600 } }),
    };
    const early = judge({ ...oneEarlyError, elapsedMs: 3_000 });
    expect(early.decision).toBe('keep-baking');
    expect(checkNamed(early, 'error-rate vs stable')).toMatchObject({
      passed: true,
      objective: expect.stringContaining(`α = ${Number(earlyErrorAlpha(plan, 12_000).toPrecision(2))}`),
    });
    const final = judge({ ...oneEarlyError, elapsedMs: 40_000 });
    expect(checkNamed(final, 'error-rate vs stable')).toMatchObject({ passed: false });
  });

  it('fails for too little evidence at maxBakeMs, a check against the evidence', () => {
    const verdict = judge({ candidate: metrics('2', { invocations: 150 }), elapsedMs: 40_000 });
    expect(verdict.decision).toBe('fail');
    expect(verdict.reasons).toEqual(['only 150 of 200 requests within 40 s: too little evidence to promote']);
    expect(checkNamed(verdict, 'minimum-requests')).toMatchObject({ against: 'evidence', passed: false });
  });

  it.each([
    {
      name: 'an error rate significantly above the SLO’s 0.1 %',
      candidate: metrics('2', { errors: 4 }),
      check: 'availability',
      reason: /failed 1 % \(4 of 400\).*significantly more than the SLO's 0\.1 % \(p = /,
    },
    {
      name: 'an app p95 over the SLO',
      candidate: metrics('2', { app: { latencyP95Ms: 95 } }),
      check: 'latency-p95 (app)',
      reason: "the candidate's app latency p95 is 95.0 ms, above the SLO's 80 ms",
    },
    {
      name: 'a Lambda duration p50 over the SLO (time the handler cannot see)',
      candidate: metrics('2', { durationP50Ms: 70 }),
      check: 'latency-p50 (duration)',
      reason: "the candidate's Lambda duration p50 is 70.0 ms, above the SLO's 60 ms",
    },
    {
      name: 'a percentile not measured despite requests',
      candidate: metrics('2', { app: { latencyP95Ms: null } }),
      check: 'latency-p95 (app)',
      reason: "the candidate's app latency p95 was not measured over 400 requests",
    },
  ])('fails against the SLO: $name', ({ candidate, check, reason }) => {
    const verdict = judge({ candidate });
    expect(verdict.decision).toBe('fail');
    const failed = checkNamed(verdict, check);
    expect(failed).toMatchObject({ against: 'slo', passed: false });
    expect(failed.reason).toMatch(reason);
    expect(verdict.reasons[0]).toMatch(reason);
  });

  it('holds the candidate alone (the watch) to the SLO with its throttles and the handler’s 5xx as bad', () => {
    const verdict = judge({
      candidate: metrics('2', { invocations: 390, throttles: 10, app: { requests5xx: 10 } }),
      stable: null,
    });
    expect(verdict.decision).toBe('fail');
    expect(checkNamed(verdict, 'availability')).toMatchObject({ against: 'slo', passed: false });
    expect(verdict.reasons[0]).toMatch(/failed 5 % \(20 of 400\) of its requests/);
  });

  it('judges a shift’s throttles against stable’s, not the SLO: the shared limit throttling both is no failure', () => {
    // 16 of 200 throttled while stable, at the same limit in the same minutes, lost 150 of 1950.
    const sharedLimit = {
      candidate: metrics('2', { invocations: 184, throttles: 16, app: { requests2xx: 184 } }),
      stable: metrics('1', { invocations: 1800, throttles: 150, app: { requests2xx: 1800 } }),
    };
    const shift = judge(sharedLimit);
    expect(shift.decision).toBe('pass');
    expect(checkNamed(shift, 'availability')).toMatchObject({ passed: true, measured: '0 % (0 of 184)' });
    expect(checkNamed(shift, 'throttles vs stable')).toMatchObject({
      against: 'stable',
      passed: true,
      measured: 'candidate 8 % (16 of 200), stable 7.692 % (150 of 1950)',
    });
    // The same figures with the candidate alone are the SLO's bad requests.
    expect(judge({ ...sharedLimit, stable: null }).decision).toBe('fail');
  });

  it('fails at once on a throttled share significantly above stable’s', () => {
    const verdict = judge({
      candidate: metrics('2', { invocations: 360, throttles: 40, app: { requests2xx: 360 } }),
      stable: metrics('1', { invocations: 3600, app: { requests2xx: 3600 } }),
      elapsedMs: 3_000,
    });
    expect(verdict.decision).toBe('fail');
    expect(checkNamed(verdict, 'availability').passed).toBe(true);
    expect(verdict.reasons).toEqual([
      expect.stringMatching(
        /the candidate's throttled share 10 % \(40 of 400\) is significantly above stable's 0 % \(0 of 3600\)/,
      ),
    ]);
  });

  it('holds the error rate at exactly the test’s edge: 2 bad of 200 pass, 3 fail', () => {
    const at = (errors: number) =>
      judge({ candidate: metrics('2', { invocations: 200, errors }), stable: null }).decision;
    expect(at(2)).toBe('pass');
    expect(at(3)).toBe('fail');
  });

  it.each([
    {
      name: 'an errors and 5xx share significantly above stable’s, inside the SLO’s test',
      candidate: metrics('2', { invocations: 2000, errors: 5, app: { requests2xx: 1995 } }),
      stable: metrics('1', { invocations: 20_000, errors: 1, app: { requests2xx: 19_999 } }),
      check: 'error-rate vs stable',
      reason:
        /candidate's errors and 5xx share 0\.25 % \(5 of 2000\) is significantly above stable's 0\.005 % \(1 of 20000\)/,
    },
    {
      name: 'an app p95 30 % and 10 ms above stable’s, inside the SLO',
      candidate: metrics('2', { app: { latencyP95Ms: 60 } }),
      stable: metrics('1', { invocations: 3600, app: { latencyP95Ms: 40 } }),
      check: 'latency-p95 (app) vs stable',
      reason:
        "the candidate's app latency p95 60.0 ms is above stable's 40.0 ms × 1.3 and + 10 ms (52.0 ms): a regression beyond noise",
    },
    {
      name: 'a duration p50 above stable + 10 ms where × 1.3 is the smaller limit',
      candidate: metrics('2', { durationP50Ms: 21 }),
      stable: metrics('1', { invocations: 3600, durationP50Ms: 10 }),
      check: 'latency-p50 (duration) vs stable',
      reason: /21\.0 ms is above stable's 10\.0 ms .*\(20\.0 ms\)/,
    },
  ])('fails against stable: $name', ({ candidate, stable, check, reason }) => {
    const verdict = judge({ candidate, stable });
    expect(verdict.decision).toBe('fail');
    expect(checkNamed(verdict, check)).toMatchObject({ against: 'stable', passed: false });
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toMatch(reason);
  });

  it('passes latency within stable × ratio even above stable + minMs, and within stable + minMs', () => {
    const withinRatio = judge({
      candidate: metrics('2', { app: { latencyP95Ms: 51 } }),
      stable: metrics('1', { invocations: 3600, app: { latencyP95Ms: 40 } }),
    });
    expect(checkNamed(withinRatio, 'latency-p95 (app) vs stable').passed).toBe(true);
    const withinFloor = judge({
      candidate: metrics('2', { durationP50Ms: 14 }),
      stable: metrics('1', { invocations: 3600, durationP50Ms: 5 }),
    });
    expect(checkNamed(withinFloor, 'latency-p50 (duration) vs stable').passed).toBe(true);
  });

  it('passes the stable checks, saying why, when stable had no traffic in the window', () => {
    const verdict = judge({
      stable: metrics('1', { invocations: 0, durationP50Ms: null, durationP95Ms: null }),
    });
    expect(verdict.decision).toBe('pass');
    const stableChecks = verdict.checks.filter((c) => c.against === 'stable');
    expect(stableChecks.length).toBeGreaterThan(0);
    for (const c of stableChecks)
      expect(c).toMatchObject({ passed: true, reason: 'stable had no traffic to compare' });
  });

  it('compares nothing when stable’s percentile was not measured, and says so', () => {
    const verdict = judge({ stable: metrics('1', { invocations: 3600, app: { latencyP95Ms: null } }) });
    expect(checkNamed(verdict, 'latency-p95 (app) vs stable')).toMatchObject({
      passed: true,
      reason: "stable's app latency p95 was not measured: nothing to compare",
    });
  });

  it('has no stable checks in the watch window (stable null)', () => {
    const verdict = judge({ stable: null });
    expect(verdict.checks.some((c) => c.against === 'stable')).toBe(false);
    expect(verdict.stable).toBeNull();
  });

  it('fails at once on a page alarm, even mid-bake, naming it; no alarm is a passed check', () => {
    const verdict = judge({ elapsedMs: 3_000, firingPageAlarms: ['shiftgate-prod-page'] });
    expect(verdict.decision).toBe('fail');
    expect(verdict.reasons).toEqual(['page alarm shiftgate-prod-page is in ALARM']);
    const two = judge({ firingPageAlarms: ['a', 'b'] });
    expect(two.reasons).toEqual(['page alarms a, b are in ALARM']);
    const none = judge({ firingPageAlarms: [] });
    expect(checkNamed(none, 'page-alarms')).toMatchObject({ passed: true, measured: 'none in ALARM' });
  });

  it('lists every failed check’s reason, the SLO first', () => {
    const verdict = judge({
      candidate: metrics('2', { errors: 40, app: { latencyP95Ms: 120 } }),
      firingPageAlarms: ['page'],
    });
    expect(verdict.reasons).toEqual([
      expect.stringContaining('failed 10 %'),
      expect.stringContaining('app latency p95 is 120.0 ms'),
      expect.stringContaining('errors and 5xx share 10 %'),
      expect.stringContaining('app latency p95 120.0 ms'),
      'page alarm page is in ALARM',
    ]);
  });

  it('reports the spillover share without failing on it', () => {
    const verdict = judge({ candidate: metrics('2', { provisionedConcurrencySpilloverInvocations: 200 }) });
    expect(verdict.spilloverShare).toBe(0.5);
    expect(verdict.decision).toBe('pass');
    const idle = judge({
      candidate: metrics('2', { invocations: 0, app: { requests2xx: 0 } }),
      elapsedMs: 40_000,
    });
    expect(idle.spilloverShare).toBeNull();
  });

  it('with no requests at all: nothing measured fails only the evidence', () => {
    const verdict = judge({
      candidate: metrics('2', {
        invocations: 0,
        durationP50Ms: null,
        durationP95Ms: null,
        app: { requests2xx: 0, latencyP50Ms: null, latencyP95Ms: null },
      }),
      elapsedMs: 40_000,
    });
    expect(verdict.decision).toBe('fail');
    expect(verdict.reasons).toEqual(['only 0 of 200 requests within 40 s: too little evidence to promote']);
  });

  it('fails a latency objective at a percentile the metrics do not carry, naming it', () => {
    const objectives = loadTestObjectives();
    const verdict = judge({
      objectives: { ...objectives, latency: [{ name: 'latency-p99', percentile: 99, thresholdMs: 200 }] },
    });
    expect(verdict.decision).toBe('fail');
    expect(checkNamed(verdict, 'latency-p99 (app)').reason).toMatch(/carry p50 and p95, not p99/);
    expect(checkNamed(verdict, 'latency-p99 (duration) vs stable').passed).toBe(false);
  });

  it('keeps what it judged: elapsed time and both versions’ figures', () => {
    const candidate = metrics('2');
    const verdict = judge({ candidate, elapsedMs: 20_000 });
    expect(verdict).toMatchObject({ elapsedMs: 20_000, candidate });
    expect(verdict.stable?.version).toBe('1');
  });
});
