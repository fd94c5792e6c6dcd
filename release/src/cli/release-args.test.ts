import { describe, expect, it } from 'vitest';
import { AWS_PLAN } from '../plan.ts';
import { markdownPathFor, parseReleaseArgs, RELEASE_ENV, UsageError } from './release-args.ts';

const ENV = {
  [RELEASE_ENV.recordTable]: 'releases',
  [RELEASE_ENV.stage]: 'prod',
  [RELEASE_ENV.pageAlarms]: 'predictor-page',
};
const { [RELEASE_ENV.pageAlarms]: _, ...NO_ALARMS_ENV } = ENV;
const START = ['--function', 'predictor', '--candidate', '7'];

const usageError = (argv: string[], env: Record<string, string> = ENV) => {
  try {
    parseReleaseArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parsed ${argv.join(' ')} without a usage error`);
};

describe('parseReleaseArgs', () => {
  it('starts by default, with the AWS plan and the settings from the environment', () => {
    expect(parseReleaseArgs(START, ENV)).toEqual({
      command: 'start',
      aws: {
        functionName: 'predictor',
        region: undefined,
        recordTable: 'releases',
        stage: 'prod',
        pageAlarms: ['predictor-page'],
      },
      out: null,
      candidate: '7',
      plan: AWS_PLAN,
      modelChange: false,
      overrideFreeze: null,
    });
  });

  it('applies --plan and --bake to the AWS plan, and takes every start flag', () => {
    const command = parseReleaseArgs(
      [
        'start',
        ...START,
        '--plan',
        '25,100',
        '--bake',
        '2m',
        '--model-change',
        '--override-freeze',
        ' hotfix #12 ',
        '--out',
        'report.json',
      ],
      ENV,
    );
    expect(command).toMatchObject({
      command: 'start',
      out: 'report.json',
      modelChange: true,
      overrideFreeze: 'hotfix #12',
      plan: {
        steps: [
          { weight: 0.25, bakeMs: 120_000 },
          { weight: 1, bakeMs: 120_000 },
        ],
      },
    });
  });

  it('prefers the flags to the environment, and splits the page alarms', () => {
    const command = parseReleaseArgs(
      [
        ...START,
        '--record-table',
        't2',
        '--stage',
        'beta',
        '--region',
        'ap-northeast-1',
        '--page-alarms',
        'a, b,',
      ],
      { ...ENV, [RELEASE_ENV.pageAlarms]: 'ignored' },
    );
    expect(command).toMatchObject({
      aws: { recordTable: 't2', stage: 'beta', region: 'ap-northeast-1', pageAlarms: ['a', 'b'] },
    });
    expect(parseReleaseArgs(START, { ...ENV, [RELEASE_ENV.pageAlarms]: 'page-1,page-2' })).toMatchObject({
      aws: { pageAlarms: ['page-1', 'page-2'] },
    });
  });

  it('needs page alarms for start and resume unless --no-page-alarms, which the report then names', () => {
    for (const command of [START, ['resume', '--function', 'predictor']]) {
      expect(usageError(command, NO_ALARMS_ENV)).toMatch(
        /missing --page-alarms \(or SHIFTGATE_PAGE_ALARMS\).*or release with --no-page-alarms/,
      );
      expect(parseReleaseArgs([...command, '--no-page-alarms'], ENV)).toMatchObject({
        aws: { pageAlarms: null },
      });
    }
    expect(usageError([...START, '--page-alarms', 'a', '--no-page-alarms'])).toMatch(/contradict each other/);
    // status and abort judge nothing: they need none.
    expect(parseReleaseArgs(['abort', '--function', 'f'], NO_ALARMS_ENV)).toMatchObject({
      aws: { pageAlarms: [] },
    });
  });

  it.each([
    ['status', { command: 'status', out: null }],
    ['resume', { command: 'resume', out: null }],
    ['abort', { command: 'abort', reason: 'aborted from the command line' }],
  ])('reads %s with the function alone', (command, expected) => {
    expect(parseReleaseArgs([command, '--function', 'predictor'], ENV)).toMatchObject(expected);
  });

  it('takes a reason for abort', () => {
    expect(parseReleaseArgs(['abort', '--function', 'f', '--reason', 'pager went off'], ENV)).toMatchObject({
      reason: 'pager went off',
    });
  });

  it('reads rollback with its reason, --to and the AWS plan, and needs no page alarms', () => {
    expect(
      parseReleaseArgs(
        ['rollback', '--function', 'f', '--reason', ' p95 regressed ', '--to', '7'],
        NO_ALARMS_ENV,
      ),
    ).toEqual({
      command: 'rollback',
      aws: { functionName: 'f', region: undefined, recordTable: 'releases', stage: 'prod', pageAlarms: [] },
      out: null,
      reason: 'p95 regressed',
      to: '7',
      plan: AWS_PLAN,
    });
    expect(parseReleaseArgs(['rollback', '--function', 'f', '--reason', 'r'], ENV)).toMatchObject({
      to: null,
    });
  });

  it('asks for help', () => {
    expect(parseReleaseArgs(['--help'], {})).toEqual({ command: 'help' });
  });

  it.each([
    ['no function', ['--candidate', '7'], ENV, /missing --function/],
    ['no candidate', ['--function', 'f'], ENV, /missing --candidate/],
    [
      'a candidate that is no version',
      [...START.slice(0, 3), '$LATEST'],
      ENV,
      /not a published version number/,
    ],
    ['no record table', START, { [RELEASE_ENV.stage]: 'prod' }, /SHIFTGATE_RELEASE_TABLE/],
    ['no stage', START, { [RELEASE_ENV.recordTable]: 't', [RELEASE_ENV.pageAlarms]: 'p' }, /SLO_STAGE/],
    ['a plan not ending at 100', [...START, '--plan', '10,50'], ENV, /the last step must be 100/],
    ['a bake that is no duration', [...START, '--bake', 'soon'], ENV, /--bake 'soon' is not a duration/],
    ['an empty override reason', [...START, '--override-freeze', ' '], ENV, /needs a reason/],
    ['an unknown command', ['deploy', ...START], ENV, /unknown command 'deploy'/],
    ['two commands', ['status', 'abort', '--function', 'f'], ENV, /one command at a time/],
    ['an unknown flag', [...START, '--force'], ENV, /--force/],
    [
      'a start flag on status',
      ['status', '--function', 'f', '--plan', '10,100'],
      ENV,
      /--plan only go with start/,
    ],
    [
      'a reason on start',
      [...START, '--reason', 'x'],
      ENV,
      /--reason goes with abort or rollback, not start/,
    ],
    [
      'a rollback without a reason',
      ['rollback', '--function', 'f'],
      ENV,
      /missing --reason: say why live goes back/,
    ],
    ['a blank rollback reason', ['rollback', '--function', 'f', '--reason', ' '], ENV, /missing --reason/],
    [
      'a rollback --to that is no version',
      ['rollback', '--function', 'f', '--reason', 'r', '--to', 'live'],
      ENV,
      /--to 'live' is not a published version number: give one, e.g. --to 7/,
    ],
    ['--to on abort', ['abort', '--function', 'f', '--to', '3'], ENV, /--to goes with rollback, not abort/],
    [
      'a start flag on rollback',
      ['rollback', '--function', 'f', '--reason', 'r', '--candidate', '3'],
      ENV,
      /--candidate only go with start, not rollback/,
    ],
  ])('refuses %s with a usage error', (_case, argv, env, message) => {
    expect(usageError(argv, env)).toMatch(message);
  });
});

describe('markdownPathFor', () => {
  it.each([
    ['report.json', 'report.md'],
    ['out/release', 'out/release.md'],
  ])('%s -> %s', (out, expected) => {
    expect(markdownPathFor(out)).toBe(expected);
  });
});
