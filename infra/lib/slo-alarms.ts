/**
 * Multiwindow, multi-burn-rate SLO alarms for the predictor, generated from slo/src/definition.ts: one alarm
 * per window and a composite (long AND short) per SLO x window pair that can fire, paging or ticketing by
 * severity. Every number comes from the alarm plan in slo/src/alarm-plan.ts; this construct only turns that
 * table into CloudWatch resources with one loop.
 */
import {
  Alarm,
  AlarmRule,
  AlarmState,
  ComparisonOperator,
  CompositeAlarm,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { sloAlarmPlan, type WindowAlarmSpec } from '../../slo/src/alarm-plan.ts';
import type { Severity, SloDefinition } from '../../slo/src/definition.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import type { LambdaTarget, MetricRef } from '../../slo/src/metric-sources.ts';
import { validateDefinition } from '../../slo/src/validate.ts';
import { toMetric } from './plan-metrics.ts';

export interface SloAlarmsProps {
  /** The function, its traffic alias ('live') and the stage whose app metrics to read. */
  readonly target: LambdaTarget;
  /** Notified by the composites of each severity. */
  readonly topics: Readonly<Record<Severity, ITopic>>;
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
  /** The published BurnRate series these alarms read (windows over a day); the publisher must keep them fed. */
  readonly publishedSeries: readonly MetricRef[];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const definition = validateDefinition(props.definition ?? SLO_DEFINITION);
    const plan = sloAlarmPlan(definition, props.target);
    const published: MetricRef[] = [];

    this.burnRateAlarms = plan.map((spec) => {
      for (const { source } of [spec.long, spec.short]) {
        if (source.kind === 'metric' && source.metric.metricName === definition.published.burnRateMetric) {
          published.push(source.metric);
        }
      }
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
      alarm.addAlarmAction(new SnsAction(props.topics[spec.severity]));
      return { id: spec.id, severity: spec.severity, alarmName, alarm };
    });
    this.publishedSeries = published;
  }

  /** Names of the composite alarms that page on-call (and roll back a release in progress). */
  get pageAlarmNames(): string[] {
    return this.burnRateAlarms.filter((entry) => entry.severity === 'page').map((entry) => entry.alarmName);
  }

  private windowAlarm(spec: WindowAlarmSpec): Alarm {
    return new Alarm(this, spec.id, {
      metric: toMetric(spec.source, spec.periodSeconds),
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      // No requests in a period hurt nobody: it is never a bad period. (Silence has alarms of its own.)
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: spec.description,
    });
  }
}
