import { describe, expect, it, vi } from 'vitest';
import type { DataProblem } from '../../slo/src/data-checks.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import type { SloReport, SloReportRow } from '../../slo/src/report.ts';
import { sloReportOf } from '../../slo/src/testing/report-fixture.ts';
import {
  applyBreachOperations,
  type BreachIssuesPort,
  type BreachOperation,
  breachOperations,
  countOperations,
  LOW_BUDGET_REMAINING,
  type OpenIssue,
} from './breach-issues.ts';

const [first, second] = SLO_DEFINITION.objectives;
const SLO = first?.name ?? '';
const OTHER = second?.name ?? '';

function row(overrides: Partial<SloReportRow> = {}): SloReportRow {
  return {
    name: SLO,
    description: first?.description ?? '',
    budgetingMethod: 'Occurrences',
    target: first?.target ?? 0,
    unit: 'requests',
    good: 99_950,
    bad: 50,
    total: 100_000,
    measuredPeriods: 8_064,
    attainment: 0.9995,
    budgetRemaining: 0.5,
    budgetExhausted: false,
    windowPercentile: null,
    burnRates: [
      { window: '1h', burnRate: 0.4 },
      { window: '5m', burnRate: null },
    ],
    firingAlerts: [],
    ...overrides,
  };
}

const report = sloReportOf;

/** The issue a previous run opened for `rows`, as GitHub would return it. */
function issueFor(number: number, rows: SloReportRow[], stage = 'prod'): OpenIssue {
  const [opened] = breachOperations(report(rows), stage, []);
  if (opened?.kind !== 'open') throw new Error('expected the first run to open an issue');
  return { number, body: opened.body };
}

const firing = row({ firingAlerts: ['page-1h-5m'], budgetRemaining: 0.6 });

describe('breachOperations', () => {
  it('opens an issue naming the stage, the SLO and what fired', () => {
    const [operation, ...rest] = breachOperations(report([firing, row({ name: OTHER })]), 'prod', []);

    expect(rest).toEqual([]);
    expect(operation).toMatchObject({ kind: 'open', title: `[prod] SLO ${SLO}: page-1h-5m firing` });
    expect(operation?.kind === 'open' && operation.body).toMatch(
      new RegExp(`^<!-- shiftgate-slo-breach stage=prod slo=${SLO} state=budget:ok,alerts:page-1h-5m -->\n`),
    );
  });

  it('does nothing while the breach stays as it was reported (no comment every 30 minutes)', () => {
    const again = row({ firingAlerts: ['page-1h-5m'], budgetRemaining: 0.55 });

    expect(breachOperations(report([again]), 'prod', [issueFor(3, [firing])])).toEqual([]);
  });

  it('comments, and rewrites the title and marker, when the breach changes', () => {
    const worse = row({ firingAlerts: ['page-6h-30m', 'page-1h-5m'], budgetRemaining: 0.1 });

    const [operation] = breachOperations(report([worse]), 'prod', [issueFor(3, [firing])]);

    expect(operation).toMatchObject({
      kind: 'comment',
      issueNumber: 3,
      title: `[prod] SLO ${SLO}: page-6h-30m, page-1h-5m firing; budget low (10.0 % left)`,
      comment: expect.stringMatching(/^The breach changed: \*\*page-6h-30m, page-1h-5m firing; budget low/),
    });
    expect(operation?.kind === 'comment' && operation.body).toContain(
      'state=budget:low,alerts:page-1h-5m+page-6h-30m',
    );
  });

  it('closes with a recovery comment when a trustworthy report shows no breach', () => {
    expect(breachOperations(report([row()]), 'prod', [issueFor(3, [firing])])).toEqual([
      {
        kind: 'close',
        issueNumber: 3,
        comment: 'Recovered (report of 2026-11-30T07:00:00.000Z): no alert fires, 50.0 % of the budget left.',
      },
    ]);
  });

  it.each([
    { name: 'just under the low line is a breach', remaining: LOW_BUDGET_REMAINING - 0.001, opens: true },
    { name: 'the low line itself is not', remaining: LOW_BUDGET_REMAINING, opens: false },
  ])('$name', ({ remaining, opens }) => {
    expect(breachOperations(report([row({ budgetRemaining: remaining })]), 'prod', []).length).toBe(
      opens ? 1 : 0,
    );
  });

  it('says an overspent budget freezes releases, and how to override', () => {
    const overspent = row({ budgetRemaining: -0.3, budgetExhausted: true });

    const [operation] = breachOperations(report([overspent]), 'prod', []);

    expect(operation).toMatchObject({
      kind: 'open',
      title: `[prod] SLO ${SLO}: budget overspent, releases frozen`,
    });
    const body = operation?.kind === 'open' ? operation.body : '';
    expect(body).toContain('error budget **overspent**: 130.0 % of it used');
    expect(body).toContain('**Releases are frozen**');
    expect(body).toContain('--override-freeze REASON');
  });

  describe('a report without trustworthy data', () => {
    const noInvocations: DataProblem = {
      kind: 'no-invocations',
      message: 'no invocations of shiftgate-prod:live in 28d: wrong stage or function?',
    };
    const problems = [noInvocations];
    const noAppMetrics = (invocations: number): DataProblem => ({
      kind: 'no-app-metrics',
      message: `Lambda counted ${invocations} invocations but the app published nothing`,
    });
    const dataIssueAfter = (first: SloReport) => {
      const [opened] = breachOperations(first, 'prod', []);
      return { number: 8, body: opened?.kind === 'open' ? opened.body : '' };
    };

    it('neither closes nor updates breach issues, and opens one issue saying the watch is blind', () => {
      const operations = breachOperations(report([row()], problems), 'prod', [issueFor(3, [firing])]);

      expect(operations).toEqual([
        {
          kind: 'open',
          title: '[prod] SLO report: no trustworthy data',
          body: expect.stringContaining(`- ${noInvocations.message}`),
        },
      ]);
      expect(operations[0]?.kind === 'open' && operations[0].body).toContain('No data is not recovery');
    });

    it("says what the deploy's preflight does on it: it cannot check the freeze and goes ahead", () => {
      const [operation] = breachOperations(report([row()], problems), 'prod', []);
      const body = operation?.kind === 'open' ? operation.body : '';

      expect(body).toContain(
        "Nor is it a freeze: the deploy's preflight cannot check the budget on this data and goes\nahead",
      );
      expect(body).toContain('hold them by hand until this issue closes');
      expect(body).not.toContain('releases wait (');
    });

    it('stays quiet while only the counts in the messages change (no comment every 30 minutes)', () => {
      const dataIssue = dataIssueAfter(report([row()], [noAppMetrics(5000)]));

      expect(breachOperations(report([row()], [noAppMetrics(5012)]), 'prod', [dataIssue])).toEqual([]);
    });

    it('stays quiet while the problems stay the same, and comments when they change', () => {
      const dataIssue = dataIssueAfter(report([row()], problems));
      const disagree: DataProblem = { kind: 'app-exceeds-lambda', message: 'the app and Lambda disagree' };

      expect(breachOperations(report([row()], problems), 'prod', [dataIssue])).toEqual([]);
      expect(breachOperations(report([row()], [disagree]), 'prod', [dataIssue])).toEqual([
        expect.objectContaining({
          kind: 'comment',
          issueNumber: 8,
          comment: 'The problems changed:\n\n- the app and Lambda disagree',
        }),
      ]);
    });

    it('closes its issue once the data can be trusted again, then judges the breaches', () => {
      const dataIssue = dataIssueAfter(report([row()], problems));

      const operations = breachOperations(report([row()]), 'prod', [dataIssue, issueFor(3, [firing])]);

      expect(
        operations.map((operation) => [
          operation.kind,
          'issueNumber' in operation ? operation.issueNumber : null,
        ]),
      ).toEqual([
        ['close', 8],
        ['close', 3],
      ]);
    });
  });

  it("leaves another stage's issues and unmarked issues alone", () => {
    const issues = [
      issueFor(3, [firing], 'dev'),
      { number: 4, body: 'a person filed this with the label' },
      { number: 5, body: null },
    ];

    expect(breachOperations(report([row()]), 'prod', issues)).toEqual([]);
  });

  it('closes the issue of an SLO the report no longer has', () => {
    const renamed = { number: 6, body: issueFor(6, [firing]).body?.replace(`slo=${SLO}`, 'slo=latency-p99') };

    expect(breachOperations(report([row()]), 'prod', [renamed])).toEqual([
      expect.objectContaining({
        kind: 'close',
        issueNumber: 6,
        comment: expect.stringContaining('`latency-p99` is no longer in the report'),
      }),
    ]);
  });

  it('keeps the oldest of two issues for one breach', () => {
    const issues = [issueFor(9, [firing]), issueFor(4, [firing])];

    expect(breachOperations(report([row()]), 'prod', issues)).toEqual([
      expect.objectContaining({ kind: 'close', issueNumber: 4 }),
    ]);
  });
});

it('counts the operations by kind', () => {
  const operations: BreachOperation[] = [
    { kind: 'open', title: 't', body: 'b' },
    { kind: 'close', issueNumber: 1, comment: 'c' },
    { kind: 'close', issueNumber: 2, comment: 'c' },
  ];

  expect(countOperations(operations)).toEqual({ opened: 1, updated: 0, closed: 2 });
});

it('applies open, comment and close through the issues port, the state change before its comment', async () => {
  const calls: string[] = [];
  const issues: BreachIssuesPort = {
    listOpen: async () => [],
    create: vi.fn(async (title: string) => {
      calls.push(`create ${title}`);
      return 21;
    }),
    comment: vi.fn(async (issueNumber: number, body: string) => {
      calls.push(`comment #${issueNumber} ${body}`);
    }),
    edit: vi.fn(async (issueNumber: number, changes: object) => {
      calls.push(`edit #${issueNumber} ${JSON.stringify(changes)}`);
    }),
  };

  const opened = await applyBreachOperations(issues, [
    { kind: 'open', title: 'T', body: 'B' },
    { kind: 'comment', issueNumber: 3, title: 'T2', body: 'B2', comment: 'changed' },
    { kind: 'close', issueNumber: 4, comment: 'recovered' },
  ]);

  expect(opened).toEqual([21]);
  expect(calls).toEqual([
    'create T',
    'edit #3 {"title":"T2","body":"B2"}',
    'comment #3 changed',
    'edit #4 {"state":"closed"}',
    'comment #4 recovered',
  ]);
});

it('leaves the state advanced when the comment after it fails, so the next run does not repeat it', async () => {
  const edited: string[] = [];
  const issues: BreachIssuesPort = {
    listOpen: async () => [],
    create: async () => 1,
    comment: async () => {
      throw new Error('secondary rate limit');
    },
    edit: async (_issueNumber, changes) => {
      edited.push(changes.body ?? '');
    },
  };
  const [change] = breachOperations(report([row({ firingAlerts: ['ticket-1d-2h'] })]), 'prod', [
    issueFor(3, [firing]),
  ]);
  if (change?.kind !== 'comment') throw new Error('expected a comment on the changed breach');

  await expect(applyBreachOperations(issues, [change])).rejects.toThrow('secondary rate limit');
  expect(
    breachOperations(report([row({ firingAlerts: ['ticket-1d-2h'] })]), 'prod', [
      { number: 3, body: edited[0] ?? '' },
    ]),
  ).toEqual([]);
});
