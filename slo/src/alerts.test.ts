import { describe, expect, it } from 'vitest';
import { firingAlerts } from './alerts.ts';
import { alertPairsFor, errorBudget, sloWindowMinutes } from './burn-rate.ts';
import { type ServiceLevelObjective, SLO_DEFINITION } from './definition.ts';
import { minutesToMs, occurrenceOutcomes, type PeriodOutcome, timesliceOutcomes } from './sli.ts';

const PERIOD_MINUTES = 5;
const REQUESTS_PER_PERIOD = 1000;
const AT = Date.UTC(2026, 10, 28, 12, 0);
const WINDOW_PERIODS = sloWindowMinutes(SLO_DEFINITION) / PERIOD_MINUTES;

/** Period starts of the whole 28-day window ending at AT, oldest first. */
const STARTS = Array.from(
  { length: WINDOW_PERIODS },
  (_, i) => AT - minutesToMs((WINDOW_PERIODS - i) * PERIOD_MINUTES),
);

/**
 * 28 days of steady traffic; `badPeriods(indexFromEnd)` says how bad each period is, as a share of the worst
 * it can be (all requests failing / a slow slice). Built through the same converters the report uses.
 */
function series(slo: ServiceLevelObjective, badShare: (indexFromEnd: number) => number): PeriodOutcome[] {
  const indicator = slo.indicator;
  if (slo.budgetingMethod === 'Occurrences') {
    return occurrenceOutcomes(
      STARTS.map((start, i) => ({
        start,
        total: REQUESTS_PER_PERIOD,
        bad: badShare(WINDOW_PERIODS - 1 - i) * REQUESTS_PER_PERIOD,
      })),
    );
  }
  if (indicator.kind !== 'latency') throw new Error('only latency is time-sliced');
  return timesliceOutcomes(
    indicator.thresholdMs,
    STARTS.map((start, i) => ({
      start,
      percentileMs:
        badShare(WINDOW_PERIODS - 1 - i) > 0 ? indicator.thresholdMs * 1.5 : indicator.thresholdMs * 0.6,
    })),
  );
}

/**
 * An incident that spends `spend` of the 28-day budget inside the last `longMinutes`, on a perfect baseline.
 * Requests fail evenly across the window; slow slices are spread evenly with the newest slice slow, and their
 * count is the fewest whole slices that spend MORE than `spend` (or, with `justUnder`, the most that do not).
 */
function incident(slo: ServiceLevelObjective, spend: number, longMinutes: number, justUnder: boolean) {
  const periods = longMinutes / PERIOD_MINUTES;
  if (slo.budgetingMethod === 'Occurrences') {
    const badRequests =
      spend * (justUnder ? 0.95 : 1.05) * errorBudget(slo) * WINDOW_PERIODS * REQUESTS_PER_PERIOD;
    const perPeriod = badRequests / periods / REQUESTS_PER_PERIOD;
    return series(slo, (fromEnd) => (fromEnd < periods ? perPeriod : 0));
  }
  const budgetSlices = spend * errorBudget(slo) * WINDOW_PERIODS;
  const slowSlices = justUnder ? Math.floor(budgetSlices) : Math.floor(budgetSlices) + 1;
  const slow = new Set(Array.from({ length: slowSlices }, (_, i) => Math.round((i * periods) / slowSlices)));
  return series(slo, (fromEnd) => (slow.has(fromEnd) ? 1 : 0));
}

/** Healthy: failures and slow slices at half the rate the budget allows, scattered, never clustered. */
function healthy(slo: ServiceLevelObjective): PeriodOutcome[] {
  if (slo.budgetingMethod === 'Occurrences') return series(slo, () => errorBudget(slo) / 2);
  const every = Math.round(2 / errorBudget(slo));
  return series(slo, (fromEnd) => (fromEnd % every === every - 1 ? 1 : 0));
}

const INCIDENTS = [
  { spend: 0.02, longMinutes: 60, fires: ['page-1h-5m'] },
  { spend: 0.05, longMinutes: 6 * 60, fires: ['page-6h-30m'] },
  // 10% in one day is also 10% of the last three days: both tickets, as the SRE Workbook's table intends.
  { spend: 0.1, longMinutes: 24 * 60, fires: ['ticket-1d-2h', 'ticket-3d-6h'] },
  { spend: 0.1, longMinutes: 3 * 24 * 60, fires: ['ticket-3d-6h'] },
];

/** An incident can happen only if the window holds enough events to spend that much budget. */
function possible(slo: ServiceLevelObjective, spend: number, longMinutes: number): boolean {
  return spend * errorBudget(slo) * WINDOW_PERIODS * 1.05 <= longMinutes / PERIOD_MINUTES;
}

describe.each(SLO_DEFINITION.objectives)('burn-rate alerts of $name', (slo) => {
  const kept = new Set(alertPairsFor(SLO_DEFINITION, slo).map((pair) => pair.id));
  const incidents = INCIDENTS.filter(({ spend, longMinutes }) => possible(slo, spend, longMinutes));

  it.each(incidents)(
    'an incident spending $spend of the budget in $longMinutes minutes fires exactly $fires (of those kept)',
    ({ spend, longMinutes, fires }) => {
      expect(firingAlerts(SLO_DEFINITION, slo, incident(slo, spend, longMinutes, false), AT)).toEqual(
        fires.filter((id) => kept.has(id)),
      );
    },
  );

  it.each(incidents)(
    'an incident spending just under $spend of the budget in $longMinutes minutes fires nothing',
    ({ spend, longMinutes }) => {
      expect(firingAlerts(SLO_DEFINITION, slo, incident(slo, spend, longMinutes, true), AT)).toEqual([]);
    },
  );

  it('a healthy series fires none', () => {
    expect(firingAlerts(SLO_DEFINITION, slo, healthy(slo), AT)).toEqual([]);
  });

  it('no traffic at all fires none and does not crash', () => {
    expect(firingAlerts(SLO_DEFINITION, slo, [], AT)).toEqual([]);
  });
});
