import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BURN_RATE_PUBLISH_INTERVAL_MINUTES } from '../../slo/src/alarm-plan.ts';
import { type Severity, SLO_DEFINITION } from '../../slo/src/definition.ts';
import type { LambdaTarget } from '../../slo/src/metric-sources.ts';
import { SLO_ENV } from '../../slo/src/slo-env.ts';
import type { AlertingSettings } from '../config/stages.ts';
import { BurnRatePublisher } from './burn-rate-publisher.ts';
import { MissingDataAlarms } from './missing-data-alarms.ts';
import { toCdkMetric } from './plan-metrics.ts';
import { SloAlarms } from './slo-alarms.ts';

export interface SloMonitoringProps {
  /** The function, its traffic alias and the stage whose metrics every alarm reads. */
  readonly target: LambdaTarget;
  readonly topics: Readonly<Record<Severity, ITopic>>;
  /** Every alarm that notifies is named '<prefix>-<id>'. */
  readonly alarmNamePrefix: string;
  readonly alerting: AlertingSettings;
  /** Of the publisher's log group. */
  readonly logRetentionDays: number;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PUBLISHER_ENTRY = fileURLToPath(new URL('../../slo/src/publisher/handler.ts', import.meta.url));

/**
 * Everything that watches one stage's SLOs: the burn-rate alarms, the alarms for when they would be blind, and
 * the publisher of the burn rates CloudWatch cannot compute itself (deployed only when an alarm reads them).
 */
export class SloMonitoring extends Construct {
  readonly sloAlarms: SloAlarms;
  readonly publisher: BurnRatePublisher | undefined;

  constructor(scope: Construct, id: string, props: SloMonitoringProps) {
    super(scope, id);
    const { target, topics, alarmNamePrefix } = props;
    this.sloAlarms = new SloAlarms(this, 'BurnRate', { target, topics, alarmNamePrefix });
    const { expectInvocationsWithin } = props.alerting;
    new MissingDataAlarms(this, 'MissingData', {
      target,
      topics,
      alarmNamePrefix,
      expectInvocationsWithin,
    });

    const [heartbeat] = this.sloAlarms.publishedSeries;
    this.publisher =
      heartbeat === undefined
        ? undefined
        : new BurnRatePublisher(this, 'Publisher', {
            entry: PUBLISHER_ENTRY,
            projectRoot: REPO_ROOT,
            environment: {
              [SLO_ENV.functionName]: target.functionName,
              [SLO_ENV.aliasName]: target.aliasName,
              [SLO_ENV.stage]: target.stage,
              [SLO_ENV.namespace]: SLO_DEFINITION.metrics.namespace,
            },
            namespace: SLO_DEFINITION.metrics.namespace,
            every: Duration.minutes(BURN_RATE_PUBLISH_INTERVAL_MINUTES),
            // Where the stage may idle, the publisher rightly publishes nothing for lack of data.
            heartbeat:
              expectInvocationsWithin === null
                ? undefined
                : toCdkMetric(heartbeat, Duration.minutes(BURN_RATE_PUBLISH_INTERVAL_MINUTES)),
            logRetentionDays: props.logRetentionDays,
            ticketTopic: topics.ticket,
            alarmName: `${alarmNamePrefix}-slo-publisher`,
          });
  }
}
