/**
 * The daemon's control API: HTTP/JSON on 127.0.0.1, one route per Platform method plus the local extras
 * (publish a version, register the scaling target, status, shutdown). What a client sends is checked by
 * control-api-requests.ts before it reaches the controller; this file routes and maps errors to statuses: 400 for
 * bad input, 404 for what does not exist, 409 for a conflict (a stale revision, a PC rule Lambda enforces, a held
 * lock, a journal append out of turn or without the lock). A client's mistake is never a 500 and changes nothing.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { describeError } from '../../../common/errors.ts';
import { InvalidAliasUpdateError } from '../alias.ts';
import {
  JournalConflictError,
  type Platform,
  ProvisionedConcurrencyConflictError,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
  RevisionConflictError,
  type ScalingTarget,
} from '../port.ts';
import { NoScalingTargetError, type TargetSettings } from './autoscaler.ts';
import {
  aliasUpdateOf,
  appendRequestOf,
  BadRequestError,
  executionsOf,
  lockRequestOf,
  metricsQueryOf,
  previousTargetOf,
  publishRequestOf,
  readJson,
  releasingIdOf,
  targetSettingsOf,
} from './control-api-requests.ts';
import { InvalidFaultError } from './faults.ts';
import type { DaemonIdentity } from './local-platform.ts';

export { BadRequestError };

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

function statusOf(error: unknown): number {
  if (error instanceof BadRequestError || error instanceof InvalidAliasUpdateError) return 400;
  if (error instanceof InvalidFaultError) return 400;
  if (error instanceof NotFoundError || error instanceof NoScalingTargetError) return 404;
  if (error instanceof RevisionConflictError || error instanceof ReleaseLockedError) return 409;
  if (error instanceof JournalConflictError || error instanceof ReleaseLockNotHeldError) return 409;
  if (error instanceof ProvisionedConcurrencyConflictError) return 409;
  if (error instanceof MethodNotAllowedError) return 405;
  return 500;
}

function detailsOf(error: unknown): unknown {
  if (error instanceof RevisionConflictError) {
    const { alias, expectedRevisionId, actualRevisionId } = error;
    return { alias, expectedRevisionId, actualRevisionId };
  }
  if (error instanceof ReleaseLockedError) {
    return { held: error.held, wanted: error.wanted, operation: error.operation };
  }
  if (error instanceof ReleaseLockNotHeldError) return { releaseId: error.releaseId };
  if (error instanceof ProvisionedConcurrencyConflictError) {
    return { qualifier: error.qualifier, reason: error.reason };
  }
  if (error instanceof JournalConflictError) {
    return { expectedSequence: error.expectedSequence, actualNextSequence: error.actualNextSequence };
  }
  return undefined;
}

type Handler = (url: URL, body: () => Promise<unknown>, params: readonly string[]) => Promise<unknown>;

function routes(controller: PlatformController, identity: DaemonIdentity): [string, RegExp, Handler][] {
  const { releaseRecord: record } = controller;
  const nothing = async (done: Promise<void>) => {
    await done;
    return null;
  };
  return [
    ['GET', /^\/identity$/, async () => identity],
    ['GET', /^\/alias$/, () => controller.readAlias()],
    ['GET', /^\/live-url$/, async () => ({ url: await controller.liveUrl() })],
    [
      'GET',
      /^\/versions\/([^/]+)\/exists$/,
      async (_, __, [v]) => ({ exists: await controller.versionExists(v as string) }),
    ],
    [
      'GET',
      /^\/versions\/([^/]+)\/url$/,
      async (_, __, [v]) => ({ url: await controller.versionUrl(v as string) }),
    ],
    ['PUT', /^\/alias$/, async (_, body) => controller.updateAlias(aliasUpdateOf(await body()))],
    [
      'GET',
      /^\/provisioned-concurrency\/([^/]+)$/,
      (_, __, [q]) => controller.provisionedConcurrency(q as string),
    ],
    [
      'PUT',
      /^\/provisioned-concurrency\/([^/]+)$/,
      async (_, body, [q]) => controller.putProvisionedConcurrency(q as string, executionsOf(await body())),
    ],
    [
      'DELETE',
      /^\/provisioned-concurrency\/([^/]+)$/,
      (_, __, [q]) => nothing(controller.removeProvisionedConcurrency(q as string)),
    ],
    ['GET', /^\/scaling-target$/, () => controller.scalingTarget()],
    [
      'PUT',
      /^\/scaling-target$/,
      async (_, body) => controller.registerScalingTarget(targetSettingsOf(await body())),
    ],
    ['POST', /^\/scaling-target\/suspend$/, () => controller.suspendScaling()],
    [
      'POST',
      /^\/scaling-target\/resume$/,
      async (_, body) => nothing(controller.resumeScaling(previousTargetOf(await body()))),
    ],
    [
      'GET',
      /^\/versions\/([^/]+)\/metrics$/,
      (url, __, [v]) => {
        const { range, via } = metricsQueryOf(url);
        return controller.versionMetrics(v as string, range, via);
      },
    ],
    ['POST', /^\/versions$/, async (_, body) => controller.publishVersion(publishRequestOf(await body()))],
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
        const { releaseId, holder } = lockRequestOf(await body());
        return record.acquireLock(releaseId, holder);
      },
    ],
    ['DELETE', /^\/record\/lock$/, (url) => nothing(record.releaseLock(releasingIdOf(url)))],
    [
      'POST',
      /^\/record\/journal$/,
      async (_, body) => {
        const { entry, expectedSequence } = appendRequestOf(await body());
        return record.append(entry, expectedSequence);
      },
    ],
    ['GET', /^\/record\/journal$/, (url) => record.journal(url.searchParams.get('releaseId') ?? undefined)],
  ];
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body ?? null));
}

/**
 * The control API's server (not yet listening). `log` gets every 500, which is the daemon's fault. GET /identity
 * answers `identity`, so a client tells this daemon from whatever else may answer at a port daemon.json names.
 */
export function createControlApi(
  controller: PlatformController,
  log: (line: string) => void,
  identity: DaemonIdentity,
): Server {
  const table = routes(controller, identity);
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
