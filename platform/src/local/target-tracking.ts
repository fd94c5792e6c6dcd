/**
 * The local stand-in for Application Auto Scaling's target tracking on LambdaProvisionedConcurrencyUtilization,
 * pure: the next provisioned concurrency from the recent utilisations. Like AAS it scales out fast (one period
 * above target is enough, to the capacity that would bring utilisation back to target) and in slowly (only after
 * three periods all below 90 % of target, as AAS waits longer and keeps a margin before removing capacity), never
 * leaves [min, max], and does nothing in a suspended direction — the suspension a release puts on while it moves
 * the alias, so scaling does not fight the shift.
 */
import type { SuspendedState } from '../port.ts';

/** Periods that must all be below target before scaling in. */
export const SCALE_IN_PERIODS = 3;
/** Scale in only below this share of the target, so capacity does not flap around it. */
export const SCALE_IN_MARGIN = 0.9;

export interface TrackingInput {
  readonly current: number;
  readonly min: number;
  readonly max: number;
  /** Utilisation to hold, 0 < target < 1 (0.5 for the platform's 50 %). */
  readonly target: number;
  /** Utilisation of recent evaluation periods (busy / allocated provisioned environments), newest last. */
  readonly utilizations: readonly number[];
  readonly suspended: SuspendedState;
}

function check(input: TrackingInput): void {
  const { current, min, max, target, utilizations } = input;
  const whole = (name: string, value: number) => {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`target tracking: ${name} = ${value} is not a whole number of environments`);
    }
  };
  whole('current', current);
  whole('min', min);
  whole('max', max);
  if (min > max) throw new RangeError(`target tracking: min ${min} is above max ${max}; register min <= max`);
  if (!(target > 0 && target < 1))
    throw new RangeError(`target tracking: target ${target} is outside (0, 1)`);
  const bad = utilizations.find((u) => !(Number.isFinite(u) && u >= 0));
  if (bad !== undefined) throw new RangeError(`target tracking: utilization ${bad} is not a number >= 0`);
}

/** The provisioned concurrency to set next; `current` when nothing should change. */
export function nextCapacity(input: TrackingInput): number {
  check(input);
  const { current, min, max, target, utilizations, suspended } = input;
  const clamp = (capacity: number) => Math.min(max, Math.max(min, capacity));
  const latest = utilizations.at(-1);
  if (latest === undefined) return clamp(current);
  if (latest > target) {
    if (suspended.dynamicScalingOutSuspended) return clamp(current);
    return clamp(Math.max(current, Math.ceil((current * latest) / target)));
  }
  const recent = utilizations.slice(-SCALE_IN_PERIODS);
  const allLow = recent.length === SCALE_IN_PERIODS && recent.every((u) => u < SCALE_IN_MARGIN * target);
  if (!allLow || suspended.dynamicScalingInSuspended) return clamp(current);
  // The busiest of the low periods sizes the capacity, so one quiet period does not remove what the others used.
  const needed = Math.ceil((current * Math.max(...recent)) / target);
  return clamp(Math.min(current, needed));
}
