/**
 * Multiwindow, multi-burn-rate SLO alarms for the predictor, generated from slo/src/definition.ts: one alarm
 * per window and a composite (long AND short) per SLO x window pair, paging or ticketing by severity. Every
 * number comes from the alarm plan in slo/src/alarm-plan.ts; this construct only turns that table into
 * CloudWatch resources with one loop.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  ComparisonOperator,
  CompositeAlarm,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type AlarmSource, sloAlarmPlan, type WindowAlarmSpec } from '../../slo/src/alarm-plan.ts';
import type { Severity, SloDefinition } from '../../slo/src/definition.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import type { MetricRef } from '../../slo/src/metric-sources.ts';
import { validateDefinition } from '../../slo/src/validate.ts';

export interface SloAlarmsProps {
  /** The function whose alias serves traffic (its AWS/Lambda metrics cover crashes, timeouts, throttles). */
  readonly functionName: string;
  /** The alias traffic goes through, e.g. 'live'. */
  readonly aliasName: string;
  /** EMF namespace of the service's metrics. @default the definition's metrics.namespace ('Shiftgate') */
  readonly namespace?: string;
  /** Value of the EMF `service` dimension. @default the definition's metrics.service ('predictor') */
  readonly service?: string;
  /** Notified when a page-severity composite alarm fires. @default no action */
  readonly pageTopic?: ITopic;
  /** Notified when a ticket-severity composite alarm fires. @default no action */
  readonly ticketTopic?: ITopic;
  /**
   * Names composite alarms '<prefix>-<id>' (e.g. 'shiftgate-prod-latency-p95-page-1h-5m'): the release finds
   * them by name, and the alert topics accept only alarms named after their stage.
   */
  readonly alarmNamePrefix: string;
  /** @default SLO_DEFINITION from slo/src/definition.ts */
  readonly definition?: SloDefinition;
}

export interface SloBurnRateAlarm {
  /** '<slo>-<severity>-<long>-<short>', e.g. 'latency-p95-page-1h-5m'. */
  readonly id: string;
  readonly severity: Severity;
  /** '<alarmNamePrefix>-<id>', known at synth. */
  readonly alarmName: string;
  readonly alarm: CompositeAlarm;
}

export class SloAlarms extends Construct {
  readonly burnRateAlarms: readonly SloBurnRateAlarm[];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const base = validateDefinition(props.definition ?? SLO_DEFINITION);
    const definition: SloDefinition = {
      ...base,
      metrics: {
        ...base.metrics,
        namespace: props.namespace ?? base.metrics.namespace,
        service: props.service ?? base.metrics.service,
      },
    };
    const topics: Record<Severity, ITopic | undefined> = { page: props.pageTopic, ticket: props.ticketTopic };
    const plan = sloAlarmPlan(definition, { functionName: props.functionName, aliasName: props.aliasName });

    this.burnRateAlarms = plan.map((spec) => {
      const long = this.windowAlarm(spec.long);
      const short = this.windowAlarm(spec.short);
      const alarmName = `${props.alarmNamePrefix}-${spec.id}`;
      const alarm = new CompositeAlarm(this, spec.id, {
        compositeAlarmName: alarmName,
        alarmRule: AlarmRule.allOf(
          AlarmRule.fromAlarm(long, AlarmState.ALARM),
          AlarmRule.fromAlarm(short, AlarmState.ALARM),
        ),
        alarmDescription: `[${spec.severity}] ${spec.description}`,
      });
      const topic = topics[spec.severity];
      if (topic !== undefined) alarm.addAlarmAction(new SnsAction(topic));
      return { id: spec.id, severity: spec.severity, alarmName, alarm };
    });
  }

  /** Names of the composite alarms that page on-call (and roll back a release in progress). */
  get pageAlarmNames(): string[] {
    return this.burnRateAlarms.filter((entry) => entry.severity === 'page').map((entry) => entry.alarmName);
  }

  private windowAlarm(spec: WindowAlarmSpec): Alarm {
    return new Alarm(this, spec.id, {
      metric: toMetric(spec.source, Duration.seconds(spec.periodSeconds)),
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      // No requests in a period hurt nobody: it is never a bad period.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: spec.description,
    });
  }
}

function toMetric(source: AlarmSource, period: Duration): IMetric {
  if (source.kind === 'metric') return toCdkMetric(source.metric, period);
  const usingMetrics: Record<string, IMetric> = {};
  for (const [id, metric] of Object.entries(source.metrics)) usingMetrics[id] = toCdkMetric(metric, period);
  return new MathExpression({ expression: source.expression, usingMetrics, period });
}

function toCdkMetric(metric: MetricRef, period: Duration): Metric {
  return new Metric({
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensionsMap: metric.dimensions,
    statistic: metric.statistic,
    period,
  });
}
