import { describe, expect, it } from 'vitest';
import type { JournalEntry, ScalingTarget, VersionMetrics } from '../../platform/src/port.ts';
import { candidateWeightOf, dataOf, entry, replay } from './journal.ts';
import { judgeBake } from './judge.ts';
import type { JournalData, JournalType, ReleaseStarted } from './model.ts';
import { REHEARSAL_PLAN } from './plan.ts';

const RELEASE = 'rel-1';
const started: ReleaseStarted = {
  releaseId: RELEASE,
  functionName: 'predictor',
  candidate: '2',
  stable: '1',
  plan: REHEARSAL_PLAN,
  livePc: 10,
  modelChange: false,
  overrideFreeze: null,
  holder: 'host:123',
  startedAt: '2026-11-30T04:00:00.000Z',
};
const scaling: ScalingTarget = {
  qualifier: 'live',
  minCapacity: 2,
  maxCapacity: 20,
  targetUtilization: 0.7,
  suspendedState: {
    dynamicScalingInSuspended: false,
    dynamicScalingOutSuspended: false,
    scheduledScalingSuspended: false,
  },
};
const metrics = (version: string): VersionMetrics => ({
  version,
  via: 'live',
  range: { start: new Date('2026-11-30T04:01:00Z'), end: new Date('2026-11-30T04:01:20Z') },
  invocations: 300,
  errors: 0,
  throttles: 0,
  provisionedConcurrencySpilloverInvocations: 0,
  durationP50Ms: 10,
  durationP95Ms: 30,
  app: { requests2xx: 300, requests4xx: 0, requests5xx: 0, latencyP50Ms: 8, latencyP95Ms: 25 },
});
const verdict = judgeBake({
  plan: REHEARSAL_PLAN,
  candidate: metrics('2'),
  stable: metrics('1'),
  elapsedMs: 20_000,
  bakeMs: 12_000,
  firingPageAlarms: null,
});

/** Entries as the store returns them, sequenced from `first`, through JSON like a file or DynamoDB. */
function journal(items: { type: JournalType; data: unknown }[], first = 1): JournalEntry[] {
  const entries = items.map(({ type, data }, i) => ({
    sequence: first + i,
    at: new Date(Date.UTC(2026, 10, 30, 4, 0, i)).toISOString(),
    ...entry(RELEASE, type, data as JournalData[typeof type]),
  }));
  return JSON.parse(JSON.stringify(entries)) as JournalEntry[];
}
const item = <T extends JournalType>(type: T, data: JournalData[T]) => ({ type, data });

const firstShift = [
  item('started', started),
  item('state', { state: { name: 'preflight' } }),
  item('observed', {
    state: { name: 'preflight' },
    observation: { kind: 'preflight', proceed: true },
    freeze: { checked: false, why: 'no SLO report on this machine' },
  }),
  item('state', { state: { name: 'warm', step: 0 } }),
  item('scaling-saved', { previous: scaling }),
  item('observed', { state: { name: 'warm', step: 0 }, observation: { kind: 'warm', ready: true } }),
  item('state', { state: { name: 'shift', step: 0 } }),
  item('alias-update', { version: '1', weights: { '2': 0.1 } }),
  item('observed', { state: { name: 'shift', step: 0 }, observation: { kind: 'bake', verdict } }),
];

describe('entry', () => {
  it('is what the store’s append takes', () => {
    expect(entry(RELEASE, 'abort-requested', { reason: 'r', by: 'ops' })).toEqual({
      releaseId: RELEASE,
      type: 'abort-requested',
      data: { reason: 'r', by: 'ops' },
    });
  });
});

describe('dataOf', () => {
  it('returns an entry’s data, checked, or null for another type', () => {
    const [first] = journal([item('started', started)]);
    expect(dataOf(first as JournalEntry, 'started')).toEqual(started);
    expect(dataOf(first as JournalEntry, 'finished')).toBeNull();
  });
});

describe('replay', () => {
  it('is null for an empty journal', () => {
    expect(replay([])).toBeNull();
  });

  it('a journal with only its start re-enters preflight', () => {
    const progress = replay(journal([item('started', started)], 7));
    expect(progress).toMatchObject({
      started,
      state: { name: 'preflight' },
      scaling: { saved: false },
      candidateHadTraffic: false,
      maxCandidateWeight: 0,
      abort: null,
      finished: null,
      nextSequence: 8,
    });
  });

  it('replays a release cut off in its first shift, after JSON', () => {
    const entries = journal(firstShift, 41);
    const progress = replay(entries);
    expect(progress).toMatchObject({
      state: { name: 'shift', step: 0 },
      scaling: { saved: true, previous: scaling },
      candidateHadTraffic: true,
      maxCandidateWeight: 0.1,
      nextSequence: 41 + firstShift.length,
    });
    expect(progress?.entries).toBe(entries);
  });

  it('keeps the first scaling saved: a later save would be the target the release suspended itself', () => {
    const suspended = {
      ...scaling,
      suspendedState: {
        ...scaling.suspendedState,
        dynamicScalingInSuspended: true,
        dynamicScalingOutSuspended: true,
      },
    };
    const progress = replay(journal([...firstShift, item('scaling-saved', { previous: suspended })]));
    expect(progress?.scaling).toEqual({ saved: true, previous: scaling });
  });

  it('replays the announcements of PC and scaling changes, and names a malformed one', () => {
    const announced = [
      ...firstShift,
      item('scaling-change', { change: 'suspend' }),
      item('pc-change', { qualifier: '2', executions: 10 }),
      item('pc-change', { qualifier: '2', executions: null }),
    ];
    expect(replay(journal(announced))).toMatchObject({
      state: { name: 'shift', step: 0 },
      nextSequence: 1 + announced.length,
    });
    const zero = journal([...firstShift, item('pc-change', { qualifier: '2', executions: 0 })]);
    expect(() => replay(zero)).toThrow(
      `journal entry ${firstShift.length + 1} (pc-change) of release rel-1 is malformed: data.executions is wrong`,
    );
  });

  it('records a scaling saved as null (no target registered) as saved', () => {
    const progress = replay(journal([item('started', started), item('scaling-saved', { previous: null })]));
    expect(progress?.scaling).toEqual({ saved: true, previous: null });
  });

  it('counts a promotion as the candidate’s whole share, and a roll back as no more', () => {
    const progress = replay(
      journal([
        ...firstShift,
        item('alias-update', { version: '1', weights: { '2': 0.5 } }),
        item('alias-update', { version: '2', weights: {} }),
        item('alias-update', { version: '1', weights: {} }),
      ]),
    );
    expect(progress).toMatchObject({ maxCandidateWeight: 1, candidateHadTraffic: true });
  });

  it('does not count an update that only clears weights as traffic', () => {
    const progress = replay(
      journal([item('started', started), item('alias-update', { version: '1', weights: {} })]),
    );
    expect(progress).toMatchObject({ maxCandidateWeight: 0, candidateHadTraffic: false });
  });

  it('keeps the first abort and the finished entry', () => {
    const progress = replay(
      journal([
        ...firstShift,
        item('abort-requested', { reason: 'bad day', by: 'ops' }),
        item('abort-requested', { reason: 'again', by: 'ops2' }),
        item('state', {
          state: { name: 'rollback', outcome: 'rolled-back', reason: 'aborted by ops: bad day' },
        }),
        item('state', {
          state: { name: 'done', outcome: 'rolled-back', reasons: ['aborted by ops: bad day'] },
        }),
        item('finished', { outcome: 'rolled-back', reasons: ['aborted by ops: bad day'] }),
      ]),
    );
    expect(progress).toMatchObject({
      abort: { reason: 'bad day', by: 'ops' },
      state: { name: 'done', outcome: 'rolled-back' },
      finished: { outcome: 'rolled-back', reasons: ['aborted by ops: bad day'] },
    });
  });

  /** The journal of firstShift with one entry's fields replaced. */
  const broken = (index: number, change: (entry: Record<string, unknown>) => void) => {
    const entries = journal(firstShift, 1) as unknown as Record<string, unknown>[];
    change(entries[index] as Record<string, unknown>);
    return entries as unknown as JournalEntry[];
  };

  it.each([
    {
      name: 'a journal that does not start with started',
      entries: journal(firstShift.slice(1)),
      message:
        "journal entry 1 (state) of release rel-1 is malformed: type is state: a release's journal starts",
    },
    {
      name: 'a second start',
      entries: journal([item('started', started), item('started', started)]),
      message: 'journal entry 2 (started) of release rel-1 is malformed: type is started again',
    },
    {
      name: 'another release’s entry',
      entries: broken(3, (e) => {
        e.releaseId = 'rel-2';
      }),
      message: 'journal entry 4 (state) of release rel-2 is malformed: releaseId is rel-2, not rel-1',
    },
    {
      name: 'a sequence out of order',
      entries: broken(3, (e) => {
        e.sequence = 2;
      }),
      message:
        'journal entry 2 (state) of release rel-1 is malformed: sequence is 2: expected a whole number after 3',
    },
    {
      name: 'an unknown type',
      entries: broken(3, (e) => {
        e.type = 'teleport';
      }),
      message: 'type is "teleport": expected one of started, state,',
    },
    {
      name: 'a state that does not exist',
      entries: broken(3, (e) => {
        e.data = { state: { name: 'sideways' } };
      }),
      message: 'journal entry 4 (state) of release rel-1 is malformed: data.state.name is wrong',
    },
    {
      name: 'a shift without its step',
      entries: broken(6, (e) => {
        e.data = { state: { name: 'shift' } };
      }),
      message: 'journal entry 7 (state) of release rel-1 is malformed: data.state.step is wrong',
    },
    {
      name: 'a weight that is not a number',
      entries: broken(7, (e) => {
        e.data = { version: '1', weights: { '2': 'ten' } };
      }),
      message: 'journal entry 8 (alias-update) of release rel-1 is malformed: data.weights.2 is wrong',
    },
    {
      name: 'a scaling target without its suspended state',
      entries: broken(4, (e) => {
        e.data = { previous: { ...scaling, suspendedState: undefined } };
      }),
      message:
        'journal entry 5 (scaling-saved) of release rel-1 is malformed: data.previous.suspendedState is wrong',
    },
    {
      name: 'a plan that breaks its rules',
      entries: broken(0, (e) => {
        e.data = { ...started, plan: { ...REHEARSAL_PLAN, steps: [{ weight: 0.5, bakeMs: 1 }] } };
      }),
      message: /data\.plan is wrong: the release plan is invalid: steps' last weight is 0\.5/,
    },
    {
      name: 'a bake verdict without its decision',
      entries: broken(8, (e) => {
        e.data = {
          state: { name: 'shift', step: 0 },
          observation: { kind: 'bake', verdict: { ...verdict, decision: 'maybe' } },
        };
      }),
      message:
        'journal entry 9 (observed) of release rel-1 is malformed: data.observation.verdict.decision is wrong',
    },
    {
      name: 'a refused preflight without its reason',
      entries: broken(2, (e) => {
        e.data = { state: { name: 'preflight' }, observation: { kind: 'preflight', proceed: false } };
      }),
      message: /data\.observation\.reason is wrong: a proceed = false observation names its reason/,
    },
    {
      name: 'a sequence that is not a number',
      entries: broken(5, (e) => {
        e.sequence = '6';
      }),
      message: 'sequence is "6": expected a whole number after 5',
    },
  ])('refuses $name, naming the entry and the field', ({ entries, message }) => {
    expect(() => replay(entries)).toThrow(message);
  });
});

describe('candidateWeightOf', () => {
  it.each([
    [{ version: '1', weights: {} }, 0],
    [{ version: '1', weights: { '2': 0.1 } }, 0.1],
    [{ version: '2', weights: {} }, 1],
    // Lambda's own weights while it moves the alias's PC are not journaled; the primary counts as the whole.
    [{ version: '2', weights: { '1': 0.25 } }, 1],
  ])('%j gives the candidate %d', (update, weight) => {
    expect(candidateWeightOf(update, '2')).toBe(weight);
  });
});
