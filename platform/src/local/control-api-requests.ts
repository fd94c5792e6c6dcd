/**
 * What a client may send the control API, checked before anything reaches the controller: each function reads
 * one request's body or query and returns the plain values a Platform method takes, or throws a BadRequestError
 * naming the field, the value and what would be accepted. Nothing here knows a route or the daemon's state, so
 * a client's mistake is refused the same way whichever route it reached.
 */
import type { IncomingMessage } from 'node:http';
import { describeError } from '../../../common/errors.ts';
import type { AliasUpdate, MetricsVia, ScalingTarget, TimeRange } from '../port.ts';
import type { TargetSettings } from './autoscaler.ts';

/** A request the API refuses as it is: names the field, the value and what would be accepted. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The request's JSON body; undefined when it has none. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new BadRequestError(`request body over ${MAX_BODY_BYTES} bytes: send less`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`request body is not JSON (${describeError(error)}): send a JSON object`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function objectBody(body: unknown, expected: string): Record<string, unknown> {
  if (!isRecord(body)) throw new BadRequestError(`request body is ${JSON.stringify(body)}: send ${expected}`);
  return body;
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new BadRequestError(`${field} is ${JSON.stringify(value)}: send a non-empty string`);
  }
  return value;
}

function wholeNumber(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new BadRequestError(`${field} is ${JSON.stringify(value)}: send an integer of at least ${min}`);
  }
  return value;
}

function dateParam(url: URL, name: string): Date {
  const raw = url.searchParams.get(name);
  const date = raw === null ? null : new Date(raw);
  if (date === null || Number.isNaN(date.getTime())) {
    throw new BadRequestError(`query parameter ${name} is ${JSON.stringify(raw)}: send an ISO 8601 time`);
  }
  return date;
}

/** PUT /alias: the shape is the alias module's to judge (InvalidAliasUpdateError names what is wrong). */
export function aliasUpdateOf(body: unknown): AliasUpdate {
  return objectBody(
    body,
    'an alias update {"version", "weights", "expectedRevisionId"}',
  ) as unknown as AliasUpdate;
}

/** PUT /provisioned-concurrency/Q: `{"executions": N}`. */
export function executionsOf(body: unknown): number {
  const { executions } = objectBody(body, '{"executions": N}');
  return wholeNumber(executions, 'executions', 1);
}

/** PUT /scaling-target: RegisterScalableTarget's range plus the policy's target utilization. */
export function targetSettingsOf(body: unknown): TargetSettings {
  const settings = objectBody(body, '{"minCapacity", "maxCapacity", "targetUtilization"}');
  const targetUtilization = settings.targetUtilization;
  if (typeof targetUtilization !== 'number' || !(targetUtilization > 0 && targetUtilization < 1)) {
    throw new BadRequestError(`targetUtilization is ${JSON.stringify(targetUtilization)}: send 0 < t < 1`);
  }
  return {
    minCapacity: wholeNumber(settings.minCapacity, 'minCapacity', 0),
    maxCapacity: wholeNumber(settings.maxCapacity, 'maxCapacity', 1),
    targetUtilization,
  };
}

/** POST /scaling-target/resume: the ScalingTarget suspendScaling returned. */
export function previousTargetOf(body: unknown): ScalingTarget {
  const target = objectBody(body, 'a ScalingTarget');
  const state = target.suspendedState;
  const flags = ['dynamicScalingInSuspended', 'dynamicScalingOutSuspended', 'scheduledScalingSuspended'];
  if (!isRecord(state) || !flags.every((flag) => typeof state[flag] === 'boolean')) {
    throw new BadRequestError(
      `suspendedState is ${JSON.stringify(state)}: send the ScalingTarget suspendScaling returned (${flags.join(', ')} as booleans)`,
    );
  }
  return target as unknown as ScalingTarget;
}

const VIAS: readonly MetricsVia[] = ['live', 'version'];

/** GET /versions/N/metrics?start=…&end=…&via=live|version. */
export function metricsQueryOf(url: URL): { readonly range: TimeRange; readonly via: MetricsVia } {
  const range = { start: dateParam(url, 'start'), end: dateParam(url, 'end') };
  if (!(range.start < range.end)) {
    throw new BadRequestError(
      `range ${range.start.toISOString()}..${range.end.toISOString()} is empty: send start before end`,
    );
  }
  const via = url.searchParams.get('via');
  if (!VIAS.includes(via as MetricsVia)) {
    throw new BadRequestError(
      `query parameter via is ${JSON.stringify(via)}: send ${VIAS.join(' or ')} (through the alias, or the ` +
        "version's own qualifier)",
    );
  }
  return { range, via: via as MetricsVia };
}

/** POST /versions: an image context to publish and its faults. */
export function publishRequestOf(body: unknown): { contextDir: string; faults: readonly string[] } {
  const request = objectBody(body, '{"contextDir": "...", "faults": ["slow=100ms", ...]}');
  const faults = request.faults ?? [];
  if (!Array.isArray(faults) || !faults.every((fault) => typeof fault === 'string')) {
    throw new BadRequestError(`faults is ${JSON.stringify(faults)}: send an array of fault specs`);
  }
  return { contextDir: text(request, 'contextDir'), faults };
}

/** POST /record/lock: who takes the release lock. */
export function lockRequestOf(body: unknown): { releaseId: string; holder: string } {
  const request = objectBody(body, '{"releaseId", "holder"}');
  return { releaseId: text(request, 'releaseId'), holder: text(request, 'holder') };
}

/** DELETE /record/lock?releaseId=…: the release freeing it. */
export function releasingIdOf(url: URL): string {
  const releaseId = url.searchParams.get('releaseId');
  if (releaseId === null || releaseId === '') {
    throw new BadRequestError('query parameter releaseId is missing: name the release freeing the lock');
  }
  return releaseId;
}

/** POST /record/journal: the entry and the sequence it expects to be. */
export function appendRequestOf(body: unknown): {
  entry: { releaseId: string; type: string; data: unknown };
  expectedSequence: number;
} {
  const request = objectBody(body, '{"entry": {"releaseId", "type", "data"}, "expectedSequence"}');
  const entry = objectBody(request.entry, 'an entry {"releaseId", "type", "data"}');
  return {
    entry: { releaseId: text(entry, 'releaseId'), type: text(entry, 'type'), data: entry.data ?? null },
    expectedSequence: wholeNumber(request.expectedSequence, 'expectedSequence', 1),
  };
}
