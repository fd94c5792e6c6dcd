import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { SloAlarms } from './slo-alarms.ts';

const ENV = { account: '123456789012', region: 'ap-northeast-1' };
const PAGE_TOPIC_ARN = `arn:aws:sns:${ENV.region}:${ENV.account}:page`;
const TICKET_TOPIC_ARN = `arn:aws:sns:${ENV.region}:${ENV.account}:ticket`;

function stackWithAlarms(app: App): { stack: Stack; alarms: SloAlarms } {
  const stack = new Stack(app, 'SloAlarmsTest', { env: ENV });
  const alarms = new SloAlarms(stack, 'Slo', {
    functionName: 'predictor-fn',
    aliasName: 'live',
    alarmNamePrefix: 'shiftgate-test',
    pageTopic: Topic.fromTopicArn(stack, 'Page', PAGE_TOPIC_ARN),
    ticketTopic: Topic.fromTopicArn(stack, 'Ticket', TICKET_TOPIC_ARN),
  });
  return { stack, alarms };
}

describe('SloAlarms', () => {
  let template: Template;
  let alarms: SloAlarms;

  beforeAll(() => {
    const built = stackWithAlarms(new App());
    alarms = built.alarms;
    template = Template.fromStack(built.stack);
    // The first synth loads most of aws-cdk-lib; on a busy 2-core runner that alone can take 20 s.
  }, 90_000);

  it('creates a long and a short alarm and one composite per SLO x window pair', () => {
    const pairs = SLO_DEFINITION.objectives.length * SLO_DEFINITION.burnRateAlerts.length;
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', pairs);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2 * pairs);
    expect(alarms.pageAlarmNames).toHaveLength(SLO_DEFINITION.objectives.length * 2);
  });

  it('alarms on success-only p95 latency in 2 of 12 five-minute slices for the 1h page window', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Shiftgate',
      MetricName: 'Latency',
      Dimensions: Match.arrayWith([{ Name: 'StatusClass', Value: '2xx' }]),
      ExtendedStatistic: 'p95',
      Period: 300,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 2,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('keeps the 3-day latency window inside CloudWatch limits with hourly periods', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ExtendedStatistic: 'p50',
      Period: 3600,
      EvaluationPeriods: 72,
      DatapointsToAlarm: 9,
      Threshold: 60,
    });
  });

  it('computes availability from the app 5xx and the alias Errors, Throttles and Invocations', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.01344,
      EvaluationPeriods: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: Match.stringLikeRegexp('serverErrors.*errors.*throttles'),
          ReturnData: true,
        }),
        Match.objectLike({
          Id: 'throttles',
          MetricStat: Match.objectLike({
            Period: 3600,
            Stat: 'Sum',
            Metric: Match.objectLike({
              Namespace: 'AWS/Lambda',
              MetricName: 'Throttles',
              Dimensions: Match.arrayWith([{ Name: 'Resource', Value: 'predictor-fn:live' }]),
            }),
          }),
        }),
      ]),
    });
  });

  it('joins each pair with AND and routes pages and tickets to their topics', () => {
    const composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    for (const composite of composites) {
      const rule = JSON.stringify(composite.Properties.AlarmRule);
      expect(rule.match(/ALARM\(/g)).toHaveLength(2);
      expect(rule).toContain(' AND ');
      const severity = String(composite.Properties.AlarmDescription).startsWith('[page]') ? 'page' : 'ticket';
      expect(composite.Properties.AlarmActions).toEqual([
        severity === 'page' ? PAGE_TOPIC_ARN : TICKET_TOPIC_ARN,
      ]);
    }
  });

  it('names composite alarms after the prefix, so the release and the topics can tell them', () => {
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'shiftgate-test-latency-p95-page-1h-5m',
    });
    for (const name of alarms.pageAlarmNames) expect(name).toMatch(/^shiftgate-test-[a-z0-9-]+-page-/);
  });

  it('refuses an invalid definition at synth time, naming the problem', () => {
    const stack = new Stack(new App(), 'Bad');
    const definition = structuredClone(SLO_DEFINITION);
    definition.timeWindow.duration = '4w' as never;
    expect(
      () =>
        new SloAlarms(stack, 'Slo', {
          functionName: 'f',
          aliasName: 'live',
          alarmNamePrefix: 'p',
          definition,
        }),
    ).toThrow("timeWindow.duration: Invalid duration '4w'");
  });

  it('passes cdk-nag AwsSolutions checks', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    stackWithAlarms(app);
    expect(() => app.synth()).not.toThrow();
  }, 60_000);

  it('would fail cdk-nag on a finding (the check above can fail)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const { stack } = stackWithAlarms(app);
    new Topic(stack, 'UnencryptedTopic');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS/);
  }, 60_000);
});
