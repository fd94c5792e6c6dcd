/**
 * The release journal, pure: typed entries for the store's append, and the replay that tells where a release
 * stands from its entries alone (what resume, abort and status start from). A journal is JSON read back from a
 * file or DynamoDB, so replay checks the shape of everything it reads and names the entry and the field that is
 * wrong.
 */
import { z } from 'zod';
import type { JournalEntry, ScalingTarget } from '../../platform/src/port.ts';
import {
  type JournalData,
  type JournalType,
  OUTCOMES,
  type ReleaseStarted,
  type ReleaseState,
} from './model.ts';
import { validatePlan } from './plan.ts';

/** An entry as the store's append takes it. */
export function entry<T extends JournalType>(
  releaseId: string,
  type: T,
  data: JournalData[T],
): { releaseId: string; type: T; data: JournalData[T] } {
  return { releaseId, type, data };
}

const count = z.number().int().nonnegative();
const nullableNumber = z.number().nullable();
/** A Date in memory, an ISO string once it went through JSON. */
const time = z.union([z.string(), z.date()]);

const scalingTarget: z.ZodType<ScalingTarget> = z.object({
  qualifier: z.string(),
  minCapacity: count,
  maxCapacity: count,
  targetUtilization: z.number(),
  suspendedState: z.object({
    dynamicScalingInSuspended: z.boolean(),
    dynamicScalingOutSuspended: z.boolean(),
    scheduledScalingSuspended: z.boolean(),
  }),
});

const step = z.object({ step: count });
const releaseState: z.ZodType<ReleaseState> = z.discriminatedUnion('name', [
  z.object({ name: z.literal('preflight') }),
  step.extend({ name: z.literal('warm') }),
  z.object({ name: z.literal('pretraffic') }),
  z.object({ name: z.literal('drift') }),
  step.extend({ name: z.literal('shift') }),
  z.object({ name: z.literal('promote') }),
  z.object({ name: z.literal('watch') }),
  z.object({
    name: z.literal('rollback'),
    outcome: z.enum(['rolled-back', 'stopped-before-traffic']),
    reason: z.string(),
  }),
  z.object({ name: z.literal('revert'), reason: z.string() }),
  z.object({ name: z.literal('done'), outcome: z.enum(OUTCOMES), reasons: z.array(z.string()) }),
]);

/** The plan's rules live in plan.ts: its validatePlan names every problem, quoted here as one issue. */
const plan = z.unknown().superRefine((value, context) => {
  try {
    validatePlan(value as ReleaseStarted['plan']);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const started = z.object({
  releaseId: z.string().min(1),
  functionName: z.string().min(1),
  candidate: z.string().min(1),
  stable: z.string().min(1),
  plan,
  livePc: count,
  modelChange: z.boolean(),
  overrideFreeze: z.string().nullable(),
  holder: z.string(),
  startedAt: z.string(),
  rollback: z.object({ reason: z.string() }).optional(),
});

const versionMetrics = z.looseObject({
  version: z.string(),
  range: z.object({ start: time, end: time }),
  invocations: count,
  errors: count,
  throttles: count,
  provisionedConcurrencySpilloverInvocations: count,
  durationP50Ms: nullableNumber,
  durationP95Ms: nullableNumber,
  app: z.looseObject({
    requests2xx: count,
    requests4xx: count,
    requests5xx: count,
    latencyP50Ms: nullableNumber,
    latencyP95Ms: nullableNumber,
  }),
});

const check = z.looseObject({ name: z.string(), passed: z.boolean(), reason: z.string().nullable() });

/** A negative outcome says why. */
const saysWhy = <T extends z.ZodObject>(schema: T, flag: string) =>
  schema.refine((value) => value[flag] === true || typeof value.reason === 'string', {
    message: `a ${flag} = false observation names its reason`,
    path: ['reason'],
  });

const observation = z.discriminatedUnion('kind', [
  saysWhy(
    z.object({
      kind: z.literal('preflight'),
      proceed: z.boolean(),
      reason: z.string().optional(),
      alreadyLive: z.literal(true).optional(),
    }),
    'proceed',
  ),
  saysWhy(z.object({ kind: z.literal('warm'), ready: z.boolean(), reason: z.string().optional() }), 'ready'),
  z.object({
    kind: z.literal('pretraffic'),
    verdict: z.looseObject({ passed: z.boolean(), checks: z.array(check) }),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('drift'),
    report: z.looseObject({
      compared: count,
      unanswered: count,
      tolerance: z.number(),
      maxRelativeDrift: nullableNumber,
      beyondTolerance: count,
      // mismatch is optional: journals written before it carry none.
      worst: z.array(
        z.looseObject({
          index: count,
          relativeDrift: nullableNumber,
          mismatch: z.string().nullable().optional(),
        }),
      ),
      withinTolerance: z.boolean(),
      modelChange: z.boolean(),
      passed: z.boolean(),
    }),
  }),
  z.object({
    kind: z.literal('bake'),
    verdict: z.looseObject({
      decision: z.enum(['pass', 'fail', 'keep-baking']),
      checks: z.array(check.extend({ against: z.enum(['slo', 'stable', 'evidence', 'alarm']) })),
      reasons: z.array(z.string()),
      elapsedMs: z.number(),
      candidate: versionMetrics,
      stable: versionMetrics.nullable(),
      spilloverShare: nullableNumber,
    }),
  }),
  saysWhy(z.object({ kind: z.literal('promote'), done: z.boolean(), reason: z.string().optional() }), 'done'),
  z.object({ kind: z.literal('rollback'), done: z.literal(true) }),
  saysWhy(z.object({ kind: z.literal('revert'), done: z.boolean(), reason: z.string().optional() }), 'done'),
]);

const freeze = z.union([
  z.object({ checked: z.literal(false), why: z.string() }),
  z.object({ checked: z.literal(true), frozen: z.boolean(), detail: z.string() }),
]);

/** Every entry type's data; the keys are JournalType's, so a new type without a schema does not compile. */
const DATA: { readonly [T in JournalType]: z.ZodType } = {
  started,
  state: z.object({ state: releaseState }),
  'scaling-saved': z.object({ previous: scalingTarget.nullable() }),
  'pc-change': z.object({ qualifier: z.string().min(1), executions: z.number().int().positive().nullable() }),
  'scaling-change': z.object({ change: z.enum(['suspend', 'resume']) }),
  'alias-update': z.object({ version: z.string().min(1), weights: z.record(z.string(), z.number()) }),
  'exposure-tail': z.object({ candidate: versionMetrics }),
  observed: z.object({ state: releaseState, observation, freeze: freeze.optional() }),
  'abort-requested': z.object({ reason: z.string(), by: z.string() }),
  finished: z.object({ outcome: z.enum(OUTCOMES), reasons: z.array(z.string()) }),
};
export const JOURNAL_TYPES = Object.keys(DATA) as JournalType[];

const isJournalType = (type: string): type is JournalType => Object.hasOwn(DATA, type);

function malformed(entry: JournalEntry, field: string, problem: string): Error {
  return new Error(
    `journal entry ${entry.sequence} (${entry.type}) of release ${entry.releaseId} is malformed: ${field} ${problem}`,
  );
}

/** The data of an entry of `type`, its shape checked; null for an entry of another type. */
export function dataOf<T extends JournalType>(journalEntry: JournalEntry, type: T): JournalData[T] | null {
  if (journalEntry.type !== type) return null;
  const parsed = DATA[type].safeParse(journalEntry.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['data', ...(issue?.path ?? [])].join('.');
    throw malformed(journalEntry, path, `is wrong: ${issue?.message ?? 'unknown problem'}`);
  }
  // The entry's own data, not zod's copy: a checked shape keeps every field it was written with.
  return journalEntry.data as JournalData[T];
}

function checkEnvelope(journalEntry: JournalEntry, previous: number): void {
  const { sequence, releaseId, type, at } = journalEntry as unknown as Record<string, unknown>;
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence <= previous) {
    throw malformed(
      journalEntry,
      'sequence',
      `is ${JSON.stringify(sequence)}: expected a whole number after ${previous}`,
    );
  }
  if (typeof releaseId !== 'string' || releaseId === '') {
    throw malformed(journalEntry, 'releaseId', `is ${JSON.stringify(releaseId)}: expected the release's id`);
  }
  if (typeof at !== 'string')
    throw malformed(journalEntry, 'at', `is ${JSON.stringify(at)}: expected an ISO time`);
  if (typeof type !== 'string' || !isJournalType(type)) {
    throw malformed(
      journalEntry,
      'type',
      `is ${JSON.stringify(type)}: expected one of ${JOURNAL_TYPES.join(', ')}`,
    );
  }
}

/** The candidate's share of live after an alias update: its weight, or 1 once it is the primary. */
export function candidateWeightOf(update: JournalData['alias-update'], candidate: string): number {
  return update.version === candidate ? 1 : (update.weights[candidate] ?? 0);
}

/** Where a release stands, from its journal alone. */
export interface ReleaseProgress {
  readonly started: ReleaseStarted;
  /** The last recorded state: the one to re-enter (every state's action is idempotent). */
  readonly state: ReleaseState;
  /** live's scalable target as the release first found it, once saved: what is restored. */
  readonly scaling:
    | { readonly saved: true; readonly previous: ScalingTarget | null }
    | { readonly saved: false };
  /** Whether any alias update gave the candidate a weight or made it the primary. */
  readonly candidateHadTraffic: boolean;
  /** The candidate's highest share of live over every alias update (1 once it was the primary). */
  readonly maxCandidateWeight: number;
  /** The first abort asked for; a second one changes nothing. */
  readonly abort: JournalData['abort-requested'] | null;
  readonly finished: JournalData['finished'] | null;
  /** The sequence the release's next append expects. */
  readonly nextSequence: number;
  readonly entries: readonly JournalEntry[];
}

/**
 * Replays one release's entries (filter the store's journal by releaseId first); null for an empty journal.
 * Throws naming the entry and the field when an entry is malformed, out of order, another release's, or when the
 * journal does not start with `started`.
 */
export function replay(entries: readonly JournalEntry[]): ReleaseProgress | null {
  const first = entries[0];
  if (first === undefined) return null;
  checkEnvelope(first, 0);
  const start = dataOf(first, 'started');
  if (start === null) {
    throw malformed(first, 'type', `is ${first.type}: a release's journal starts with its started entry`);
  }
  // A run cut off before it recorded its first state re-enters the first one: a rollback run has only revert.
  let state: ReleaseState =
    start.rollback === undefined ? { name: 'preflight' } : { name: 'revert', reason: start.rollback.reason };
  let scaling: ReleaseProgress['scaling'] = { saved: false };
  let maxCandidateWeight = 0;
  let abort: ReleaseProgress['abort'] = null;
  let finished: ReleaseProgress['finished'] = null;
  let previous = first.sequence;
  for (const current of entries.slice(1)) {
    checkEnvelope(current, previous);
    previous = current.sequence;
    if (current.releaseId !== start.releaseId) {
      throw malformed(
        current,
        'releaseId',
        `is ${current.releaseId}, not ${start.releaseId}: replay one release's entries (filter by releaseId)`,
      );
    }
    const type = current.type as JournalType;
    switch (type) {
      case 'started':
        throw malformed(current, 'type', `is started again: a release starts once`);
      case 'state':
        state = (dataOf(current, 'state') as JournalData['state']).state;
        break;
      case 'scaling-saved': {
        // Only the first save is the target as the release found it; a later one (after a resume) would be the
        // suspended target the release itself made.
        const saved = dataOf(current, 'scaling-saved') as JournalData['scaling-saved'];
        if (!scaling.saved) scaling = { saved: true, previous: saved.previous };
        break;
      }
      case 'alias-update': {
        const update = dataOf(current, 'alias-update') as JournalData['alias-update'];
        maxCandidateWeight = Math.max(maxCandidateWeight, candidateWeightOf(update, start.candidate));
        break;
      }
      case 'observed':
      case 'exposure-tail':
      case 'pc-change':
      case 'scaling-change':
        dataOf(current, type);
        break;
      case 'abort-requested':
        abort ??= dataOf(current, 'abort-requested');
        break;
      case 'finished':
        finished = dataOf(current, 'finished');
        break;
    }
  }
  return {
    started: start,
    state,
    scaling,
    candidateHadTraffic: maxCandidateWeight > 0,
    maxCandidateWeight,
    abort,
    finished,
    nextSequence: previous + 1,
    entries,
  };
}
