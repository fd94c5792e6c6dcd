import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  ComparisonOperator,
  CompositeAlarm,
  type IAlarm,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HELPER_FUNCTION_DEFAULTS, helperFunctionEnvironment } from './helper-function.ts';
import { retentionOf } from './log-retention.ts';

export interface BurnRatePublisherProps {
  /** The handler's TypeScript file; esbuild bundles it with its imports (the AWS SDK included). */
  readonly entry: string;
  /** The repository root: where package-lock.json and node_modules are. */
  readonly projectRoot: string;
  /** What the handler reads: which function, alias and stage to measure. */
  readonly environment: Record<string, string>;
  /** The only namespace the function may write metrics to. */
  readonly namespace: string;
  /** How often it runs; each run publishes one datapoint per series. */
  readonly every: Duration;
  /**
   * One of the series it publishes, where the stage expects traffic: no datapoint in three runs' time means it
   * stopped publishing. Omit where the stage may idle: the publisher rightly publishes nothing without data.
   */
  readonly heartbeat?: Metric;
  readonly logRetentionDays: number;
  /** Notified when the publisher fails or goes silent. */
  readonly ticketTopic: ITopic;
  /** Name of the failure alarm, e.g. 'shiftgate-prod-burn-rate-publisher'. */
  readonly alarmName: string;
}

/** Runs in a row that fail, or go missing, before a ticket: one failure is retried by the next run anyway. */
const RUNS_TO_ALARM = 2;
const RUNS_EVALUATED = 3;

/**
 * A small scheduled function that computes the burn rates CloudWatch alarms cannot (windows longer than their
 * one-day limit) and publishes them as metrics that an ordinary alarm can watch. Bundled by the local esbuild
 * (no Docker), run by an EventBridge schedule, allowed to read any metric (GetMetricData has no resource-level
 * form) and to write only to its namespace; it raises a ticket when it fails or stops publishing, since every
 * alarm on its figures treats missing data as "not breaching".
 */
export class BurnRatePublisher extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: BurnRatePublisherProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: retentionOf(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Runs the shiftgate burn-rate publisher: reads metrics, writes its namespace and its logs.',
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.role.addToPolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': props.namespace } },
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      description: 'shiftgate: publishes SLO burn rates over windows CloudWatch alarms cannot span',
      ...HELPER_FUNCTION_DEFAULTS,
      entry: props.entry,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      // A run is a few GetMetricData pages and one PutMetricData; far under the 5-minute schedule.
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup,
      environment: helperFunctionEnvironment(props.environment),
      // A failed run is not retried: the next one, minutes later, recomputes every window from CloudWatch.
      retryAttempts: 0,
    });

    new Rule(this, 'Schedule', {
      description: 'Runs the shiftgate burn-rate publisher',
      schedule: Schedule.rate(props.every),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: props.every })],
    });

    const period = props.every;
    const failing: IAlarm[] = [
      new Alarm(this, 'Errors', {
        metric: this.function.metricErrors({ period, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: RUNS_EVALUATED,
        datapointsToAlarm: RUNS_TO_ALARM,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `The burn-rate publisher failed in ${RUNS_TO_ALARM} of its last ${RUNS_EVALUATED} runs.`,
      }),
    ];
    if (props.heartbeat !== undefined) {
      failing.push(
        new Alarm(this, 'Silent', {
          metric: props.heartbeat.with({ period, statistic: 'SampleCount' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: RUNS_EVALUATED,
          datapointsToAlarm: RUNS_TO_ALARM,
          // No datapoint is exactly what this alarm is for.
          treatMissingData: TreatMissingData.BREACHING,
          alarmDescription: `No burn rate published in ${RUNS_TO_ALARM} of the last ${RUNS_EVALUATED} periods.`,
        }),
      );
    }
    const composite = new CompositeAlarm(this, 'Failing', {
      compositeAlarmName: props.alarmName,
      alarmRule: AlarmRule.anyOf(...failing),
      alarmDescription:
        '[ticket] The burn-rate publisher fails or publishes nothing: the alarms on windows over one day are ' +
        'blind. Read its log group, then docs/infrastructure.md.',
    });
    composite.addAlarmAction(new SnsAction(props.ticketTopic));
  }
}
