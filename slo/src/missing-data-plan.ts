/**
 * Alarms that fire when the SLO alarms would be blind, as plain data for infra/lib. Every burn-rate alarm treats
 * missing data as "not breaching" (no requests hurt nobody), so without these a service that stops emitting its
 * metrics, or stops being invoked, would look perfectly healthy:
 * - `app-metrics-missing`: Lambda counted invocations on the alias but the app published no Latency value for
 *   this stage and alias for a whole hour (wrong Stage/Alias/namespace, EMF broken, every request crashing).
 *   At least MIN_INVOCATIONS_WITHOUT_APP_METRICS, so that a /health probe at most once a minute (which rightly
 *   emits nothing) does not fire it in an hour without real traffic. A faster /health probe would: it would
 *   raise this ticket in every quiet hour. A synthetic probe should POST /predict instead, which emits the
 *   app's metrics (and feeds the SLOs), so it never fires this alarm and proves the SLI path end to end.
 * - `invocations-missing`, only where traffic is expected (say prod with a canary): no invocation at all in
 *   the given window; missing data is breaching here, since Lambda publishes no zero.
 */

import type { AlarmSource } from './alarm-plan.ts';
import { alarmPeriodDurationProblem } from './cloudwatch-limits.ts';
import type { Severity, SloDefinition } from './definition.ts';
import { durationMinutes, formatMinutes, SECONDS_PER_MINUTE } from './duration.ts';
import {
  APP_STATUS_CLASSES,
  appLatencyOnAlias,
  invocationsSource,
  type LambdaTarget,
} from './metric-sources.ts';

/** More than one per minute over the hour: above what a /health probe at most once a minute produces. */
export const MIN_INVOCATIONS_WITHOUT_APP_METRICS = 61;
const APP_METRICS_WINDOW_MINUTES = 60;

export interface MissingDataAlarmSpec {
  id: 'app-metrics-missing' | 'invocations-missing';
  severity: Severity;
  source: AlarmSource;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  treatMissingData: 'notBreaching' | 'breaching';
  description: string;
}

export interface MissingDataOptions {
  /** Alarm when the alias had no invocation at all for this long ('1h' .. '1d'); omit where idling is normal. */
  expectInvocationsWithin?: string;
}

export function missingDataAlarmPlan(
  definition: SloDefinition,
  target: LambdaTarget,
  options: MissingDataOptions = {},
): MissingDataAlarmSpec[] {
  const invocations = invocationsSource(target);
  const appRequests: Record<string, ReturnType<typeof appLatencyOnAlias>> = {};
  for (const statusClass of APP_STATUS_CLASSES) {
    appRequests[`app${statusClass}`] = appLatencyOnAlias(
      definition.metrics,
      target,
      statusClass,
      'SampleCount',
    );
  }
  const appSum = Object.keys(appRequests)
    .map((id) => `FILL(${id}, 0)`)
    .join(' + ');
  const specs: MissingDataAlarmSpec[] = [
    {
      id: 'app-metrics-missing',
      severity: 'ticket',
      source: {
        kind: 'expression',
        // Nested IFs: the simulator that tests this alarm (testing/cloudwatch-simulator.ts) models IF, not AND.
        expression: `IF(FILL(invocations, 0) >= ${MIN_INVOCATIONS_WITHOUT_APP_METRICS}, IF((${appSum}) == 0, 1, 0), 0)`,
        metrics: { invocations, ...appRequests },
      },
      periodSeconds: APP_METRICS_WINDOW_MINUTES * SECONDS_PER_MINUTE,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      description:
        `${target.functionName}:${target.aliasName} was invoked ${MIN_INVOCATIONS_WITHOUT_APP_METRICS}+ times in ` +
        `an hour but the app published no ${definition.metrics.latencyMetric} for Stage=${target.stage}: ` +
        'the SLO alarms are blind. See docs/slo.md.',
    },
  ];
  if (options.expectInvocationsWithin !== undefined) {
    const minutes = durationMinutes(options.expectInvocationsWithin);
    const problem = alarmPeriodDurationProblem(options.expectInvocationsWithin);
    if (problem !== undefined) throw new Error(`expectInvocationsWithin ${problem}`);
    specs.push({
      id: 'invocations-missing',
      severity: 'page',
      source: { kind: 'metric', metric: invocations },
      periodSeconds: minutes * SECONDS_PER_MINUTE,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparison: 'LessThanThreshold',
      treatMissingData: 'breaching',
      description: `${target.functionName}:${target.aliasName} had no invocation in ${formatMinutes(minutes)}, where traffic is expected.`,
    });
  }
  return specs;
}
