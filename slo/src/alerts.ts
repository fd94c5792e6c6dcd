/**
 * Exact multiwindow burn-rate evaluation: an alert fires when both its long and its short window, ending at
 * `at`, burn faster than its factor. The synthetic-incident tests and the report use this.
 */

import { alertPairsFor } from './burn-rate.ts';
import type { ServiceLevelObjective, SloDefinition } from './definition.ts';
import { burnRate, minutesToMs, type PeriodOutcome, windowTotals } from './sli.ts';

export function burnRateOver(
  slo: ServiceLevelObjective,
  outcomes: readonly PeriodOutcome[],
  windowMinutes: number,
  at: number,
): number | undefined {
  return burnRate(slo, windowTotals(slo, outcomes, at - minutesToMs(windowMinutes), at));
}

/** Ids ('page-1h-5m', ...) of the alerts that fire for this SLO at `at`; only pairs that can fire are kept. */
export function firingAlerts(
  definition: SloDefinition,
  slo: ServiceLevelObjective,
  outcomes: readonly PeriodOutcome[],
  at: number,
): string[] {
  return alertPairsFor(definition, slo)
    .filter((pair) => {
      const long = burnRateOver(slo, outcomes, pair.longMinutes, at);
      const short = burnRateOver(slo, outcomes, pair.shortMinutes, at);
      return long !== undefined && short !== undefined && long > pair.factor && short > pair.factor;
    })
    .map((pair) => pair.id);
}
