/**
 * The Platform port: what a release needs from Lambda, and nothing more. LocalPlatform (platform/src/local/)
 * implements it against a local Lambda; issue 11 adds AwsPlatform beside it (SDK v3). A release talks only to
 * this interface, so the same release runs in a local rehearsal and on AWS.
 *
 * Shapes follow the Lambda API they stand for (GetAlias/UpdateAlias with RevisionId, Get/Put/Delete
 * ProvisionedConcurrencyConfig, Application Auto Scaling's scalable target and its policy, CloudWatch
 * GetMetricData by Resource and ExecutedVersion), so the AWS side maps each method onto the calls named beside it
 * and every field onto a field AWS returns: nothing here is a figure only the local platform could know.
 */

/** The alias every release moves. */
export const LIVE_ALIAS = 'live';

/**
 * A version's share of an alias's traffic, 0 < weight < 1, as Lambda's AdditionalVersionWeights. Lambda's own
 * handover of live's PC to a new primary is the one exception: {old: 1}, all traffic still on the old version,
 * until the new primary's PC is READY (release/src/handover.ts waits it out).
 */
export type VersionWeights = Readonly<Record<string, number>>;

export interface AliasState {
  readonly name: string;
  /** The primary version: it gets whatever weight the additional versions leave. */
  readonly version: string;
  /** At most one additional version with its weight; empty when nothing is shifted. */
  readonly weights: VersionWeights;
  /** Changes on every update; an update naming an older one is refused (RevisionConflictError). */
  readonly revisionId: string;
}

/** UpdateAlias with its RevisionId: set the candidate's weight, promote (no weights), or roll back. */
export interface AliasUpdate {
  readonly version: string;
  readonly weights: VersionWeights;
  /** The revision this update was planned from; someone else's change in between is detected, never overwritten. */
  readonly expectedRevisionId: string;
}

/** Someone else moved the alias since it was read (Lambda's PreconditionFailedException). */
export class RevisionConflictError extends Error {
  constructor(
    readonly alias: string,
    readonly expectedRevisionId: string,
    readonly actualRevisionId: string,
    options?: ErrorOptions,
  ) {
    super(
      `alias ${alias} is at revision ${actualRevisionId}, not ${expectedRevisionId}: someone else changed it; ` +
        'read it again and decide from what it is now',
      options,
    );
    this.name = 'RevisionConflictError';
  }
}

export type ProvisionedConcurrencyStatus = 'IN_PROGRESS' | 'READY' | 'FAILED';

/** GetProvisionedConcurrencyConfig for one qualifier (an alias name or a version number). */
export interface ProvisionedConcurrency {
  readonly qualifier: string;
  readonly requested: number;
  /**
   * AllocatedProvisionedConcurrentExecutions: environments allocated to this qualifier (for a weighted alias,
   * across its versions, so it "fluctuates depending on the amount of concurrency that is provisioned for the
   * function versions", API_ProvisionedConcurrencyConfigListItem).
   */
  readonly allocated: number;
  /**
   * AvailableProvisionedConcurrentExecutions, which AWS documents only as "the amount of provisioned concurrency
   * available" (docs.aws.amazon.com/lambda/latest/api/API_ProvisionedConcurrencyConfigListItem.html, the same
   * words in GetProvisionedConcurrencyConfig). It is a field of the configuration, so it is read here as the
   * environments initialised and ready for the qualifier, whatever they are doing: it does not drop while they
   * serve. How busy they are is published as a CloudWatch metric (ProvisionedConcurrencyUtilization), never as
   * a field of the configuration, so a release reads load from metrics, not from this.
   */
  readonly available: number;
  readonly status: ProvisionedConcurrencyStatus;
  /** Why a FAILED allocation failed. */
  readonly statusReason?: string;
}

/**
 * A provisioned-concurrency rule Lambda enforces (InvalidParameterValueException): PC cannot be put on, resized on or
 * removed from an alias while it has weights ("Alias with weights can not be used with Provisioned Concurrency"),
 * and a version has one PC configuration, on itself or on an alias that points to it. `qualifier` names where the
 * refused change was and `reason` why, kept apart so the local control API can send both and its client rebuild
 * the same error; docs/release.md cites the sources.
 */
export class ProvisionedConcurrencyConflictError extends Error {
  constructor(
    readonly qualifier: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`provisioned concurrency on ${qualifier} refused: ${reason}`, options);
    this.name = 'ProvisionedConcurrencyConflictError';
  }
}

/** Application Auto Scaling's suspended state for a scalable target. */
export interface SuspendedState {
  readonly dynamicScalingInSuspended: boolean;
  readonly dynamicScalingOutSuspended: boolean;
  readonly scheduledScalingSuspended: boolean;
}

/**
 * The alias's scalable target (lambda:function:ProvisionedConcurrency) and its target-tracking policy. On AWS one
 * read is two calls: DescribeScalableTargets (min, max, SuspendedState) and DescribeScalingPolicies (the
 * policy's TargetValue). They belong together because a release suspends and resumes the target to keep the
 * policy from fighting its own provisioned-concurrency moves, and judges what resume brings back (the range and
 * the utilization the policy will steer to) as one setting.
 */
export interface ScalingTarget {
  readonly qualifier: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** LambdaProvisionedConcurrencyUtilization the policy tracks, 0 < target < 1 (DescribeScalingPolicies). */
  readonly targetUtilization: number;
  readonly suspendedState: SuspendedState;
}

export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

/**
 * Whose traffic a version's metrics count, as CloudWatch's Resource dimension tells them apart:
 * - 'live': invocations through the `live` alias that ran the version (Resource `<function>:live` with
 *   ExecutedVersion), what a traffic shift judges;
 * - 'version': invocations of the version's own qualifier (Resource `<function>:<n>`). Locally that is what the
 *   pre-traffic test and the drift probe send, since versionUrl is the version's own front. On AWS it is not:
 *   versionUrl goes through the `pretraffic` alias, whose traffic is Resource `<function>:pretraffic` in
 *   Lambda's metrics and Alias = pretraffic in the app's, so 'version' counts only direct invocations of
 *   `<function>:<n>`, which a release never makes.
 */
export type MetricsVia = 'live' | 'version';

/**
 * One version's figures over a time range, as CloudWatch keeps them (GetMetricData). Lambda's figures count
 * exactly the traffic `via` names. The app's own (its EMF `Latency`) are scoped as closely as the service's
 * dimension sets allow ([service, Stage, Alias, StatusClass] and [service, Stage, Version, StatusClass], where
 * Alias is the qualifier invoked):
 * - via 'version': by Alias = the version's number, the same traffic as Lambda's figures;
 * - via 'live': by Version, which counts the version's traffic through every qualifier: the service publishes no
 *   Alias-and-Version set, and Alias = live mixes the versions the alias routes to. It equals the live share
 *   whenever the range holds no invocations of the version through another qualifier (its own, or `pretraffic`
 *   on AWS), so a release reads 'live' over a range that starts after its pre-traffic test.
 * Percentiles are null when nothing was measured.
 */
export interface VersionMetrics {
  readonly version: string;
  readonly via: MetricsVia;
  readonly range: TimeRange;
  readonly invocations: number;
  readonly errors: number;
  readonly throttles: number;
  /** Invocations that found every provisioned environment busy and ran on an on-demand one. */
  readonly provisionedConcurrencySpilloverInvocations: number;
  readonly durationP50Ms: number | null;
  readonly durationP95Ms: number | null;
  readonly app: {
    readonly requests2xx: number;
    readonly requests4xx: number;
    readonly requests5xx: number;
    /** Successful (2xx) responses only, as the latency SLOs count them. */
    readonly latencyP50Ms: number | null;
    readonly latencyP95Ms: number | null;
  };
}

/** Who holds the release lock. */
export interface ReleaseLock {
  readonly releaseId: string;
  /** Free text naming the runner (host, pid, workflow run) for a human reading `status`. */
  readonly holder: string;
  readonly acquiredAt: string;
}

/** One transition of a release, written before the release acts on it. */
export interface JournalEntry {
  /** 1, 2, 3… per store; an append names the sequence it expects to write. */
  readonly sequence: number;
  readonly at: string;
  readonly releaseId: string;
  readonly type: string;
  readonly data: unknown;
}

/** What a release that does not hold the lock was refused. */
export type LockedOperation = 'start' | 'free the lock' | 'append';

const LOCKED_FIX: Record<LockedOperation, (holder: string) => string> = {
  start: (holder) => `resume or abort ${holder} first`,
  'free the lock': (holder) => `only ${holder} frees it; abort ${holder} to end it`,
  append: (holder) => `only ${holder} writes the journal; take the lock once ${holder} is done`,
};

/**
 * Another release holds the lock: a second release cannot take it (the same release id takes it again to
 * resume), free it, or append to the journal.
 */
export class ReleaseLockedError extends Error {
  constructor(
    readonly held: ReleaseLock,
    readonly wanted: string,
    readonly operation: LockedOperation,
  ) {
    super(
      `release ${held.releaseId} holds the release lock (${held.holder}, since ${held.acquiredAt}); ` +
        `release ${wanted} cannot ${operation}: ${LOCKED_FIX[operation](held.releaseId)}`,
    );
    this.name = 'ReleaseLockedError';
  }
}

/** An append by a release that does not hold the lock because nobody does: take the lock first. */
export class ReleaseLockNotHeldError extends Error {
  constructor(readonly releaseId: string) {
    super(`release ${releaseId} does not hold the release lock (it is free): acquire it before appending`);
    this.name = 'ReleaseLockNotHeldError';
  }
}

/** An append that expected another sequence: someone else wrote in between. */
export class JournalConflictError extends Error {
  constructor(
    readonly expectedSequence: number,
    readonly actualNextSequence: number,
  ) {
    super(
      `the release journal's next entry is ${actualNextSequence}, not ${expectedSequence}: another writer ` +
        'appended in between; read the journal again',
    );
    this.name = 'JournalConflictError';
  }
}

/** The durable release record: a lock plus an append-only journal that outlive the runner that wrote them. */
export interface ReleaseRecordStore {
  /** Takes the lock for releaseId; returns it unchanged when releaseId already holds it (resume). */
  acquireLock(releaseId: string, holder: string): Promise<ReleaseLock>;
  /** Frees the lock held by releaseId; nothing when it is free; ReleaseLockedError ('free the lock') when another holds it. */
  releaseLock(releaseId: string): Promise<void>;
  currentLock(): Promise<ReleaseLock | null>;
  /**
   * Appends as sequence `expectedSequence`; only the lock holder may append (ReleaseLockedError when another holds
   * it, ReleaseLockNotHeldError when it is free; JournalConflictError for another sequence).
   */
  append(
    entry: { readonly releaseId: string; readonly type: string; readonly data: unknown },
    expectedSequence: number,
  ): Promise<JournalEntry>;
  /** Every entry, oldest first; only releaseId's when given. */
  journal(releaseId?: string): Promise<readonly JournalEntry[]>;
}

export interface Platform {
  readAlias(): Promise<AliasState>;
  /**
   * UpdateAlias with its RevisionId. RevisionConflictError when the alias moved; ProvisionedConcurrencyConflictError
   * when Lambda refuses the new primary because of a PC rule (the version already has a PC configuration of its own).
   */
  updateAlias(update: AliasUpdate): Promise<AliasState>;

  /**
   * Whether `version` is a published version of the function, by a read that changes nothing: what a release's
   * preflight and a rollback ask before anything they may refuse. false only when the platform says there is no
   * such version; any other failure (a throttle, access denied, a daemon that does not answer) propagates.
   */
  versionExists(version: string): Promise<boolean>;

  /** The URL production traffic reaches `live` by (its Function URL). */
  liveUrl(): Promise<string>;
  /**
   * A URL that serves `version` alone, with no production traffic: what the pre-traffic test and the drift check
   * call. Locally the version's own front; on AWS a Function URL cannot name a version, so this points the
   * function's `pretraffic` alias (no PC, never in live's routing) at the version and returns that alias's URL.
   */
  versionUrl(version: string): Promise<string>;

  putProvisionedConcurrency(qualifier: string, executions: number): Promise<ProvisionedConcurrency>;
  /** null when the qualifier has no provisioned concurrency configured. */
  provisionedConcurrency(qualifier: string): Promise<ProvisionedConcurrency | null>;
  removeProvisionedConcurrency(qualifier: string): Promise<void>;

  /** The live alias's scalable target; null when none is registered. */
  scalingTarget(): Promise<ScalingTarget | null>;
  /** Suspends dynamic scaling in and out; returns the target as it was, for resumeScaling. */
  suspendScaling(): Promise<ScalingTarget>;
  /** Puts back exactly the suspended state `previous` had. */
  resumeScaling(previous: ScalingTarget): Promise<void>;

  /** GetMetricData for the version's traffic `via` the alias or its own qualifier (see VersionMetrics). */
  versionMetrics(version: string, range: TimeRange, via: MetricsVia): Promise<VersionMetrics>;

  readonly releaseRecord: ReleaseRecordStore;
}
