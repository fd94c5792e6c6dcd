/**
 * The daemon's control API: HTTP/JSON on 127.0.0.1, one route per Platform method plus the local extras
 * (publish a version, register the scaling target, status, shutdown). It checks the shape of what a client sends
 * and maps errors to statuses: 400 for bad input, 404 for what does not exist, 409 for a conflict (a stale
 * revision, a held lock, a journal append out of turn or without the lock). A client's mistake is never a 500 and changes nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { describeError } from '../../../common/errors.ts';
import { InvalidAliasUpdateError } from '../alias.ts';
import {
  type AliasUpdate,
  JournalConflictError,
  type Platform,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
  RevisionConflictError,
  type ScalingTarget,
  type TimeRange,
} from '../port.ts';
import { NoScalingTargetError, type TargetSettings } from './autoscaler.ts';
import { InvalidFaultError } from './faults.ts';

/** What `status` reports (the CLI prints it as it is). */
export interface PlatformStatus {
  readonly live: { readonly version: string; readonly weights: Readonly<Record<string, number>> } | null;
  readonly versions: Readonly<Record<string, unknown>>;
  readonly [extra: string]: unknown;
}

export interface PublishedVersion {
  readonly version: string;
  readonly url: string;
  readonly faults: string;
}

/** What the routes call: the daemon's state, behind the Platform methods and the local extras. */
export interface PlatformController extends Platform {
  publishVersion(request: { contextDir: string; faults: readonly string[] }): Promise<PublishedVersion>;
  registerScalingTarget(settings: TargetSettings): Promise<ScalingTarget>;
  status(): Promise<PlatformStatus>;
  shutdown(): void;
}

/** A request the API refuses as it is: names the field, the value and what would be accepted. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

/** Something the request names does not exist (a version, the alias before any version, a route). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A route called with a method it does not take. */
export class MethodNotAllowedError extends Error {
  override name = 'MethodNotAllowedError';
}

/** The error body every failed call answers with; `details` carries what the client needs to rebuild it. */
export interface ErrorBody {
  readonly error: { readonly name: string; readonly message: string; readonly details?: unknown };
}

const MAX_BODY_BYTES = 1024 * 1024;

function statusOf(error: unknown): number {
  if (error instanceof BadRequestError || error instanceof InvalidAliasUpdateError) return 400;
  if (error instanceof InvalidFaultError) return 400;
  if (error instanceof NotFoundError || error instanceof NoScalingTargetError) return 404;
  if (error instanceof RevisionConflictError || error instanceof ReleaseLockedError) return 409;
  if (error instanceof JournalConflictError || error instanceof ReleaseLockNotHeldError) return 409;
  if (error instanceof MethodNotAllowedError) return 405;
  return 500;
}

function detailsOf(error: unknown): unknown {
  if (error instanceof RevisionConflictError) {
    const { alias, expectedRevisionId, actualRevisionId } = error;
    return { alias, expectedRevisionId, actualRevisionId };
  }
  if (error instanceof ReleaseLockedError) return { held: error.held, wanted: error.wanted };
  if (error instanceof ReleaseLockNotHeldError) return { releaseId: error.releaseId };
  if (error instanceof JournalConflictError) {
    return { expectedSequence: error.expectedSequence, actualNextSequence: error.actualNextSequence };
  }
  return undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
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

function rangeOf(url: URL): TimeRange {
  const range = { start: dateParam(url, 'start'), end: dateParam(url, 'end') };
  if (!(range.start < range.end)) {
    throw new BadRequestError(
      `range ${range.start.toISOString()}..${range.end.toISOString()} is empty: send start before end`,
    );
  }
  return range;
}

function suspendedStateOf(body: Record<string, unknown>): ScalingTarget {
  const state = body.suspendedState;
  const flags = ['dynamicScalingInSuspended', 'dynamicScalingOutSuspended', 'scheduledScalingSuspended'];
  if (!isRecord(state) || !flags.every((flag) => typeof state[flag] === 'boolean')) {
    throw new BadRequestError(
      `suspendedState is ${JSON.stringify(state)}: send the ScalingTarget suspendScaling returned (${flags.join(', ')} as booleans)`,
    );
  }
  return body as unknown as ScalingTarget;
}

type Handler = (url: URL, body: () => Promise<unknown>, params: readonly string[]) => Promise<unknown>;

function routes(controller: PlatformController): [string, RegExp, Handler][] {
  const { releaseRecord: record } = controller;
  return [
    ['GET', /^\/alias$/, () => controller.readAlias()],
    ['PUT', /^\/alias$/, async (_, body) => controller.updateAlias((await body()) as AliasUpdate)],
    [
      'GET',
      /^\/provisioned-concurrency\/([^/]+)$/,
      (_, __, [q]) => controller.provisionedConcurrency(q as string),
    ],
    [
      'PUT',
      /^\/provisioned-concurrency\/([^/]+)$/,
      async (_, body, [q]) => {
        const { executions } = objectBody(await body(), '{"executions": N}');
        return controller.putProvisionedConcurrency(q as string, wholeNumber(executions, 'executions', 1));
      },
    ],
    [
      'DELETE',
      /^\/provisioned-concurrency\/([^/]+)$/,
      async (_, __, [q]) => {
        await controller.removeProvisionedConcurrency(q as string);
        return null;
      },
    ],
    ['GET', /^\/scaling-target$/, () => controller.scalingTarget()],
    [
      'PUT',
      /^\/scaling-target$/,
      async (_, body) => {
        const settings = objectBody(await body(), '{"minCapacity", "maxCapacity", "targetUtilization"}');
        const targetUtilization = settings.targetUtilization;
        if (typeof targetUtilization !== 'number' || !(targetUtilization > 0 && targetUtilization < 1)) {
          throw new BadRequestError(
            `targetUtilization is ${JSON.stringify(targetUtilization)}: send 0 < t < 1`,
          );
        }
        return controller.registerScalingTarget({
          minCapacity: wholeNumber(settings.minCapacity, 'minCapacity', 0),
          maxCapacity: wholeNumber(settings.maxCapacity, 'maxCapacity', 1),
          targetUtilization,
        });
      },
    ],
    ['POST', /^\/scaling-target\/suspend$/, () => controller.suspendScaling()],
    [
      'POST',
      /^\/scaling-target\/resume$/,
      async (_, body) => {
        await controller.resumeScaling(suspendedStateOf(objectBody(await body(), 'a ScalingTarget')));
        return null;
      },
    ],
    [
      'GET',
      /^\/versions\/([^/]+)\/metrics$/,
      (url, __, [v]) => controller.versionMetrics(v as string, rangeOf(url)),
    ],
    [
      'POST',
      /^\/versions$/,
      async (_, body) => {
        const request = objectBody(await body(), '{"contextDir": "...", "faults": ["slow=100ms", ...]}');
        const faults = request.faults ?? [];
        if (!Array.isArray(faults) || !faults.every((fault) => typeof fault === 'string')) {
          throw new BadRequestError(`faults is ${JSON.stringify(faults)}: send an array of fault specs`);
        }
        return controller.publishVersion({ contextDir: text(request, 'contextDir'), faults });
      },
    ],
    ['GET', /^\/status$/, () => controller.status()],
    [
      'POST',
      /^\/shutdown$/,
      async () => {
        setImmediate(() => controller.shutdown());
        return { stopping: true };
      },
    ],
    ['GET', /^\/record\/lock$/, () => record.currentLock()],
    [
      'POST',
      /^\/record\/lock$/,
      async (_, body) => {
        const request = objectBody(await body(), '{"releaseId", "holder"}');
        return record.acquireLock(text(request, 'releaseId'), text(request, 'holder'));
      },
    ],
    [
      'DELETE',
      /^\/record\/lock$/,
      async (url) => {
        const releaseId = url.searchParams.get('releaseId');
        if (releaseId === null || releaseId === '') {
          throw new BadRequestError(
            'query parameter releaseId is missing: name the release freeing the lock',
          );
        }
        await record.releaseLock(releaseId);
        return null;
      },
    ],
    [
      'POST',
      /^\/record\/journal$/,
      async (_, body) => {
        const request = objectBody(
          await body(),
          '{"entry": {"releaseId", "type", "data"}, "expectedSequence"}',
        );
        const entry = objectBody(request.entry, 'an entry {"releaseId", "type", "data"}');
        return record.append(
          { releaseId: text(entry, 'releaseId'), type: text(entry, 'type'), data: entry.data ?? null },
          wholeNumber(request.expectedSequence, 'expectedSequence', 1),
        );
      },
    ],
    ['GET', /^\/record\/journal$/, (url) => record.journal(url.searchParams.get('releaseId') ?? undefined)],
  ];
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body ?? null));
}

/** The control API's server (not yet listening). `log` gets every 500, which is the daemon's fault. */
export function createControlApi(controller: PlatformController, log: (line: string) => void): Server {
  const table = routes(controller);
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    const handle = async () => {
      const matches = table.map(([method, path, handler]) => ({
        method,
        handler,
        match: path.exec(url.pathname),
      }));
      const onPath = matches.filter((m) => m.match !== null);
      const route = onPath.find((m) => m.method === request.method);
      if (route === undefined || route.match === null) {
        const allowed = onPath.map((m) => m.method).join(', ');
        throw onPath.length === 0
          ? new NotFoundError(
              `no route ${url.pathname}: see platform/src/local/control-api.ts for the routes`,
            )
          : new MethodNotAllowedError(`${request.method} ${url.pathname} is not a route: use ${allowed}`);
      }
      const params = route.match.slice(1).map((param) => {
        try {
          return decodeURIComponent(param);
        } catch {
          throw new BadRequestError(`${url.pathname}: "${param}" is not URI-encoded: encode the qualifier`);
        }
      });
      return route.handler(url, () => readJson(request), params);
    };
    handle().then(
      (result) => reply(response, 200, result),
      (error: unknown) => {
        const status = statusOf(error);
        if (status === 500)
          log(`control API: ${request.method} ${url.pathname} failed: ${describeError(error)}`);
        const name = error instanceof Error ? error.name : 'Error';
        const body: ErrorBody = { error: { name, message: describeError(error), details: detailsOf(error) } };
        reply(response, status, body);
      },
    );
  });
}
