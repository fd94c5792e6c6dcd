/**
 * LocalPlatform: the Platform port over the local daemon's control API. Every call is one HTTP request; the
 * daemon holds the state, so a client that dies (a killed release) loses nothing. A 409 comes back as the port's
 * own error class (RevisionConflictError, ProvisionedConcurrencyConflictError, ReleaseLockedError,
 * ReleaseLockNotHeldError, JournalConflictError), so a release handles a local conflict exactly as an AWS one;
 * anything else the daemon refuses is a LocalPlatformError naming why.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../../common/errors.ts';
import {
  type AliasState,
  type AliasUpdate,
  JournalConflictError,
  type JournalEntry,
  type LockedOperation,
  type MetricsVia,
  type Platform,
  type ProvisionedConcurrency,
  ProvisionedConcurrencyConflictError,
  type ReleaseLock,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
  type ReleaseRecordStore,
  RevisionConflictError,
  type ScalingTarget,
  type TimeRange,
  type VersionMetrics,
} from '../port.ts';
import type { TargetSettings } from './autoscaler.ts';
import type { ErrorBody, PlatformStatus, PublishedVersion } from './control-api.ts';

/** What DIR/daemon.json says: how a client finds the daemon (which writes it once it answers). */
export interface DaemonInfo {
  readonly pid: number;
  readonly controlUrl: string;
  readonly liveUrl: string;
  /**
   * Random per daemon, and what GET /identity answers: a control URL answering with another token is not this
   * daemon (its port was reused), so nothing is asked of it or signalled on its word. A file without one (an
   * older daemon's) is trusted on /proc's word alone (daemon-process.ts).
   */
  readonly token?: string;
}

/** What the control API's GET /identity answers. */
export interface DaemonIdentity {
  readonly pid: number;
  readonly token: string;
  readonly stateDir: string;
}

/**
 * How long a control call may take before the client gives up: a daemon that is stopped (SIGSTOP) or hung must
 * not hang every command. Publishing copies a whole image context read-only and checks it: much longer.
 */
export const CONTROL_TIMEOUT_MS = 10_000;
export const PUBLISH_TIMEOUT_MS = 300_000;

export const daemonInfoFile = (stateDir: string) => join(stateDir, 'daemon.json');
/** Where the daemon's own output goes (the CLI points its stdout and stderr there). */
export const daemonLogFile = (stateDir: string) => join(stateDir, 'daemon.log');

/** The daemon refused a call (bad input, something missing) or could not be reached. */
export class LocalPlatformError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when the daemon did not answer. */
    readonly status: number | null,
    /** The daemon's error name (InvalidAliasUpdateError, NotFoundError...). */
    readonly errorName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LocalPlatformError';
  }
}

function portError(body: ErrorBody): Error | null {
  const { name, details } = body.error;
  const d = (details ?? {}) as Record<string, unknown>;
  if (name === 'RevisionConflictError') {
    return new RevisionConflictError(
      String(d.alias),
      String(d.expectedRevisionId),
      String(d.actualRevisionId),
    );
  }
  if (name === 'ReleaseLockedError') {
    return new ReleaseLockedError(d.held as ReleaseLock, String(d.wanted), d.operation as LockedOperation);
  }
  if (name === 'ReleaseLockNotHeldError') return new ReleaseLockNotHeldError(String(d.releaseId));
  if (name === 'ProvisionedConcurrencyConflictError') {
    return new ProvisionedConcurrencyConflictError(String(d.qualifier), String(d.reason));
  }
  if (name === 'JournalConflictError') {
    return new JournalConflictError(Number(d.expectedSequence), Number(d.actualNextSequence));
  }
  return null;
}

export class LocalPlatform implements Platform {
  readonly controlUrl: string;
  readonly releaseRecord: ReleaseRecordStore;

  readonly #timeoutMs: number;

  constructor(controlUrl: string, options: { readonly timeoutMs?: number } = {}) {
    this.controlUrl = controlUrl.replace(/\/$/, '');
    this.#timeoutMs = options.timeoutMs ?? CONTROL_TIMEOUT_MS;
    this.releaseRecord = {
      acquireLock: (releaseId, holder) =>
        this.#call<ReleaseLock>('POST', '/record/lock', { releaseId, holder }),
      releaseLock: async (releaseId) => {
        await this.#call('DELETE', `/record/lock?releaseId=${encodeURIComponent(releaseId)}`);
      },
      currentLock: () => this.#call<ReleaseLock | null>('GET', '/record/lock'),
      append: (entry, expectedSequence) =>
        this.#call<JournalEntry>('POST', '/record/journal', { entry, expectedSequence }),
      journal: (releaseId) =>
        this.#call<JournalEntry[]>(
          'GET',
          `/record/journal${releaseId === undefined ? '' : `?releaseId=${encodeURIComponent(releaseId)}`}`,
        ),
    };
  }

  /** The platform whose daemon runs for `stateDir` (its daemon.json); a clear error when none does. */
  static async connect(stateDir: string): Promise<LocalPlatform> {
    return new LocalPlatform((await readDaemonInfo(stateDir)).controlUrl);
  }

  readAlias(): Promise<AliasState> {
    return this.#call('GET', '/alias');
  }

  updateAlias(update: AliasUpdate): Promise<AliasState> {
    return this.#call('PUT', '/alias', update);
  }

  async liveUrl(): Promise<string> {
    return (await this.#call<{ url: string }>('GET', '/live-url')).url;
  }

  async versionExists(version: string): Promise<boolean> {
    return (await this.#call<{ exists: boolean }>('GET', `/versions/${encodeURIComponent(version)}/exists`))
      .exists;
  }

  async versionUrl(version: string): Promise<string> {
    return (await this.#call<{ url: string }>('GET', `/versions/${encodeURIComponent(version)}/url`)).url;
  }

  putProvisionedConcurrency(qualifier: string, executions: number): Promise<ProvisionedConcurrency> {
    return this.#call('PUT', `/provisioned-concurrency/${encodeURIComponent(qualifier)}`, { executions });
  }

  provisionedConcurrency(qualifier: string): Promise<ProvisionedConcurrency | null> {
    return this.#call('GET', `/provisioned-concurrency/${encodeURIComponent(qualifier)}`);
  }

  async removeProvisionedConcurrency(qualifier: string): Promise<void> {
    await this.#call('DELETE', `/provisioned-concurrency/${encodeURIComponent(qualifier)}`);
  }

  scalingTarget(): Promise<ScalingTarget | null> {
    return this.#call('GET', '/scaling-target');
  }

  suspendScaling(): Promise<ScalingTarget> {
    return this.#call('POST', '/scaling-target/suspend');
  }

  async resumeScaling(previous: ScalingTarget): Promise<void> {
    await this.#call('POST', '/scaling-target/resume', previous);
  }

  async versionMetrics(version: string, range: TimeRange, via: MetricsVia): Promise<VersionMetrics> {
    const query = new URLSearchParams({
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      via,
    });
    const metrics = await this.#call<VersionMetrics>(
      'GET',
      `/versions/${encodeURIComponent(version)}/metrics?${query}`,
    );
    // JSON carries the range as strings; the port's is Dates.
    return { ...metrics, range: { start: new Date(metrics.range.start), end: new Date(metrics.range.end) } };
  }

  /** Local only: publishes `contextDir` (an image context) as the next version, with no traffic. */
  publishVersion(contextDir: string, faults: readonly string[] = []): Promise<PublishedVersion> {
    return this.#call(
      'POST',
      '/versions',
      { contextDir, faults },
      Math.max(this.#timeoutMs, PUBLISH_TIMEOUT_MS),
    );
  }

  /** Local only: who answers at this control URL (compare its token with daemon.json's). */
  identity(): Promise<DaemonIdentity> {
    return this.#call('GET', '/identity');
  }

  /** Local only: RegisterScalableTarget plus the target-tracking policy on `live`. */
  registerScalingTarget(settings: TargetSettings): Promise<ScalingTarget> {
    return this.#call('PUT', '/scaling-target', settings);
  }

  status(): Promise<PlatformStatus> {
    return this.#call('GET', '/status');
  }

  /** Asks the daemon to stop every environment and exit; returns once it has accepted. */
  async shutdown(): Promise<void> {
    await this.#call('POST', '/shutdown');
  }

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = this.#timeoutMs): Promise<T> {
    // One signal for the whole exchange: the answer's body is read under the same deadline as its headers.
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = (error: unknown) =>
      new LocalPlatformError(
        `the local platform at ${this.controlUrl} did not answer ${method} ${path} within ${timeoutMs / 1000} s: ` +
          'its daemon is stopped or hung; npm run platform:local -- stop ends it',
        null,
        'Timeout',
        { cause: error },
      );
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.controlUrl}${path}`, {
        method,
        signal,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    } catch (error) {
      if (signal.aborted) throw timedOut(error);
      throw new LocalPlatformError(
        `no local platform answers at ${this.controlUrl} (${method} ${path}): start one with ` +
          'npm run platform:local -- start',
        null,
        'Unreachable',
        { cause: error },
      );
    }
    try {
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw timedOut(error);
      throw new LocalPlatformError(
        `${method} ${path}: the daemon at ${this.controlUrl} broke off its answer`,
        response.status,
        'BadResponse',
        { cause: error },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new LocalPlatformError(
        `${method} ${path}: the daemon answered ${response.status} with non-JSON "${text.slice(0, 200)}"`,
        response.status,
        'BadResponse',
        { cause: error },
      );
    }
    if (response.ok) return parsed as T;
    const failure = parsed as ErrorBody;
    const name = failure?.error?.name ?? 'Error';
    throw (
      portError(failure) ??
      new LocalPlatformError(
        `${method} ${path}: ${failure?.error?.message ?? text} (${response.status} ${name})`,
        response.status,
        name,
      )
    );
  }
}

/** DIR/daemon.json, or an error saying no platform runs there. */
export async function readDaemonInfo(stateDir: string): Promise<DaemonInfo> {
  const file = daemonInfoFile(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LocalPlatformError(
      `no local platform runs for ${stateDir} (${file} is missing): start one with npm run platform:local -- start`,
      null,
      'NotRunning',
      { cause: error },
    );
  }
  const corrupt = (what: string, cause?: unknown) =>
    new LocalPlatformError(
      `${file} ${what}: stop the platform's daemon by hand (ps -ef | grep 'daemon.ts --state-dir ${stateDir}', ` +
        'then kill its pid) and delete the file',
      null,
      'Corrupt',
      cause === undefined ? undefined : { cause },
    );
  let info: Partial<Record<keyof DaemonInfo, unknown>>;
  try {
    info = JSON.parse(text);
  } catch (error) {
    throw corrupt(`is not JSON (${describeError(error)})`, error);
  }
  const { pid, controlUrl, liveUrl, token } = info ?? {};
  if (
    !(Number.isInteger(pid) && (pid as number) > 0) ||
    typeof controlUrl !== 'string' ||
    typeof liveUrl !== 'string' ||
    !(token === undefined || typeof token === 'string')
  ) {
    throw corrupt(`is not a daemon's record {pid, controlUrl, liveUrl, token}: ${text.slice(0, 200)}`);
  }
  return { pid: pid as number, controlUrl, liveUrl, ...(token === undefined ? {} : { token }) };
}
