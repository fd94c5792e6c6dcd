/**
 * An in-memory Platform for the orchestrator's tests, on a fake clock: the `live` alias checked by the same rules
 * LocalPlatform applies (validateAliasUpdate), provisioned concurrency that reaches READY (or FAILED) after a set
 * time, the scalable target, Lambda's PC rules as the local platform applies them (platform/src/local/pc-rules.ts)
 * and the refusal Lambda may make of a primary with PC of its own (undocumented either way), Lambda's own
 * handover when live's primary changes under alias PC (its temporary weights, then READY), scripted metrics, and
 * a release record that keeps the port's promises. Every change is logged with the journal's length at that
 * moment, so a test can prove each change was journaled before it was made.
 */
import { validateAliasUpdate } from '../../../platform/src/alias.ts';
import { suspendedForRelease } from '../../../platform/src/local/autoscaler.ts';
import { LocalPlatformError } from '../../../platform/src/local/local-platform.ts';
import {
  type ProvisionedConcurrencyChange,
  provisionedConcurrencyRefusal,
} from '../../../platform/src/local/pc-rules.ts';
import {
  type AliasState,
  type AliasUpdate,
  LIVE_ALIAS,
  type MetricsVia,
  type Platform,
  type ProvisionedConcurrency,
  ProvisionedConcurrencyConflictError,
  type ScalingTarget,
  type TimeRange,
  type VersionMetrics,
} from '../../../platform/src/port.ts';
import { type MetricsScript, steadyTraffic } from './memory-metrics.ts';
import { MemoryReleaseRecordStore } from './memory-release-record.ts';

/** Time that only moves when something sleeps: a whole release runs in milliseconds. */
export class FakeClock {
  #now: number;
  constructor(start = Date.parse('2026-11-30T00:00:00.000Z')) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  sleep(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`sleep(${ms}): give a duration >= 0`);
    this.#now += ms;
    return Promise.resolve();
  }
}

export type PlatformChange =
  | { readonly kind: 'alias'; readonly version: string; readonly weights: Readonly<Record<string, number>> }
  | { readonly kind: 'put-pc'; readonly qualifier: string; readonly executions: number }
  | { readonly kind: 'remove-pc'; readonly qualifier: string }
  | { readonly kind: 'suspend-scaling' }
  | { readonly kind: 'resume-scaling'; readonly previous: ScalingTarget };

export interface MemoryPlatformOptions {
  readonly clock: FakeClock;
  /** Published versions, oldest first. */
  readonly versions: readonly string[];
  /** live's primary at the start, with no weights. */
  readonly live: string;
  /** live's alias PC at the start (READY); null for none. */
  readonly livePc: number | null;
  readonly scaling: ScalingTarget | null;
  /** How long a PC configuration takes to be READY (or FAILED) after it is put. Default 5 s. */
  readonly pcReadyAfterMs?: number;
  /** How long Lambda's handover of live's PC to a new primary takes; pcReadyAfterMs by default. */
  readonly handoverMs?: (primary: string) => number;
  /** A qualifier whose PC allocation fails, with Lambda's StatusReason; none by default. */
  readonly pcFailure?: (qualifier: string) => string | null;
  /** How many times Lambda refuses to make a version with its own PC live's primary (undocumented: both ways). */
  readonly refusePrimaryWithVersionPc?: number;
  readonly metrics?: MetricsScript;
}

interface PcConfig {
  readonly requested: number;
  readonly settlesAt: number;
  readonly failure: string | null;
}

export class MemoryPlatform implements Platform {
  readonly clock: FakeClock;
  readonly releaseRecord: MemoryReleaseRecordStore;
  readonly changes: { readonly change: PlatformChange; readonly journalLength: number }[] = [];
  readonly versions: readonly string[];
  scaling: ScalingTarget | null;
  #alias: AliasState;
  #revision = 1;
  #pc = new Map<string, PcConfig>();
  /** Lambda's handover of live's PC to a new primary: its own weights hold traffic on the old one until then. */
  #handoverUntil: number | null = null;
  #refusalsLeft: number;
  #beforeNextUpdate: (() => void) | null = null;
  #afterNextUpdate: ((alias: AliasState) => void) | null = null;
  #beforeChange: ((change: PlatformChange) => void) | null = null;
  readonly #options: MemoryPlatformOptions;

  constructor(options: MemoryPlatformOptions) {
    this.#options = options;
    this.clock = options.clock;
    this.versions = options.versions;
    this.scaling = options.scaling;
    this.#alias = { name: LIVE_ALIAS, version: options.live, weights: {}, revisionId: 'r1' };
    this.#refusalsLeft = options.refusePrimaryWithVersionPc ?? 0;
    if (options.livePc !== null) {
      this.#pc.set(LIVE_ALIAS, { requested: options.livePc, settlesAt: 0, failure: null });
    }
    this.releaseRecord = new MemoryReleaseRecordStore(() => this.clock.now());
  }

  /** The version's share of live's traffic now: what steadyTraffic routes to it. */
  shareOf(version: string): number {
    const alias = this.#settled();
    const shifted = Object.values(alias.weights).reduce((sum, weight) => sum + weight, 0);
    return version === alias.version ? Math.max(0, 1 - shifted) : (alias.weights[version] ?? 0);
  }

  /** Someone else moves live (a human, another tool): no rules checked, the revision changes. */
  moveLive(version: string, weights: Readonly<Record<string, number>> = {}): void {
    this.#alias = { ...this.#settled(), version, weights: { ...weights }, revisionId: this.#nextRevision() };
  }

  /** Runs `action` just before the next updateAlias is applied (after the caller read the alias). */
  beforeNextUpdate(action: () => void): void {
    this.#beforeNextUpdate = action;
  }

  /** Runs `action` once the next updateAlias is applied; what it throws, the caller sees (cut off right after). */
  afterNextUpdate(action: (alias: AliasState) => void): void {
    this.#afterNextUpdate = action;
  }

  /** Runs `action` just before the next change that `matches` is made; what it throws, the caller sees. */
  beforeNextChange(matches: (change: PlatformChange) => boolean, action: () => void): void {
    this.#beforeChange = (change) => {
      if (!matches(change)) return;
      this.#beforeChange = null;
      action();
    };
  }

  async readAlias(): Promise<AliasState> {
    return this.#settled();
  }

  async updateAlias(update: AliasUpdate): Promise<AliasState> {
    const interfere = this.#beforeNextUpdate;
    this.#beforeNextUpdate = null;
    interfere?.();
    const current = this.#settled();
    validateAliasUpdate(update, { current, versions: this.versions });
    const livePc = this.#pc.get(LIVE_ALIAS);
    const newPrimary = update.version !== current.version;
    if (newPrimary && livePc && this.#pc.has(update.version) && this.#refusalsLeft > 0) {
      this.#refusalsLeft -= 1;
      throw new ProvisionedConcurrencyConflictError(
        update.version,
        `version ${update.version} already has a provisioned concurrency configuration`,
      );
    }
    this.#log({ kind: 'alias', version: update.version, weights: update.weights });
    const weights = { ...update.weights };
    if (newPrimary && livePc) {
      // As observed on AWS: Lambda holds every request on the old version with a weight of its own while it
      // re-homes the alias's PC, and clears it once the new version's PC is READY.
      const settlesAt =
        this.#now() + (this.#options.handoverMs?.(update.version) ?? this.#options.pcReadyAfterMs ?? 5_000);
      this.#pc.set(LIVE_ALIAS, { requested: livePc.requested, settlesAt, failure: null });
      this.#handoverUntil = settlesAt;
      weights[current.version] = 1;
    }
    this.#alias = { ...current, version: update.version, weights, revisionId: this.#nextRevision() };
    const after = this.#afterNextUpdate;
    this.#afterNextUpdate = null;
    after?.(this.#alias);
    return this.#alias;
  }

  async liveUrl(): Promise<string> {
    return 'http://live.memory.test';
  }

  async versionExists(version: string): Promise<boolean> {
    return this.versions.includes(version);
  }

  async versionUrl(version: string): Promise<string> {
    this.#checkVersion(version);
    return `http://v${version}.memory.test`;
  }

  async putProvisionedConcurrency(qualifier: string, executions: number): Promise<ProvisionedConcurrency> {
    this.#refuseByRule('put', qualifier);
    if (qualifier !== LIVE_ALIAS) this.#checkVersion(qualifier);
    if (!(Number.isInteger(executions) && executions >= 1)) {
      throw new RangeError(`provisioned concurrency ${executions} on ${qualifier}: send a whole number >= 1`);
    }
    this.#log({ kind: 'put-pc', qualifier, executions });
    this.#pc.set(qualifier, {
      requested: executions,
      settlesAt: this.#now() + (this.#options.pcReadyAfterMs ?? 5_000),
      failure: this.#options.pcFailure?.(qualifier) ?? null,
    });
    return this.#read(qualifier) as ProvisionedConcurrency;
  }

  async provisionedConcurrency(qualifier: string): Promise<ProvisionedConcurrency | null> {
    this.#settled();
    return this.#read(qualifier);
  }

  async removeProvisionedConcurrency(qualifier: string): Promise<void> {
    this.#refuseByRule('remove', qualifier);
    if (!this.#pc.has(qualifier)) return;
    this.#log({ kind: 'remove-pc', qualifier });
    this.#pc.delete(qualifier);
  }

  async scalingTarget(): Promise<ScalingTarget | null> {
    return this.scaling;
  }

  async suspendScaling(): Promise<ScalingTarget> {
    const previous = this.scaling;
    if (previous === null) throw new Error('live has no scalable target to suspend: register one first');
    this.#log({ kind: 'suspend-scaling' });
    this.scaling = suspendedForRelease(previous);
    return previous;
  }

  async resumeScaling(previous: ScalingTarget): Promise<void> {
    if (this.scaling === null) throw new Error('live has no scalable target to resume');
    this.#log({ kind: 'resume-scaling', previous });
    this.scaling = { ...this.scaling, suspendedState: { ...previous.suspendedState } };
  }

  async versionMetrics(version: string, range: TimeRange, via: MetricsVia): Promise<VersionMetrics> {
    this.#checkVersion(version);
    if (range.end.getTime() < range.start.getTime()) {
      throw new RangeError(
        `metrics range ends before it starts: ${range.start.toISOString()} > ${range.end.toISOString()}`,
      );
    }
    return (this.#options.metrics ?? steadyTraffic(50))(version, range, via, this);
  }

  #now(): number {
    return this.clock.now().getTime();
  }

  #nextRevision(): string {
    this.#revision += 1;
    return `r${this.#revision}`;
  }

  /** The alias once Lambda's own handover is over: its weights cleared, a new revision. */
  #settled(): AliasState {
    if (this.#handoverUntil !== null && this.#now() >= this.#handoverUntil) {
      this.#handoverUntil = null;
      this.#alias = { ...this.#alias, weights: {}, revisionId: this.#nextRevision() };
    }
    return this.#alias;
  }

  #read(qualifier: string): ProvisionedConcurrency | null {
    const config = this.#pc.get(qualifier);
    if (!config) return null;
    const settled = this.#now() >= config.settlesAt;
    const status = !settled ? 'IN_PROGRESS' : config.failure === null ? 'READY' : 'FAILED';
    const ready = status === 'READY' ? config.requested : 0;
    return {
      qualifier,
      requested: config.requested,
      allocated: ready,
      available: ready,
      status,
      ...(status === 'FAILED' && config.failure !== null ? { statusReason: config.failure } : {}),
    };
  }

  /** Lambda's PC rules, the ones the local platform applies (pc-rules.ts), on the alias as it is now. */
  #refuseByRule(change: ProvisionedConcurrencyChange, qualifier: string): void {
    const refusal = provisionedConcurrencyRefusal(change, qualifier, {
      alias: this.#settled(),
      liveConfigured: this.#pc.has(LIVE_ALIAS),
    });
    if (refusal !== null) throw refusal;
  }

  /** A version that is not published is the local platform's 404. */
  #checkVersion(version: string): void {
    if (this.versions.includes(version)) return;
    const published = `published: ${this.versions.join(', ')}`;
    throw new LocalPlatformError(`version ${version} is not published (${published})`, 404, 'NotFoundError');
  }

  #log(change: PlatformChange): void {
    this.#beforeChange?.(change);
    this.changes.push({ change, journalLength: this.releaseRecord.entries.length });
  }
}
