/**
 * Application Auto Scaling's stand-in: a target-tracking loop on the `live` alias's provisioned concurrency.
 * Every sample interval it reads the provisioned environments' utilization (busy / allocated); every evaluation
 * interval (a CloudWatch period for AAS, seconds here) it averages the samples into one period's figure and lets
 * target-tracking.ts decide the next capacity, which goes to the pool as PutProvisionedConcurrencyConfig would.
 * The decision is pure; this file only keeps the clock and the scalable target's settings.
 */
import {
  LIVE_ALIAS,
  ProvisionedConcurrencyConflictError,
  type ScalingTarget,
  type SuspendedState,
} from '../port.ts';
import { nextCapacity } from './target-tracking.ts';

/**
 * The target as a release suspends it: dynamic scaling in and out stopped, scheduled scaling left as it was
 * (Application Auto Scaling's SuspendedState, as AwsPlatform sends it).
 */
export function suspendedForRelease(target: ScalingTarget): ScalingTarget {
  return {
    ...target,
    suspendedState: {
      ...target.suspendedState,
      dynamicScalingInSuspended: true,
      dynamicScalingOutSuspended: true,
    },
  };
}

/** Periods of history kept: target tracking scales in only after several low ones in a row. */
const PERIODS_KEPT = 5;

export interface AutoscalerOptions {
  /** One evaluation period. */
  readonly evaluationIntervalMs: number;
  /** How often utilization is sampled within a period. */
  readonly sampleIntervalMs: number;
  /** Busy share of `live`'s provisioned environments; null when none is allocated. */
  readonly utilization: () => number | null;
  /** The provisioned concurrency requested on `live` now; null when none is configured. */
  readonly capacity: () => number | null;
  /**
   * The most provisioned concurrency `live` may have now: the concurrency limit less what other qualifiers
   * claim. A scale-out stops there, as setCapacity would refuse more.
   */
  readonly capacityLimit: () => number;
  /** PutProvisionedConcurrencyConfig on `live`; ProvisionedConcurrencyConflictError when a PC rule refuses it. */
  readonly setCapacity: (capacity: number) => void;
  readonly log: (line: string) => void;
}

/**
 * The last scaling activity, as DescribeScalingActivities reports one: done, or skipped because Lambda would
 * refuse it (a PC rule: `live` has weights), where AWS's activity fails and is tried again next period.
 */
export interface ScalingActivity {
  readonly at: string;
  readonly from: number;
  readonly to: number;
  readonly status: 'Successful' | 'Skipped';
  readonly reason?: string;
}

export interface TargetSettings {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetUtilization: number;
}

const NOT_SUSPENDED: SuspendedState = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};

export class Autoscaler {
  readonly #options: AutoscalerOptions;
  #target: ScalingTarget | null = null;
  #samples: number[] = [];
  #periods: number[] = [];
  #timers: NodeJS.Timeout[] = [];
  #lastActivity: ScalingActivity | null = null;

  constructor(options: AutoscalerOptions) {
    this.#options = options;
  }

  /** RegisterScalableTarget plus the target-tracking policy; brings capacity inside [min, max] at once. */
  register(settings: TargetSettings): ScalingTarget {
    this.#target = { qualifier: LIVE_ALIAS, ...settings, suspendedState: NOT_SUSPENDED };
    this.#periods = [];
    const current = this.#options.capacity() ?? 0;
    const bounded = Math.min(settings.maxCapacity, Math.max(settings.minCapacity, current));
    if (bounded !== current) this.#options.setCapacity(bounded);
    return this.#target;
  }

  target(): ScalingTarget | null {
    return this.#target;
  }

  lastActivity(): ScalingActivity | null {
    return this.#lastActivity;
  }

  /** Suspends dynamic scaling in and out; returns the target as it was. */
  suspend(): ScalingTarget {
    const previous = this.#registered('suspend scaling');
    this.#target = suspendedForRelease(previous);
    return previous;
  }

  /** Puts back exactly the suspended state `previous` had. */
  resume(previous: ScalingTarget): void {
    const current = this.#registered('resume scaling');
    this.#target = { ...current, suspendedState: { ...previous.suspendedState } };
  }

  start(): void {
    this.stop();
    this.#timers = [
      setInterval(() => this.sample(), this.#options.sampleIntervalMs),
      setInterval(() => this.evaluate(), this.#options.evaluationIntervalMs),
    ];
    for (const timer of this.#timers) timer.unref();
  }

  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }

  sample(): void {
    const utilization = this.#options.utilization();
    if (utilization !== null) this.#samples.push(utilization);
  }

  /** Closes one period: its mean utilization joins the history, and capacity moves if the policy says so. */
  evaluate(): void {
    const samples = this.#samples;
    this.#samples = [];
    const target = this.#target;
    const current = this.#options.capacity();
    if (target === null || current === null || samples.length === 0) return;
    this.#periods = [...this.#periods, samples.reduce((a, b) => a + b, 0) / samples.length].slice(
      -PERIODS_KEPT,
    );
    const wanted = nextCapacity({
      current,
      min: target.minCapacity,
      max: target.maxCapacity,
      target: target.targetUtilization,
      utilizations: this.#periods,
      suspended: target.suspendedState,
    });
    const why = `utilization ${this.#periods.map((u) => u.toFixed(2)).join(', ')}; target ${target.targetUtilization}`;
    const limit = this.#options.capacityLimit();
    const next = wanted > current && wanted > limit ? Math.max(current, limit) : wanted;
    if (next !== wanted) {
      this.#options.log(
        `autoscaler: scale-out of provisioned concurrency on ${LIVE_ALIAS} ${current} -> ${wanted} capped at ` +
          `${next}: the concurrency limit less the other qualifiers' provisioned concurrency leaves ${limit} (${why})`,
      );
    }
    if (next === current) return;
    const at = new Date().toISOString();
    try {
      this.#options.setCapacity(next);
    } catch (error) {
      if (!(error instanceof ProvisionedConcurrencyConflictError)) throw error;
      // Lambda refuses the step (on AWS the activity fails); the history stays, so the next period tries again.
      this.#lastActivity = { at, from: current, to: next, status: 'Skipped', reason: error.message };
      this.#options.log(
        `autoscaler: skipped provisioned concurrency on ${LIVE_ALIAS} ${current} -> ${next} (${why}): ${error.message}`,
      );
      return;
    }
    this.#lastActivity = { at, from: current, to: next, status: 'Successful' };
    this.#options.log(`autoscaler: provisioned concurrency on ${LIVE_ALIAS} ${current} -> ${next} (${why})`);
    // A new capacity starts a fresh history, as a scaling activity resets the alarms' view.
    this.#periods = [];
  }

  #registered(action: string): ScalingTarget {
    if (this.#target === null) {
      throw new NoScalingTargetError(action);
    }
    return this.#target;
  }
}

/** Suspend or resume without a registered target (Application Auto Scaling's ObjectNotFoundException). */
export class NoScalingTargetError extends Error {
  constructor(action: string) {
    super(
      `cannot ${action}: ${LIVE_ALIAS} has no scalable target; start the platform with --pc N to register one`,
    );
    this.name = 'NoScalingTargetError';
  }
}
