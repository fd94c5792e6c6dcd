/**
 * Error budgets and multiwindow burn-rate alerts as plain data (Sloth's "windows" step): a budget is the
 * share of events or time slices allowed to be bad, and an alert's factor is the burn rate that would spend
 * `budgetConsumed` of the whole window's budget within the alert's long window.
 */
import type { ServiceLevelObjective, Severity, SloDefinition } from './definition.ts';
import { durationMinutes } from './duration.ts';

export interface BurnRateWindowPair {
  /** Stable id for names: '<severity>-<long>-<short>', e.g. 'page-1h-5m'. */
  id: string;
  severity: Severity;
  longMinutes: number;
  shortMinutes: number;
  budgetConsumed: number;
  /** Burn rate both windows must exceed: budgetConsumed x SLO window / long window (13.44 for 2% in 1h of 28d). */
  factor: number;
}

/** Share of events (Occurrences) or slices (Timeslices) allowed to be bad: 1 - target. */
export function errorBudget(slo: ServiceLevelObjective): number {
  return 1 - slo.target;
}

/** The fastest an SLO can burn (everything bad); an alert factor at or above it could never fire. */
export function maxBurnRate(slo: ServiceLevelObjective): number {
  return 1 / errorBudget(slo);
}

/** The burn rate that spends `budgetConsumed` of a whole SLO window's budget within `longMinutes`. */
export function burnRateFactor(budgetConsumed: number, sloMinutes: number, longMinutes: number): number {
  return (budgetConsumed * sloMinutes) / longMinutes;
}

export function sloWindowMinutes(definition: SloDefinition): number {
  return durationMinutes(definition.timeWindow.duration);
}

export function burnRateWindowPairs(definition: SloDefinition): BurnRateWindowPair[] {
  const windowMinutes = sloWindowMinutes(definition);
  return definition.burnRateAlerts.map((alert) => {
    const longMinutes = durationMinutes(alert.longWindow);
    return {
      id: `${alert.severity}-${alert.longWindow}-${alert.shortWindow}`,
      severity: alert.severity,
      longMinutes,
      shortMinutes: durationMinutes(alert.shortWindow),
      budgetConsumed: alert.budgetConsumed,
      factor: burnRateFactor(alert.budgetConsumed, windowMinutes, longMinutes),
    };
  });
}

/** An alert left out for one SLO because it could never fire there, with the reason in words. */
export interface UnfireableAlert {
  sloName: string;
  pairId: string;
  factor: number;
  maxBurnRate: number;
  reason: string;
}

/**
 * True when `pair` can fire for `slo`: the alert fires on a burn rate strictly above its factor, and no window
 * can burn faster than 1 / budget (everything bad). "50% in <= 60 ms" has a 50% budget, so it burns at most 2x
 * and the 13.44x, 5.6x and 2.8x alerts could never fire for it.
 */
export function canFire(slo: ServiceLevelObjective, pair: BurnRateWindowPair): boolean {
  return pair.factor < maxBurnRate(slo);
}

/** The window pairs that can fire for this SLO: the only ones alarmed on, evaluated and published. */
export function alertPairsFor(definition: SloDefinition, slo: ServiceLevelObjective): BurnRateWindowPair[] {
  return burnRateWindowPairs(definition).filter((pair) => canFire(slo, pair));
}

/** Every (SLO x window pair) that can never fire, each naming why: the plan leaves these out. */
export function unfireableAlerts(definition: SloDefinition): UnfireableAlert[] {
  return definition.objectives.flatMap((slo) =>
    burnRateWindowPairs(definition)
      .filter((pair) => !canFire(slo, pair))
      .map((pair) => {
        const highest = maxBurnRate(slo);
        return {
          sloName: slo.name,
          pairId: pair.id,
          factor: pair.factor,
          maxBurnRate: highest,
          reason:
            `'${slo.name}' x ${pair.id} can never fire: its factor ${round3(pair.factor)} is not below the ` +
            `highest burn rate ${round3(highest)} (= 1 / budget ${round3(errorBudget(slo))}); left out of the alarms`,
        };
      }),
  );
}

function round3(value: number): number {
  return Number(value.toFixed(3));
}

/** Every distinct window (long and short) the alerts look at, shortest first: what the report prints. */
export function distinctAlertWindows(definition: SloDefinition): number[] {
  const minutes = burnRateWindowPairs(definition).flatMap((pair) => [pair.longMinutes, pair.shortMinutes]);
  return [...new Set(minutes)].sort((a, b) => a - b);
}
