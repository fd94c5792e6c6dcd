import { describe, expect, it } from 'vitest';
import {
  type ActionCommand,
  failureMessage,
  newestDeploymentId,
  type ReleaseActionInputs,
  type ReleaseRunEnd,
  releaseArgv,
  STATUS_DESCRIPTION_MAX,
  statusDescription,
  thrownLine,
  verdictOf,
} from './github-report.ts';
import type { Outcome } from './model.ts';
import { buildReleaseReport, type ReleaseReport } from './report.ts';
import { ALREADY_LIVE_REASON, alreadyLiveJournal, promotedJournal } from './report-test-journals.ts';

const RUN_URL = 'https://github.com/o/r/actions/runs/9';

const inputs = (overrides: Partial<ReleaseActionInputs> = {}): ReleaseActionInputs => ({
  command: 'start',
  functionName: 'predictor',
  candidate: '7',
  stage: 'prod',
  recordTable: 'releases',
  pageAlarms: 'page-a,page-b',
  noPageAlarms: false,
  plan: '',
  bake: '',
  modelChange: false,
  overrideFreeze: false,
  reason: '',
  toVersion: '',
  reportPath: 'release-report.json',
  ...overrides,
});

const AWS = ['--function', 'predictor', '--record-table', 'releases', '--stage', 'prod'];

describe('releaseArgv', () => {
  it.each<[string, Partial<ReleaseActionInputs>, string[]]>([
    [
      'start with its page alarms (an empty command is start)',
      { command: '' },
      ['start', ...AWS, '--page-alarms', 'page-a,page-b', '--candidate', '7', '--out', 'release-report.json'],
    ],
    [
      'start with every start input, the override recorded with its reason',
      {
        plan: '10,100',
        bake: '2m',
        modelChange: true,
        overrideFreeze: true,
        reason: 'hotfix #12',
        reportPath: 'out/r.json',
      },
      [
        'start',
        ...AWS,
        '--page-alarms',
        'page-a,page-b',
        '--candidate',
        '7',
        '--plan',
        '10,100',
        '--bake',
        '2m',
        '--model-change',
        '--override-freeze',
        'hotfix #12',
        '--out',
        'out/r.json',
      ],
    ],
    [
      'start overriding the freeze with no reason: the run is recorded',
      { overrideFreeze: true, pageAlarms: '', noPageAlarms: true },
      [
        'start',
        ...AWS,
        '--no-page-alarms',
        '--candidate',
        '7',
        '--override-freeze',
        `override-freeze set by ${RUN_URL}`,
        '--out',
        'release-report.json',
      ],
    ],
    [
      'rollback with its reason and version, no alarms needed',
      { command: 'rollback', candidate: '', pageAlarms: '', reason: 'p95 regressed', toVersion: '5' },
      ['rollback', ...AWS, '--reason', 'p95 regressed', '--to', '5', '--out', 'release-report.json'],
    ],
    [
      'abort without a reason',
      { command: 'abort', candidate: '' },
      ['abort', ...AWS, '--page-alarms', 'page-a,page-b', '--out', 'release-report.json'],
    ],
    [
      'resume',
      { command: 'resume', candidate: '' },
      ['resume', ...AWS, '--page-alarms', 'page-a,page-b', '--out', 'release-report.json'],
    ],
  ])('builds %s', (_case, overrides, argv) => {
    expect(releaseArgv(inputs(overrides), RUN_URL)).toEqual(argv);
  });

  it.each<[string, Partial<ReleaseActionInputs>, string]>([
    [
      'an unknown command',
      { command: 'deploy' },
      "input command is 'deploy': use one of start, resume, abort, rollback",
    ],
    [
      'missing settings, all named',
      { functionName: '', candidate: '', reportPath: '' },
      "the release action's start needs input function-name (the Lambda function whose live alias to move: the stack's FunctionName), input report-path (where the report JSON goes, e.g. release-report.json), input candidate (the version to release: the stack's PublishedVersion)",
    ],
    [
      'a rollback without a reason',
      { command: 'rollback', candidate: '' },
      "the release action's rollback needs input reason (say why live goes back)",
    ],
    [
      'start inputs with abort',
      { command: 'abort', plan: '10,100' },
      'input candidate, plan only go with command start, not abort',
    ],
    ['to-version with start', { toVersion: '3' }, 'input to-version goes with command rollback, not start'],
    [
      'a reason with resume',
      { command: 'resume', candidate: '', reason: 'x' },
      'input reason does not go with command resume',
    ],
    [
      'a reason with start and no override',
      { reason: 'x' },
      'input reason goes with start only as the reason for override-freeze: true',
    ],
    [
      'no page alarms for start',
      { pageAlarms: '' },
      "input page-alarms is empty: name the page-severity composite alarms that roll a release back (the stack's PageAlarmNames), or set no-page-alarms: true to release without them",
    ],
    [
      'page alarms and no-page-alarms',
      { noPageAlarms: true },
      'input page-alarms is given with no-page-alarms: true: give one or the other',
    ],
  ])('refuses %s, naming the input', (_case, overrides, message) => {
    expect(() => releaseArgv(inputs(overrides), RUN_URL)).toThrow(message);
  });
});

const promoted = buildReleaseReport(promotedJournal());
const withOutcome = (outcome: Outcome | null, reasons: string[] = []): ReleaseReport => ({
  ...promoted,
  outcome,
  reasons,
});
const ended = (overrides: Partial<ReleaseRunEnd>): ReleaseRunEnd => ({
  exitCode: 0,
  report: null,
  crash: null,
  stderr: '',
  ...overrides,
});

describe('verdictOf', () => {
  it.each<[ActionCommand, Outcome, boolean]>([
    ['start', 'promoted', true],
    ['start', 'rolled-back', false],
    ['start', 'stopped-before-traffic', false],
    ['start', 'refused', false],
    ['start', 'already-live', true],
    ['resume', 'promoted', true],
    ['resume', 'already-live', true],
    ['resume', 'reverted', true],
    ['resume', 'rolled-back', false],
    ['abort', 'rolled-back', true],
    ['abort', 'stopped-before-traffic', true],
    ['abort', 'promoted', false],
    ['abort', 'already-live', false],
    ['rollback', 'reverted', true],
    ['rollback', 'rolled-back', true],
    ['rollback', 'stopped-before-traffic', true],
    ['rollback', 'refused', false],
    ['rollback', 'already-live', false],
  ])('%s ending %s succeeds: %s', (command, outcome, succeeded) => {
    const verdict = verdictOf(command, ended({ report: withOutcome(outcome, ['why']) }));
    expect(verdict).toMatchObject({ succeeded, state: succeeded ? 'success' : 'failure' });
  });

  it('says what happened and why on one line', () => {
    expect(verdictOf('start', ended({ report: promoted })).reason).toBe(
      `promoted version ${promoted.candidate} to live`,
    );
    expect(
      verdictOf(
        'start',
        ended({ report: withOutcome('rolled-back', ['p95 150 ms > 80 ms\nat 10 %', 'errors']) }),
      ).reason,
    ).toBe('rolled-back: p95 150 ms > 80 ms at 10 %; errors');
    expect(verdictOf('rollback', ended({ report: withOutcome('reverted', ['bad deploy']) })).reason).toBe(
      `reverted: live back on version ${promoted.stable} from ${promoted.candidate}: bad deploy`,
    );
  });

  it('passes a start with nothing to release as a success that says so', () => {
    const report = buildReleaseReport(alreadyLiveJournal());
    const verdict = verdictOf('start', ended({ report }));
    expect(verdict).toEqual({ succeeded: true, state: 'success', reason: ALREADY_LIVE_REASON });
    expect(statusDescription(verdict.reason)).toBe(
      'version 2 already serves all of live: nothing to release',
    );
  });

  it('is an error when the release crashed, exited on its command line, or has not finished', () => {
    expect(
      verdictOf('start', ended({ exitCode: 1, crash: 'release r-1 stopped in shift 1/3; `resume`…' })),
    ).toEqual({
      succeeded: false,
      state: 'error',
      reason: 'start failed: release r-1 stopped in shift 1/3; `resume`…',
    });
    expect(
      verdictOf('start', ended({ exitCode: 2, stderr: "\nrelease: --plan '10' is invalid\nusage: …\n" })),
    ).toEqual({
      succeeded: false,
      state: 'error',
      reason: "start exited 2: release: --plan '10' is invalid",
    });
    expect(verdictOf('resume', ended({ exitCode: 1, report: withOutcome(null) }))).toMatchObject({
      succeeded: false,
      state: 'error',
      reason: expect.stringMatching(/has not finished: last state .*; resume or abort it$/),
    });
  });

  it('succeeds for an abort with nothing to abort', () => {
    expect(verdictOf('abort', ended({ stderr: '' }))).toMatchObject({ succeeded: true, state: 'success' });
  });
});

describe('newestDeploymentId', () => {
  it.each<[{ id: number }[], number | null]>([
    [[], null],
    [[{ id: 7 }], 7],
    [[{ id: 7 }, { id: 31 }, { id: 12 }], 31],
  ])('of %j is %s', (deployments, newest) => {
    expect(newestDeploymentId(deployments)).toBe(newest);
  });
});

describe('statusDescription', () => {
  it(`keeps ${STATUS_DESCRIPTION_MAX} characters, the last an ellipsis when cut`, () => {
    expect(statusDescription('short')).toBe('short');
    const cut = statusDescription('x'.repeat(200));
    expect(cut).toHaveLength(STATUS_DESCRIPTION_MAX);
    expect(cut.endsWith('…')).toBe(true);
    expect(statusDescription('y'.repeat(STATUS_DESCRIPTION_MAX))).toBe('y'.repeat(STATUS_DESCRIPTION_MAX));
  });
});

describe('failureMessage and thrownLine', () => {
  it('puts the reason alone on the first line', () => {
    const verdict = { succeeded: false, state: 'failure', reason: 'rolled-back: errors' } as const;
    expect(failureMessage(verdict, 'r.json').split('\n')[0]).toBe('rolled-back: errors');
    expect(failureMessage(verdict, null)).toBe('rolled-back: errors');
  });

  it.each<[string, unknown, string]>([
    ['an Error with its cause', new Error('outer', { cause: new Error('inner') }), 'outer (cause: inner)'],
    ['a string', 'plain words\nover lines', 'plain words over lines'],
    ['an object', { code: 42 }, 'thrown: {"code":42}'],
    ['undefined', undefined, 'thrown: undefined'],
  ])('describes %s on one line', (_case, thrown, line) => {
    expect(thrownLine(thrown)).toBe(line);
  });
});
