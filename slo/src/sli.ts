/**
 * The SLIs over plain data: what was good and bad in each period, and from that the attainment, the budget
 * spent and the burn rate of any window. Pure and exact; the CloudWatch alarms implement the same rules (see
 * alarm-plan.ts) and the report computes with these functions from GetMetricData series.
 *
 * An outcome is one measured period: for Occurrences it counts requests (good, bad); for Timeslices it is one
 * slice, good = 1 or bad = 1. A period with no data is simply absent: it hurt nobody, so it is never bad.
 */

import { errorBudget } from './burn-rate.ts';
import type { ServiceLevelObjective } from './definition.ts';
import { durationMinutes } from './duration.ts';

export interface PeriodOutcome {
  /** Start of the period, epoch milliseconds. */
  start: number;
  good: number;
  bad: number;
}

export interface WindowTotals {
  good: number;
  bad: number;
  /** Denominator of the bad share: requests (Occurrences) or every slice of the window (Timeslices). */
  total: number;
  /** Periods in the window that had data; 0 means nothing can be said about the window. */
  measuredPeriods: number;
}

const MS_PER_MINUTE = 60_000;

/** Totals of the outcomes whose period starts in [from, to). */
export function windowTotals(
  slo: ServiceLevelObjective,
  outcomes: readonly PeriodOutcome[],
  from: number,
  to: number,
): WindowTotals {
  let good = 0;
  let bad = 0;
  let measuredPeriods = 0;
  for (const outcome of outcomes) {
    if (outcome.start < from || outcome.start >= to) continue;
    good += outcome.good;
    bad += outcome.bad;
    measuredPeriods += 1;
  }
  const total =
    slo.timeSliceWindow === undefined
      ? good + bad
      : // A time-sliced budget is time: slices without traffic count as good, like CloudWatch's missing data.
        Math.floor((to - from) / (durationMinutes(slo.timeSliceWindow) * MS_PER_MINUTE));
  return { good, bad, total, measuredPeriods };
}

/** Share of the window that was good, or undefined when nothing was measured (never a 0/0 shown as 100%). */
export function attainment(totals: WindowTotals): number | undefined {
  if (totals.measuredPeriods === 0 || totals.total === 0) return undefined;
  return 1 - totals.bad / totals.total;
}

/** How many times faster than the budget allows the window burned; undefined when nothing was measured. */
export function burnRate(slo: ServiceLevelObjective, totals: WindowTotals): number | undefined {
  if (totals.measuredPeriods === 0 || totals.total === 0) return undefined;
  return totals.bad / totals.total / errorBudget(slo);
}

/** Share of the SLO window's budget still unspent (negative when overspent); undefined when nothing measured. */
export function budgetRemaining(slo: ServiceLevelObjective, totals: WindowTotals): number | undefined {
  const allowedBad = errorBudget(slo) * totals.total;
  if (totals.measuredPeriods === 0 || allowedBad === 0) return undefined;
  // Rounded so that spending exactly the budget reads 0 (spent to the last request, not exhausted: exhausted means
  // below 0), never a float residue like -2e-16 that would call an exact spend overspent and freeze releases.
  // `+ 0` turns the -0 that rounding a tiny negative residue gives into 0 (Intl.NumberFormat prints -0 as "-0%").
  return Number((1 - totals.bad / allowedBad).toFixed(9)) + 0;
}

export function minutesToMs(minutes: number): number {
  return minutes * MS_PER_MINUTE;
}

/** Requests counted in one period; periods without requests carry no information and are dropped. */
export function occurrenceOutcomes(
  points: readonly { start: number; total: number; bad: number }[],
): PeriodOutcome[] {
  return points
    .filter((point) => point.total > 0)
    .map((point) => {
      // Sources can disagree by a period at the edges (EMF vs Lambda's own counters): never more bad than all.
      const bad = Math.min(Math.max(point.bad, 0), point.total);
      return { start: point.start, good: point.total - bad, bad };
    });
}

/** One slice per percentile value: bad when the slice's percentile is above the threshold. */
export function timesliceOutcomes(
  thresholdMs: number,
  points: readonly { start: number; percentileMs: number }[],
): PeriodOutcome[] {
  return points
    .filter((point) => Number.isFinite(point.percentileMs))
    .map((point) => {
      const slow = point.percentileMs > thresholdMs;
      return { start: point.start, good: slow ? 0 : 1, bad: slow ? 1 : 0 };
    });
}
