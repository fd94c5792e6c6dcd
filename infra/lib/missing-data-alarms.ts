import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type Severity, SLO_DEFINITION, type SloDefinition } from '../../slo/src/definition.ts';
import type { LambdaTarget } from '../../slo/src/metric-sources.ts';
import { type MissingDataAlarmSpec, missingDataAlarmPlan } from '../../slo/src/missing-data-plan.ts';
import { validateDefinition } from '../../slo/src/validate.ts';
import { toMetric } from './plan-metrics.ts';

export interface MissingDataAlarmsProps {
  readonly target: LambdaTarget;
  readonly topics: Readonly<Record<Severity, ITopic>>;
  /** Names alarms '<prefix>-<id>', e.g. 'shiftgate-prod-app-metrics-missing'. */
  readonly alarmNamePrefix: string;
  /** The stage setting: live must be invoked at least once per window this long; null where idling is normal. */
  readonly expectInvocationsWithin: string | null;
  /** @default SLO_DEFINITION from slo/src/definition.ts */
  readonly definition?: SloDefinition;
}

const COMPARISON: Record<MissingDataAlarmSpec['comparison'], ComparisonOperator> = {
  GreaterThanThreshold: ComparisonOperator.GREATER_THAN_THRESHOLD,
  LessThanThreshold: ComparisonOperator.LESS_THAN_THRESHOLD,
};
const MISSING: Record<MissingDataAlarmSpec['treatMissingData'], TreatMissingData> = {
  notBreaching: TreatMissingData.NOT_BREACHING,
  breaching: TreatMissingData.BREACHING,
};

/**
 * The alarms that fire when the SLO alarms would be blind (slo/src/missing-data-plan.ts): live invoked while the
 * app publishes nothing for its stage, or, where traffic is expected, live not invoked at all. One loop over the
 * plan; each alarm notifies the topic of its severity.
 */
export class MissingDataAlarms extends Construct {
  constructor(scope: Construct, id: string, props: MissingDataAlarmsProps) {
    super(scope, id);
    const definition = validateDefinition(props.definition ?? SLO_DEFINITION);
    const plan = missingDataAlarmPlan(definition, props.target, {
      expectInvocationsWithin: props.expectInvocationsWithin ?? undefined,
    });
    for (const spec of plan) {
      const alarm = new Alarm(this, spec.id, {
        alarmName: `${props.alarmNamePrefix}-${spec.id}`,
        metric: toMetric(spec.source, spec.periodSeconds),
        threshold: spec.threshold,
        comparisonOperator: COMPARISON[spec.comparison],
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: MISSING[spec.treatMissingData],
        alarmDescription: `[${spec.severity}] ${spec.description}`,
      });
      alarm.addAlarmAction(new SnsAction(props.topics[spec.severity]));
    }
  }
}
