import { describe, expect, it } from 'vitest';
import { ALL_FAILED_TOLERANCE, APP_EXCESS_TOLERANCE, dataProblems } from './data-checks.ts';
import { SLO_DEFINITION } from './definition.ts';
import type { ReportInput, Series } from './report.ts';

const SCOPE = { region: 'ap-northeast-1', functionName: 'predictor-prod', aliasName: 'live', stage: 'prod' };
const PERIOD = Date.UTC(2026, 10, 28, 12, 0);

/** Window totals, all in one period: only the sums matter to the checks. */
function windowOf(totals: {
  invocations?: number;
  errors?: number;
  throttles?: number;
  successes?: number;
  clientErrors?: number;
  serverErrors?: number;
}): ReportInput {
  const one = (value: number | undefined): Series => new Map(value === undefined ? [] : [[PERIOD, value]]);
  return {
    windowEnd: PERIOD + 300_000,
    availability: {
      serverErrors: one(totals.serverErrors),
      errors: one(totals.errors),
      throttles: one(totals.throttles),
    },
    successes: one(totals.successes),
    clientErrors: one(totals.clientErrors),
    invocations: one(totals.invocations),
    latency: {},
    windowPercentileMs: {},
  };
}

const problems = (input: ReportInput) =>
  dataProblems(SLO_DEFINITION, input, SCOPE, []).map((problem) => problem.message);
const kinds = (input: ReportInput, unmeasured = SLO_DEFINITION.objectives.slice(0, 0)) =>
  dataProblems(SLO_DEFINITION, input, SCOPE, unmeasured).map((problem) => problem.kind);

describe('dataProblems: whether the report can be trusted', () => {
  it('passes when the app counted no more requests than Lambda invoked the alias', () => {
    expect(
      problems(windowOf({ invocations: 1000, successes: 900, clientErrors: 50, serverErrors: 50 })),
    ).toEqual([]);
  });

  it('checks the app against Invocations alone: a throttled request is no invocation and gets no answer', () => {
    // 1000 invocations, 1000 throttles: Invocations + Throttles would hide 500 mixed-in requests.
    const mixedIn = windowOf({ invocations: 1000, throttles: 1000, successes: 1500 });
    expect(problems(mixedIn)).toEqual([
      expect.stringContaining(
        'The app counted 1500 requests (Shiftgate/Latency with Stage=prod, Alias=live) but',
      ),
    ]);
    expect(problems(mixedIn)[0]).toContain('Lambda only 1000 invocations');
    expect(problems(mixedIn)[0]).toContain('metrics of another stage or alias are mixed in');
    const withinTolerance = 1000 * (1 + APP_EXCESS_TOLERANCE);
    expect(problems(windowOf({ invocations: 1000, throttles: 1000, successes: withinTolerance }))).toEqual(
      [],
    );
  });

  it('counts throttles toward "Lambda saw traffic": a fully throttled alias is an outage, not a wrong alias', () => {
    const [problem] = problems(windowOf({ throttles: 400 }));
    expect(problem).toContain('Lambda throttled every request to predictor-prod:live in ap-northeast-1');
    expect(problem).toContain('Throttles = 400, Invocations = 0 in the 28d window');
    expect(problem).not.toContain('--region');
    expect(problems(windowOf({}))).toEqual([
      expect.stringContaining('check --region, --function-name and --alias'),
    ]);
  });

  it('says every invocation failed when Lambda Errors are (nearly) all invocations and the app answered none', () => {
    const [problem, ...rest] = problems(windowOf({ invocations: 5000, errors: 4990 }));
    expect(rest).toEqual([]);
    expect(problem).toContain(
      'Every invocation of predictor-prod:live in ap-northeast-1 failed (Lambda Errors = 4990 of 5000 invocations',
    );
    expect(problem).toContain('/aws/lambda/predictor-prod');
    expect(problem).not.toContain('--stage');
  });

  it('blames --stage or missing metrics when most invocations succeeded yet the app published nothing', () => {
    const belowAllFailed = Math.floor(5000 * (1 - ALL_FAILED_TOLERANCE)) - 1;
    for (const errors of [0, belowAllFailed]) {
      const [problem] = problems(windowOf({ invocations: 5000, errors }));
      expect(problem).toContain('Lambda counted 5000 invocations of predictor-prod:live in ap-northeast-1');
      expect(problem).toContain('check --stage');
    }
  });

  it('gives each problem a kind that stays the same while its counts change', () => {
    const slos = SLO_DEFINITION.objectives;
    const cases = [
      { kind: 'no-invocations', windows: [windowOf({}), windowOf({})] },
      { kind: 'all-throttled', windows: [windowOf({ throttles: 400 }), windowOf({ throttles: 410 })] },
      {
        kind: 'all-failed',
        windows: [
          windowOf({ invocations: 5000, errors: 4990 }),
          windowOf({ invocations: 5200, errors: 5200 }),
        ],
      },
      {
        kind: 'no-app-metrics',
        windows: [windowOf({ invocations: 5000 }), windowOf({ invocations: 5300 })],
      },
      {
        kind: 'app-exceeds-lambda',
        windows: [
          windowOf({ invocations: 1000, successes: 1500 }),
          windowOf({ invocations: 900, successes: 2000 }),
        ],
      },
    ];
    for (const { kind, windows } of cases) {
      const [before, after] = windows.map((window) => dataProblems(SLO_DEFINITION, window, SCOPE, []));
      expect(before?.map((problem) => problem.kind)).toEqual([kind]);
      expect(after?.map((problem) => problem.kind)).toEqual([kind]);
    }
    expect(kinds(windowOf({ invocations: 1000, successes: 1000 }), slos)).toEqual(
      slos.map((slo) => `unmeasured-slo:${slo.name}`),
    );
  });
});
