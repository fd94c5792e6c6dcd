/**
 * The local function's whole state, as the control API sees it: published versions (published-versions.ts, each
 * with its own front), the `live` alias, provisioned concurrency (kept by the pool, under the rules of
 * pc-rules.ts), the scaling target (kept by the autoscaler), metrics, and the release record. Each Platform method
 * is one method here; the daemon (daemon.ts) only adds the process around it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGES } from '../../../infra/config/stages.ts';
import { pickVersion, validateAliasUpdate } from '../alias.ts';
import {
  type AliasState,
  type AliasUpdate,
  LIVE_ALIAS,
  type MetricsVia,
  type ProvisionedConcurrency,
  type ScalingTarget,
  type TimeRange,
  type VersionMetrics,
} from '../port.ts';
import { Autoscaler, type TargetSettings } from './autoscaler.ts';
import {
  BadRequestError,
  NotFoundError,
  type PlatformController,
  type PlatformStatus,
  type PublishedVersion,
} from './control-api.ts';
import { LOCAL_STAGE, startEnvironment } from './environment.ts';
import { describeFaults } from './faults.ts';
import { type Front, startFront } from './front.ts';
import { recordInvocation, versionMetrics, versionTotals } from './lambda-metrics.ts';
import { LiveAlias } from './live-alias.ts';
import { emfMetrics, MetricStore } from './metric-store.ts';
import { type ProvisionedConcurrencyChange, provisionedConcurrencyRefusal } from './pc-rules.ts';
import { EnvironmentPool } from './pool.ts';
import { ProvisionedConcurrencyLimitError } from './provisioned-configs.ts';
import { PublishedVersions } from './published-versions.ts';
import { FileReleaseRecordStore } from './release-record.ts';

/** The stage whose function settings (memory, timeout) the local function copies. */
const FUNCTION_SETTINGS = STAGES.dev;
/** CloudWatch keeps Lambda's metrics far longer; a local platform lives for a rehearsal or a load test. */
const METRIC_RETENTION_MS = 3 * 60 * 60 * 1000;
const EVICTION_SWEEP_MS = 5_000;
/** The image every version's context is laid out for: its final stage's ENV goes to each environment. */
const IMAGE_DOCKERFILE = fileURLToPath(new URL('../../../Dockerfile', import.meta.url));

export interface LocalFunctionOptions {
  readonly stateDir: string;
  /** The bundled execution-environment runtime (runtime/build.ts's output). */
  readonly runtimeFile: string;
  readonly maxConcurrency: number;
  readonly idleTimeoutMs: number;
  /** The autoscaler's evaluation period. */
  readonly scalingPeriodMs: number;
  /** The metric store's period (DAEMON_DEFAULTS.metricPeriodMs: CloudWatch's minute). */
  readonly metricPeriodMs: number;
  readonly log: (line: string) => void;
}

export class LocalFunction implements PlatformController {
  readonly releaseRecord: FileReleaseRecordStore;
  readonly #options: LocalFunctionOptions;
  readonly #store: MetricStore;
  readonly #versions: PublishedVersions;
  readonly #pool: EnvironmentPool;
  readonly #autoscaler: Autoscaler;
  readonly #evictTimer: NodeJS.Timeout;
  readonly #live = new LiveAlias();
  #liveFront: Front | null = null;
  #onShutdown: () => void = () => {};

  constructor(options: LocalFunctionOptions) {
    this.#options = options;
    this.#store = new MetricStore({ retentionMs: METRIC_RETENTION_MS, periodMs: options.metricPeriodMs });
    this.#versions = new PublishedVersions({
      stateDir: options.stateDir,
      dockerfile: IMAGE_DOCKERFILE,
      log: options.log,
    });
    this.releaseRecord = new FileReleaseRecordStore(join(options.stateDir, 'record.json'));
    this.#pool = new EnvironmentPool({
      maxConcurrency: options.maxConcurrency,
      idleTimeoutMs: options.idleTimeoutMs,
      start: ({ version, startedFor, provisioned }) => {
        const { dir, faults, imageEnv, logs } = this.#versions.get(version);
        return startEnvironment({
          runtimeFile: options.runtimeFile,
          versionDir: dir,
          version,
          faults,
          imageEnv,
          startedFor,
          initializationType: provisioned ? 'provisioned-concurrency' : 'on-demand',
          memoryMb: FUNCTION_SETTINGS.memoryMiB,
          onLogLine: (line) => {
            logs.append(line);
            for (const put of emfMetrics(line)) this.#store.put(put);
          },
        });
      },
      onProvisionedStart: () => this.#finishHandover(),
    });
    this.#evictTimer = setInterval(() => this.#pool.evictIdle(), EVICTION_SWEEP_MS);
    this.#evictTimer.unref();
    this.#autoscaler = new Autoscaler({
      evaluationIntervalMs: options.scalingPeriodMs,
      sampleIntervalMs: Math.max(10, Math.floor(options.scalingPeriodMs / 20)),
      utilization: () => this.#pool.utilization(LIVE_ALIAS),
      capacity: () => this.#pool.provisioned(LIVE_ALIAS)?.requested ?? null,
      capacityLimit: () => this.#pool.provisionedRoom(LIVE_ALIAS),
      setCapacity: (capacity) => {
        this.#refuseByRule('put', LIVE_ALIAS);
        this.#pool.putProvisioned(LIVE_ALIAS, capacity);
      },
      log: options.log,
    });
    this.#autoscaler.start();
  }

  /** Starts the `live` front (a Function URL on the alias) on `port`, 0 for any free one; returns its URL. */
  async startLiveFront(port: number): Promise<string> {
    const route = () => pickVersion(this.#liveAlias(), Math.random());
    this.#liveFront = await this.#front(LIVE_ALIAS, route, port).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new Error(
        `--port ${port}: 127.0.0.1:${port} is in use; pick another port, or leave --port out for any free one`,
        { cause: error },
      );
    });
    return this.#liveFront.url;
  }

  /** What shutdown() (the control API's) calls once the answer is sent. */
  onShutdown(handler: () => void): void {
    this.#onShutdown = handler;
  }

  shutdown(): void {
    this.#onShutdown();
  }

  /** Stops the fronts, the loops and every execution environment. */
  async close(): Promise<void> {
    this.#autoscaler.stop();
    clearInterval(this.#evictTimer);
    const versions = this.#versions.entries().map(([, version]) => version);
    await Promise.all([this.#liveFront, ...versions.map((v) => v.front)].map((front) => front?.close()));
    await this.#pool.close();
    await Promise.all(versions.map((version) => version.logs.end()));
  }

  async readAlias(): Promise<AliasState> {
    return this.#liveAlias();
  }

  /**
   * A new primary while live has PC is Lambda's handover (live-alias.ts): traffic stays on the version serving
   * now, reported as live's one weight {old: 1}, until live's PC on the new primary is READY.
   */
  async updateAlias(update: AliasUpdate): Promise<AliasState> {
    validateAliasUpdate(update, { current: this.#liveAlias(), versions: this.#versions.numbers() });
    this.#live.update(update, this.#pool.provisioned(LIVE_ALIAS) !== null);
    this.#allocateLive();
    this.#finishHandover();
    return this.#liveAlias();
  }

  async liveUrl(): Promise<string> {
    if (this.#liveFront === null) {
      throw new NotFoundError(
        `alias ${LIVE_ALIAS} has no front yet: the daemon is still starting; ask again`,
      );
    }
    return this.#liveFront.url;
  }

  async versionExists(version: string): Promise<boolean> {
    return this.#versions.numbers().includes(version);
  }

  async versionUrl(version: string): Promise<string> {
    return this.#versions.get(version).front.url;
  }

  async putProvisionedConcurrency(qualifier: string, executions: number): Promise<ProvisionedConcurrency> {
    this.#checkQualifier(qualifier);
    this.#refuseByRule('put', qualifier);
    try {
      this.#pool.putProvisioned(qualifier, executions);
    } catch (error) {
      if (error instanceof ProvisionedConcurrencyLimitError)
        throw new BadRequestError(error.message, { cause: error });
      throw error;
    }
    return this.#pool.provisioned(qualifier) as ProvisionedConcurrency;
  }

  async provisionedConcurrency(qualifier: string): Promise<ProvisionedConcurrency | null> {
    this.#checkQualifier(qualifier);
    return this.#pool.provisioned(qualifier);
  }

  async removeProvisionedConcurrency(qualifier: string): Promise<void> {
    this.#checkQualifier(qualifier);
    this.#refuseByRule('remove', qualifier);
    this.#pool.removeProvisioned(qualifier);
  }

  async scalingTarget(): Promise<ScalingTarget | null> {
    return this.#autoscaler.target();
  }

  async suspendScaling(): Promise<ScalingTarget> {
    return this.#autoscaler.suspend();
  }

  async resumeScaling(previous: ScalingTarget): Promise<void> {
    this.#autoscaler.resume(previous);
  }

  async registerScalingTarget(settings: TargetSettings): Promise<ScalingTarget> {
    const limit = this.#options.maxConcurrency;
    if (settings.maxCapacity > limit || settings.minCapacity > settings.maxCapacity) {
      throw new BadRequestError(
        `scaling target ${settings.minCapacity}..${settings.maxCapacity} is not within 0..${limit} (the ` +
          'concurrency limit): send minCapacity <= maxCapacity <= the limit',
      );
    }
    const room = this.#pool.provisionedRoom(LIVE_ALIAS);
    if (settings.minCapacity > room) {
      throw new BadRequestError(
        `scaling target minimum ${settings.minCapacity} is above the ${room} provisioned environments the ` +
          `concurrency limit ${limit} leaves ${LIVE_ALIAS} beside other qualifiers: send a lower minCapacity or ` +
          "remove another qualifier's provisioned concurrency",
      );
    }
    return this.#autoscaler.register(settings);
  }

  async versionMetrics(version: string, range: TimeRange, via: MetricsVia): Promise<VersionMetrics> {
    this.#versions.get(version);
    return versionMetrics(this.#store, { version, range, via, stage: LOCAL_STAGE });
  }

  async publishVersion(request: {
    contextDir: string;
    faults: readonly string[];
  }): Promise<PublishedVersion> {
    const { version, faults, front } = await this.#versions.publish(request, (number) =>
      this.#front(number, () => number),
    );
    // The first version creates the alias (CreateAlias): `live` always names a version.
    if (this.#live.current === null) {
      this.#live.update({ version, weights: {} }, false);
      this.#allocateLive();
    }
    const described = describeFaults(faults);
    this.#options.log(
      `published version ${version} at ${front.url}${described === '' ? '' : ` with faults ${described}`}`,
    );
    return { version, url: front.url, faults: described };
  }

  async status(): Promise<PlatformStatus> {
    const live = this.#live.current;
    const provisioned = [LIVE_ALIAS, ...this.#versions.numbers()].flatMap((qualifier) => {
      const config = this.#pool.provisioned(qualifier);
      return config === null ? [] : [[qualifier, config] as const];
    });
    return {
      live: live === null ? null : { version: live.version, weights: live.weights },
      versions: Object.fromEntries(
        this.#versions
          .entries()
          .map(([version, { front, faults }]) => [
            version,
            { ...versionTotals(this.#store, version), url: front.url, faults: describeFaults(faults) },
          ]),
      ),
      liveUrl: this.#liveFront?.url ?? null,
      provisioned: Object.fromEntries(provisioned),
      scalingTarget: this.#autoscaler.target(),
      scalingActivity: this.#autoscaler.lastActivity(),
      concurrency: { limit: this.#options.maxConcurrency, executions: this.#pool.concurrentExecutions() },
      metricPeriodMs: this.#store.periodMs,
    };
  }

  #front(qualifier: string, routeVersion: () => string, port?: number): Promise<Front> {
    return startFront({
      qualifier,
      routeVersion,
      pool: this.#pool,
      timeoutMs: FUNCTION_SETTINGS.timeoutSeconds * 1000,
      log: this.#options.log,
      port,
      record: (outcome) =>
        recordInvocation(this.#store, {
          ...outcome,
          concurrentExecutions: this.#pool.concurrentExecutions(),
        }),
    });
  }

  /** Allocates live's PC by the alias as it is (or will be, once a handover ends), and says so in the log. */
  #allocateLive(): void {
    const allocation = this.#live.allocation();
    const alias = this.#live.current;
    if (allocation === null || alias === null) return;
    this.#pool.setAlias(allocation.alias, allocation.retained);
    const serving =
      allocation.retained === null
        ? ''
        : `: serving on ${allocation.retained} until ${LIVE_ALIAS}'s provisioned concurrency on ` +
          `${alias.version} is READY`;
    this.#options.log(
      `alias ${LIVE_ALIAS} -> ${alias.version} ${JSON.stringify(alias.weights)} (${alias.revisionId})${serving}`,
    );
  }

  /** Ends a handover once live's PC is READY on the new primary: Lambda clears its weights. */
  #finishHandover(): void {
    if (this.#live.handingOverFrom === null) return;
    const pc = this.#pool.provisioned(LIVE_ALIAS);
    if (pc !== null && pc.status !== 'READY') return;
    this.#live.finishHandover();
    this.#allocateLive();
  }

  #liveAlias(): AliasState {
    const alias = this.#live.current;
    if (alias === null) {
      throw new NotFoundError(`alias ${LIVE_ALIAS} does not exist yet: publish a version first`);
    }
    return alias;
  }

  /** Throws what Lambda answers to `change` on `qualifier` when a PC rule refuses it (pc-rules.ts). */
  #refuseByRule(change: ProvisionedConcurrencyChange, qualifier: string): void {
    const alias = this.#live.current;
    if (alias === null) return;
    const refusal = provisionedConcurrencyRefusal(change, qualifier, {
      alias,
      liveConfigured: this.#pool.provisioned(LIVE_ALIAS) !== null,
    });
    if (refusal !== null) throw refusal;
  }

  #checkQualifier(qualifier: string): void {
    if (qualifier !== LIVE_ALIAS && !this.#versions.has(qualifier)) {
      throw new NotFoundError(
        `qualifier ${qualifier} is neither ${LIVE_ALIAS} nor a published version (${this.#versions.describe()})`,
      );
    }
  }
}
