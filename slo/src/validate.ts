/**
 * Checks an SLO definition before anything is derived from it. Every problem is reported at once, each naming
 * the field, its value and the fix, so a bad edit to definition.ts fails the tests and every CLI at start-up.
 *
 * An alert that can never fire for one SLO (its factor at or above that SLO's highest burn rate) is not a
 * problem: it is named by `definitionNotices` and the alarm plan leaves it out. An SLO left with no alert at
 * all is a problem: nothing would ever tell anyone it is burning.
 */
import { alertPairsFor, burnRateWindowPairs, unfireableAlerts } from './burn-rate.ts';
import type { BurnRateAlert, ServiceLevelObjective, SloDefinition } from './definition.ts';
import { durationMinutes } from './duration.ts';

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class SloDefinitionError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid SLO definition (slo/src/definition.ts):\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'SloDefinitionError';
    this.problems = problems;
  }
}

/** Returns the definition unchanged when it is valid; throws SloDefinitionError listing every problem. */
export function validateDefinition(definition: SloDefinition): SloDefinition {
  const problems: string[] = [];
  const windowMinutes = checkDuration(problems, 'timeWindow.duration', definition.timeWindow.duration);

  for (const [group, names] of Object.entries({
    metrics: definition.metrics,
    published: definition.published,
  })) {
    for (const [key, value] of Object.entries(names)) {
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push(`${group}.${key} is '${String(value)}'; name the CloudWatch ${key}`);
      }
    }
  }
  if (definition.objectives.length === 0) problems.push('objectives is empty; define at least one SLO');
  const availabilityCount = definition.objectives.filter((o) => o.indicator.kind === 'availability').length;
  if (availabilityCount !== 1) {
    problems.push(`objectives has ${availabilityCount} availability SLOs; exactly one is required`);
  }
  const seen = new Set<string>();
  definition.objectives.forEach((slo, index) => {
    const where = `objectives[${index}] '${slo.name}'`;
    if (seen.has(slo.name)) problems.push(`${where}: name is used twice; names must be unique`);
    seen.add(slo.name);
    checkObjective(problems, where, slo, windowMinutes);
  });

  if (definition.burnRateAlerts.length === 0) problems.push('burnRateAlerts is empty; define at least one');
  definition.burnRateAlerts.forEach((alert, index) => {
    checkAlert(problems, `burnRateAlerts[${index}]`, alert, definition.objectives, windowMinutes);
  });

  if (problems.length === 0) {
    for (const slo of definition.objectives) {
      if (alertPairsFor(definition, slo).length === 0 && burnRateWindowPairs(definition).length > 0) {
        problems.push(
          `'${slo.name}': none of burnRateAlerts can fire for it (target ${slo.target}); add an alert whose ` +
            'factor is below 1 / budget, or raise the target',
        );
      }
    }
  }
  if (problems.length > 0) throw new SloDefinitionError(problems);
  return definition;
}

/** What validation notes without rejecting: each (SLO x alert) that can never fire, and why. */
export function definitionNotices(definition: SloDefinition): string[] {
  return unfireableAlerts(definition).map((alert) => alert.reason);
}

function checkObjective(
  problems: string[],
  where: string,
  slo: ServiceLevelObjective,
  windowMinutes: number | undefined,
): void {
  if (!NAME_PATTERN.test(slo.name)) {
    problems.push(`${where}: name must be kebab-case (lower-case letters, digits and single dashes)`);
  }
  if (!(Number.isFinite(slo.target) && slo.target > 0 && slo.target < 1)) {
    problems.push(
      `${where}: target is ${slo.target}; use a fraction between 0 and 1 exclusive (0.999 = 99.9%)`,
    );
  }
  const indicator = slo.indicator;
  if (indicator.kind === 'availability') {
    if (slo.budgetingMethod !== 'Occurrences') {
      problems.push(
        `${where}: budgetingMethod is ${slo.budgetingMethod}; availability counts requests: use Occurrences`,
      );
    }
    if (
      !(
        Number.isInteger(indicator.badStatusFrom) &&
        indicator.badStatusFrom >= 500 &&
        indicator.badStatusFrom <= 599
      )
    ) {
      problems.push(
        `${where}: indicator.badStatusFrom is ${indicator.badStatusFrom}; use an HTTP 5xx status (500)`,
      );
    }
    return;
  }
  if (!(Number.isFinite(indicator.thresholdMs) && indicator.thresholdMs > 0)) {
    problems.push(
      `${where}: indicator.thresholdMs is ${indicator.thresholdMs}; use a positive number of milliseconds`,
    );
  }
  if (slo.budgetingMethod === 'Occurrences') {
    if (indicator.percentile !== undefined) {
      problems.push(
        `${where}: indicator.percentile is ${indicator.percentile} on an Occurrences SLO, whose percentile is ` +
          'the target; remove it (or use Timeslices)',
      );
    }
    if (slo.timeSliceWindow !== undefined) {
      problems.push(`${where}: timeSliceWindow is set on an Occurrences SLO; remove it (or use Timeslices)`);
    }
    return;
  }
  const percentile = indicator.percentile;
  if (percentile === undefined || !(Number.isFinite(percentile) && percentile > 0 && percentile < 100)) {
    problems.push(
      `${where}: indicator.percentile is ${percentile}; a Timeslices SLO needs one between 0 and 100 exclusive (95 for p95)`,
    );
  }
  if (slo.timeSliceWindow === undefined) {
    problems.push(`${where}: timeSliceWindow is missing; Timeslices needs one (e.g. '5m')`);
    return;
  }
  const slice = checkDuration(problems, `${where}: timeSliceWindow`, slo.timeSliceWindow);
  if (slice !== undefined && windowMinutes !== undefined && windowMinutes % slice !== 0) {
    problems.push(
      `${where}: timeSliceWindow ${slo.timeSliceWindow} does not divide timeWindow evenly; pick a divisor`,
    );
  }
}

function checkAlert(
  problems: string[],
  where: string,
  alert: BurnRateAlert,
  objectives: readonly ServiceLevelObjective[],
  windowMinutes: number | undefined,
): void {
  const long = checkDuration(problems, `${where}.longWindow`, alert.longWindow);
  const short = checkDuration(problems, `${where}.shortWindow`, alert.shortWindow);
  if (long !== undefined && short !== undefined && short >= long) {
    problems.push(
      `${where}: shortWindow ${alert.shortWindow} must be shorter than longWindow ${alert.longWindow}`,
    );
  }
  if (long !== undefined && windowMinutes !== undefined && long > windowMinutes) {
    problems.push(`${where}: longWindow ${alert.longWindow} is longer than the SLO window; shorten it`);
  }
  if (!(Number.isFinite(alert.budgetConsumed) && alert.budgetConsumed > 0 && alert.budgetConsumed <= 1)) {
    problems.push(
      `${where}: budgetConsumed is ${alert.budgetConsumed}; use a fraction in (0, 1] (0.02 = 2%)`,
    );
    return;
  }
  if (long === undefined) return;
  for (const slo of objectives) {
    const slice = slo.timeSliceWindow === undefined ? undefined : safeMinutes(slo.timeSliceWindow);
    if (slice !== undefined && short !== undefined && (short % slice !== 0 || long % slice !== 0)) {
      problems.push(
        `${where}: windows ${alert.longWindow}/${alert.shortWindow} are not whole ${slo.timeSliceWindow} slices ` +
          `of '${slo.name}'; use multiples of the slice`,
      );
    }
  }
}

function checkDuration(problems: string[], where: string, value: string): number | undefined {
  try {
    return durationMinutes(value);
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
    return undefined;
  }
}

function safeMinutes(value: string): number | undefined {
  try {
    return durationMinutes(value);
  } catch {
    return undefined;
  }
}
