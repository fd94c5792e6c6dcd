import { describe, expect, it } from 'vitest';
import { CRASH_STATES } from '../machine.ts';
import { planWith, REHEARSAL_PLAN } from '../plan.ts';
import { parseRehearsalArgs } from './rehearsal-args.ts';

describe('parseRehearsalArgs', () => {
  it('rehearses by default: no fault, the rehearsal plan, the report in the state directory, the platform stopped', () => {
    expect(parseRehearsalArgs([])).toEqual({
      kind: 'rehearse',
      faults: [],
      plan: REHEARSAL_PLAN,
      out: null,
      keepPlatform: false,
      crashAt: null,
      budgetReport: null,
      overrideFreeze: null,
      modelChange: false,
    });
  });

  it('takes every rehearsal flag, --plan and --bake applied to the rehearsal plan', () => {
    const argv = ['--inject', 'errors=5%@live', '--inject', 'slow=20ms', '--plan', '50,100', '--bake', '3s'];
    const more = ['--out', 'r.json', '--keep-platform', '--crash-at', 'shift', '--budget-report', 'slo.json'];
    const release = ['--override-freeze', ' hotfix for #12 ', '--model-change'];
    expect(parseRehearsalArgs([...argv, ...more, ...release])).toEqual({
      kind: 'rehearse',
      faults: ['errors=5%@live', 'slow=20ms'],
      plan: planWith(REHEARSAL_PLAN, { steps: '50,100', bake: '3s' }),
      out: 'r.json',
      keepPlatform: true,
      crashAt: 'shift',
      budgetReport: 'slo.json',
      overrideFreeze: 'hotfix for #12',
      modelChange: true,
    });
  });

  it.each(CRASH_STATES)('crashes at %s', (state) => {
    expect(parseRehearsalArgs(['--crash-at', state])).toMatchObject({ crashAt: state });
  });

  it.each([
    [['--resume'], { kind: 'resume', out: null, keepPlatform: false }],
    [['--abort', '--out', 'a.json', '--keep-platform'], { kind: 'abort', out: 'a.json', keepPlatform: true }],
    [
      ['--rollback', ' bad deploy ', '--keep-platform'],
      { kind: 'rollback', reason: 'bad deploy', out: null, keepPlatform: true },
    ],
    [['--status'], { kind: 'status' }],
    [['--stop'], { kind: 'stop' }],
    [['-h'], { kind: 'help' }],
  ])('reads %j', (argv, command) => {
    expect(parseRehearsalArgs(argv)).toEqual(command);
  });

  it.each([
    [['--inject', 'errors=5'], 'fault "errors=5"'],
    [['--plan', '10,50'], 'the last step must be 100'],
    [['--bake', 'soon'], "--bake 'soon' is not a duration"],
    [
      ['--crash-at', 'done'],
      `--crash-at done is not a state the release enters: give one of ${CRASH_STATES.join(', ')}`,
    ],
    [['--resume', '--abort'], '--resume, --abort are different commands: give one of them'],
    [['--abort', '--rollback', 'x'], '--abort, --rollback are different commands: give one of them'],
    [
      ['--rollback', ' '],
      '--rollback needs a reason, recorded with the rollback: --rollback "rehearsing a bad deploy"',
    ],
    [
      ['--rollback', 'x', '--plan', '10,100'],
      '--rollback does not take --plan: it takes --out, --keep-platform',
    ],
    [['--status', '--keep-platform'], '--status does not take --keep-platform: it takes no other option'],
    [
      ['--resume', '--inject', 'init-fail'],
      '--resume does not take --inject: it takes --out, --keep-platform',
    ],
    [['--override-freeze', ' '], '--override-freeze needs a reason, recorded with the release'],
    [
      ['--abort', '--override-freeze', 'hotfix'],
      '--abort does not take --override-freeze: it takes --out, --keep-platform',
    ],
    [['--force'], "Unknown option '--force'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRehearsalArgs(argv)).toThrow(message);
  });
});
