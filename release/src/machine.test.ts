import { describe, expect, it } from 'vitest';
import type { AliasState, VersionMetrics } from '../../platform/src/port.ts';
import {
  abortState,
  CRASH_STATES,
  candidateMayHaveHadTraffic,
  next,
  preflightCheck,
  stateLabel,
} from './machine.ts';
import type { DriftReport, Observation, ReleasePlan, ReleaseState, StepVerdict } from './model.ts';
import { REHEARSAL_PLAN } from './plan.ts';

const plan = REHEARSAL_PLAN; // three steps: 10 %, 50 %, 100 %
const onlyPromotion: ReleasePlan = { ...plan, steps: [{ weight: 1, bakeMs: 10_000 }] };

const metrics = { version: '2' } as VersionMetrics;
const verdict = (decision: StepVerdict['decision'], reasons: string[] = []): StepVerdict => ({
  decision,
  checks: [],
  reasons,
  elapsedMs: 12_000,
  candidate: metrics,
  stable: null,
  spilloverShare: null,
});
const drift = (overrides: Partial<DriftReport> = {}): DriftReport => ({
  compared: 100,
  unanswered: 0,
  tolerance: 1e-4,
  maxRelativeDrift: 0,
  beyondTolerance: 0,
  worst: [],
  withinTolerance: true,
  modelChange: false,
  passed: true,
  ...overrides,
});

const OBSERVATIONS = {
  'preflight proceeds': { kind: 'preflight', proceed: true },
  'preflight refused': { kind: 'preflight', proceed: false, reason: 'version 2 does not exist' },
  'preflight already live': {
    kind: 'preflight',
    proceed: false,
    reason: 'version 2 already serves all of live: nothing to release',
    alreadyLive: true,
  },
  'warm ready': { kind: 'warm', ready: true },
  'warm timed out': { kind: 'warm', ready: false, reason: 'PC not READY within 60 s' },
  'pretraffic passed': { kind: 'pretraffic', verdict: { passed: true, checks: [] }, reason: null },
  'pretraffic failed': {
    kind: 'pretraffic',
    verdict: { passed: false, checks: [] },
    reason: 'p95 120 ms > 80 ms',
  },
  'drift passed': { kind: 'drift', report: drift() },
  'drift beyond tolerance': {
    kind: 'drift',
    report: drift({ beyondTolerance: 3, maxRelativeDrift: 0.123456, withinTolerance: false, passed: false }),
  },
  'drift unanswered': {
    kind: 'drift',
    report: drift({ unanswered: 2, maxRelativeDrift: null, withinTolerance: false, passed: false }),
  },
  'bake passed': { kind: 'bake', verdict: verdict('pass') },
  'bake failed': { kind: 'bake', verdict: verdict('fail', ['p95 too slow', 'errors']) },
  'bake keeps baking': { kind: 'bake', verdict: verdict('keep-baking', ['only 10 of 200']) },
  'promote done': { kind: 'promote', done: true },
  'promote failed': { kind: 'promote', done: false, reason: 'alias PC FAILED' },
  'rollback done': { kind: 'rollback', done: true },
  'revert done': { kind: 'revert', done: true },
  'revert left live elsewhere': { kind: 'revert', done: false, reason: 'live did not end on version 1' },
} satisfies Record<string, Observation>;
type ObservationName = keyof typeof OBSERVATIONS;

const STATES = {
  preflight: { name: 'preflight' },
  'warm 0': { name: 'warm', step: 0 },
  'warm 1': { name: 'warm', step: 1 },
  'warm 2': { name: 'warm', step: 2 },
  pretraffic: { name: 'pretraffic' },
  drift: { name: 'drift' },
  'shift 0': { name: 'shift', step: 0 },
  'shift 1': { name: 'shift', step: 1 },
  promote: { name: 'promote' },
  watch: { name: 'watch' },
  'rollback before traffic': { name: 'rollback', outcome: 'stopped-before-traffic', reason: 'drift' },
  'rollback after traffic': { name: 'rollback', outcome: 'rolled-back', reason: 'errors' },
  revert: { name: 'revert', reason: 'p95 regressed after the deploy' },
  done: { name: 'done', outcome: 'promoted', reasons: [] },
} satisfies Record<string, ReleaseState>;
type StateKey = keyof typeof STATES;

const stopped = (reason: string): ReleaseState => ({
  name: 'rollback',
  outcome: 'stopped-before-traffic',
  reason,
});
const rolledBack = (reason: string): ReleaseState => ({ name: 'rollback', outcome: 'rolled-back', reason });

/** Every legal (state, observation) pair and where it leads with the three-step plan. */
const TRANSITIONS: [StateKey, ObservationName, ReleaseState][] = [
  ['preflight', 'preflight proceeds', { name: 'warm', step: 0 }],
  [
    'preflight',
    'preflight refused',
    { name: 'done', outcome: 'refused', reasons: ['version 2 does not exist'] },
  ],
  [
    'preflight',
    'preflight already live',
    {
      name: 'done',
      outcome: 'already-live',
      reasons: ['version 2 already serves all of live: nothing to release'],
    },
  ],
  ['warm 0', 'warm ready', { name: 'pretraffic' }],
  ['warm 0', 'warm timed out', stopped('PC not READY within 60 s')],
  ['warm 1', 'warm ready', { name: 'shift', step: 1 }],
  ['warm 1', 'warm timed out', rolledBack('PC not READY within 60 s')],
  ['warm 2', 'warm ready', { name: 'promote' }],
  ['warm 2', 'warm timed out', rolledBack('PC not READY within 60 s')],
  ['pretraffic', 'pretraffic passed', { name: 'drift' }],
  ['pretraffic', 'pretraffic failed', stopped('p95 120 ms > 80 ms')],
  ['drift', 'drift passed', { name: 'shift', step: 0 }],
  [
    'drift',
    'drift beyond tolerance',
    stopped(
      'prediction drift: 3 of 100 canary answers drifted beyond 0.0001 (largest 0.123): release with ' +
        '--model-change if the model changed on purpose',
    ),
  ],
  [
    'drift',
    'drift unanswered',
    stopped('prediction drift: 2 of 100 canary bodies were not answered by both versions'),
  ],
  ['shift 0', 'bake passed', { name: 'warm', step: 1 }],
  ['shift 0', 'bake failed', rolledBack('p95 too slow; errors')],
  ['shift 1', 'bake passed', { name: 'warm', step: 2 }],
  ['shift 1', 'bake failed', rolledBack('p95 too slow; errors')],
  ['promote', 'promote done', { name: 'watch' }],
  ['promote', 'promote failed', rolledBack('alias PC FAILED')],
  ['watch', 'bake passed', { name: 'done', outcome: 'promoted', reasons: [] }],
  ['watch', 'bake failed', rolledBack('p95 too slow; errors')],
  [
    'rollback before traffic',
    'rollback done',
    { name: 'done', outcome: 'stopped-before-traffic', reasons: ['drift'] },
  ],
  ['rollback after traffic', 'rollback done', { name: 'done', outcome: 'rolled-back', reasons: ['errors'] }],
  [
    'revert',
    'revert done',
    { name: 'done', outcome: 'reverted', reasons: ['p95 regressed after the deploy'] },
  ],
  [
    'revert',
    'revert left live elsewhere',
    {
      name: 'done',
      outcome: 'refused',
      reasons: ['live did not end on version 1', 'p95 regressed after the deploy'],
    },
  ],
];

describe('next', () => {
  it.each(TRANSITIONS)('%s + %s', (state, observation, expected) => {
    expect(next(STATES[state], OBSERVATIONS[observation], plan)).toEqual(expected);
  });

  const legal = new Set(TRANSITIONS.map(([state, observation]) => `${state} + ${observation}`));
  const illegal = (Object.keys(STATES) as StateKey[]).flatMap((state) =>
    (Object.keys(OBSERVATIONS) as ObservationName[])
      .filter((observation) => !legal.has(`${state} + ${observation}`))
      .map((observation) => [state, observation] as const),
  );

  it('covers every pair: each is either a transition or refused', () => {
    expect(legal.size + illegal.length).toBe(Object.keys(STATES).length * Object.keys(OBSERVATIONS).length);
  });

  it.each(illegal)('%s + %s throws, naming the state as a bug', (state, observation) => {
    expect(() => next(STATES[state], OBSERVATIONS[observation], plan)).toThrow(/in state .*this is a bug/);
  });

  it('names what does not belong', () => {
    expect(() => next({ name: 'drift' }, OBSERVATIONS['warm ready'], plan)).toThrow(
      'release state machine: observation warm does not belong here (expected drift) in state drift',
    );
    expect(() => next(STATES.done, OBSERVATIONS['rollback done'], plan)).toThrow(
      'observation rollback arrived after the release ended in state done (promoted)',
    );
  });

  it.each([
    {
      name: 'a shift of the last step',
      state: { name: 'shift', step: 2 } as ReleaseState,
      observation: 'bake passed',
    },
    {
      name: 'a warm beyond the plan',
      state: { name: 'warm', step: 3 } as ReleaseState,
      observation: 'warm ready',
    },
    {
      name: 'a negative warm step',
      state: { name: 'warm', step: -1 } as ReleaseState,
      observation: 'warm ready',
    },
  ] as const)('refuses $name', ({ state, observation }) => {
    expect(() => next(state, OBSERVATIONS[observation], plan)).toThrow(/is not a step of the plan's 3/);
  });

  it('names answers that differ in length in the drift refusal', () => {
    const mismatch = 'answer lengths differ: stable gave 13 numbers, the candidate 26';
    const row = { index: 4, stable: [1], candidate: [1, 2], relativeDrift: null, mismatch };
    const differing = drift({
      beyondTolerance: 1,
      maxRelativeDrift: null,
      worst: [row],
      withinTolerance: false,
      passed: false,
    });
    expect(next({ name: 'drift' }, { kind: 'drift', report: differing }, plan)).toEqual(
      stopped(
        `prediction drift: 1 of 100 canary answers drifted beyond 0.0001 (${mismatch}): release with ` +
          '--model-change if the model changed on purpose',
      ),
    );
  });

  it('walks a one-step plan straight from drift to promote', () => {
    expect(next({ name: 'drift' }, OBSERVATIONS['drift passed'], onlyPromotion)).toEqual({ name: 'promote' });
    expect(next({ name: 'warm', step: 0 }, OBSERVATIONS['warm ready'], onlyPromotion)).toEqual({
      name: 'pretraffic',
    });
  });

  it('walks the whole happy path of the plan', () => {
    const happy: Record<ReleaseState['name'], ObservationName> = {
      preflight: 'preflight proceeds',
      warm: 'warm ready',
      pretraffic: 'pretraffic passed',
      drift: 'drift passed',
      shift: 'bake passed',
      promote: 'promote done',
      watch: 'bake passed',
      rollback: 'rollback done',
      revert: 'rollback done',
      done: 'rollback done',
    };
    const labels: string[] = [];
    let state: ReleaseState = { name: 'preflight' };
    while (state.name !== 'done') {
      labels.push(stateLabel(state, plan));
      state = next(state, OBSERVATIONS[happy[state.name]], plan);
    }
    labels.push(stateLabel(state, plan));
    expect(labels).toEqual([
      'preflight',
      'warm 1/3 (10 %)',
      'pretraffic',
      'drift',
      'shift 1/3 (10 %)',
      'warm 2/3 (50 %)',
      'shift 2/3 (50 %)',
      'warm 3/3 (100 %)',
      'promote',
      'watch',
      'done (promoted)',
    ]);
  });
});

describe('abortState', () => {
  it.each([
    { state: STATES.preflight, hadTraffic: false, outcome: 'stopped-before-traffic' },
    { state: STATES['warm 0'], hadTraffic: false, outcome: 'stopped-before-traffic' },
    { state: STATES.drift, hadTraffic: false, outcome: 'stopped-before-traffic' },
    { state: STATES['shift 0'], hadTraffic: false, outcome: 'stopped-before-traffic' },
    { state: STATES['shift 0'], hadTraffic: true, outcome: 'rolled-back' },
    { state: STATES['warm 2'], hadTraffic: true, outcome: 'rolled-back' },
    { state: STATES.promote, hadTraffic: true, outcome: 'rolled-back' },
    { state: STATES.watch, hadTraffic: true, outcome: 'rolled-back' },
  ])('$state.name with traffic $hadTraffic → rollback ($outcome)', ({ state, hadTraffic, outcome }) => {
    expect(abortState(state as ReleaseState, 'aborted by ops: bad day', hadTraffic)).toEqual({
      name: 'rollback',
      outcome,
      reason: 'aborted by ops: bad day',
    });
  });

  it('leaves a rollback under way and a finished release as they are: a second abort changes nothing', () => {
    for (const state of [STATES['rollback after traffic'], STATES['rollback before traffic'], STATES.done]) {
      expect(abortState(state, 'again', true)).toBe(state);
    }
  });

  it("carries a rollback run's revert on: it is the way back already", () => {
    for (const hadTraffic of [true, false]) {
      expect(abortState(STATES.revert, 'stop', hadTraffic)).toBe(STATES.revert);
    }
  });
});

describe('candidateMayHaveHadTraffic', () => {
  it.each([
    ['preflight', false],
    ['warm 0', false],
    ['pretraffic', false],
    ['drift', false],
    ['shift 0', true],
    ['warm 1', true],
    ['promote', true],
    ['watch', true],
    ['rollback before traffic', false],
    ['rollback after traffic', true],
    ['revert', true],
    ['done', true],
  ] as [StateKey, boolean][])('%s → %s', (state, expected) => {
    expect(candidateMayHaveHadTraffic(STATES[state])).toBe(expected);
  });

  it('a refused or stopped release never gave the candidate traffic', () => {
    expect(candidateMayHaveHadTraffic({ name: 'done', outcome: 'refused', reasons: [] })).toBe(false);
    expect(candidateMayHaveHadTraffic({ name: 'done', outcome: 'stopped-before-traffic', reasons: [] })).toBe(
      false,
    );
  });
});

describe('CRASH_STATES and stateLabel', () => {
  it('offers every state but done', () => {
    expect(CRASH_STATES).toEqual([
      'preflight',
      'warm',
      'pretraffic',
      'drift',
      'shift',
      'promote',
      'watch',
      'rollback',
    ]);
  });

  it('labels without a plan too', () => {
    expect(stateLabel({ name: 'shift', step: 1 })).toBe('shift 2');
    expect(stateLabel(STATES['rollback after traffic'])).toBe('rollback (rolled-back)');
    expect(
      stateLabel(
        { name: 'warm', step: 0 },
        { ...plan, steps: [{ weight: 0.025, bakeMs: 1 }, ...plan.steps] },
      ),
    ).toBe('warm 1/4 (2.5 %)');
  });
});

const alias = (overrides: Partial<AliasState> = {}): AliasState => ({
  name: 'live',
  version: '1',
  weights: {},
  revisionId: 'r1',
  ...overrides,
});
const preflight = (overrides: Partial<Parameters<typeof preflightCheck>[0]> = {}) =>
  preflightCheck({
    alias: alias(),
    candidate: '2',
    versionExists: true,
    freeze: { checked: true, frozen: false, detail: '80 % of the budget left' },
    overrideFreeze: null,
    ...overrides,
  });

describe('preflightCheck', () => {
  it.each([
    { name: 'a clean alias and budget left', overrides: {} },
    {
      name: 'a spent budget with an override',
      overrides: {
        freeze: { checked: true, frozen: true, detail: 'availability budget −20 %' },
        overrideFreeze: 'hotfix for incident 42',
      },
    },
    {
      name: 'a freeze that could not be checked',
      overrides: { freeze: { checked: false, why: 'no SLO report' } },
    },
  ] as const)('proceeds with $name', ({ overrides }) => {
    expect(preflight(overrides)).toEqual({ kind: 'preflight', proceed: true });
  });

  it.each([
    { name: 'nothing else in the way', overrides: {} },
    // A deploy that published no new version during a freeze: the freeze stops traffic moving, and none would.
    {
      name: 'a spent budget',
      overrides: { freeze: { checked: true, frozen: true, detail: 'availability budget −20 %' } },
    },
  ] as const)(
    'ends a candidate that already serves all of live, with $name, as already-live',
    ({ overrides }) => {
      expect(preflight({ alias: alias({ version: '2' }), ...overrides })).toEqual({
        kind: 'preflight',
        proceed: false,
        reason: 'version 2 already serves all of live: nothing to release',
        alreadyLive: true,
      });
    },
  );

  // Nothing to release does not make another reason go away: each still refuses, naming both.
  it.each([
    {
      name: 'live with weights besides it',
      overrides: { alias: alias({ version: '2', weights: { '3': 0.1 } }) },
      reasons: [
        "version 2 is already live's primary version: nothing to release",
        'live routes 10 % to version 3 besides version 2: another release is in flight',
      ],
    },
  ] as const)('refuses a candidate already live with $name', ({ overrides, reasons }) => {
    const observation = preflight(overrides);
    expect(observation).not.toHaveProperty('alreadyLive');
    expect(observation.proceed).toBe(false);
    for (const reason of reasons)
      expect(observation.proceed === false && observation.reason).toContain(reason);
  });

  it.each([
    {
      name: 'live with weights',
      overrides: { alias: alias({ weights: { '3': 0.1 } }) },
      reason:
        'live routes 10 % to version 3 besides version 1: another release is in flight or a shift was left half-done',
    },
    {
      name: 'a candidate that does not exist',
      overrides: { versionExists: false },
      reason: 'version 2 does not exist: publish it first',
    },
    {
      name: 'a spent budget without an override',
      overrides: { freeze: { checked: true, frozen: true, detail: 'availability budget −20 %' } },
      reason:
        'the error budget is spent (availability budget −20 %): release with --override-freeze REASON to go anyway',
    },
  ] as const)('refuses $name', ({ overrides, reason }) => {
    const observation = preflight(overrides);
    expect(observation.proceed).toBe(false);
    expect(observation.proceed === false && observation.reason).toContain(reason);
  });

  it('names every reason at once', () => {
    const observation = preflight({
      alias: alias({ version: '2', weights: { '1': 0.5 } }),
      versionExists: false,
    });
    expect(observation.proceed === false && observation.reason.split('; ')).toHaveLength(3);
  });
});
