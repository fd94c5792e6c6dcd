import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { MissingDataAlarms } from './missing-data-alarms.ts';
import { TEST_ENV } from './testing/synth.ts';

const PAGE_TOPIC_ARN = `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:page`;
const TICKET_TOPIC_ARN = `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:ticket`;

function synth(expectInvocationsWithin: string | null): Template {
  const stack = new Stack(new App(), 'MissingDataTest', { env: TEST_ENV });
  new MissingDataAlarms(stack, 'MissingData', {
    target: { functionName: 'predictor-fn', aliasName: 'live', stage: 'prod' },
    topics: {
      page: Topic.fromTopicArn(stack, 'Page', PAGE_TOPIC_ARN),
      ticket: Topic.fromTopicArn(stack, 'Ticket', TICKET_TOPIC_ARN),
    },
    alarmNamePrefix: 'shiftgate-prod',
    expectInvocationsWithin,
  });
  return Template.fromStack(stack);
}

describe('MissingDataAlarms', () => {
  it('raises a ticket when live is invoked but the app publishes nothing for its stage and alias', () => {
    const template = synth(null);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shiftgate-prod-app-metrics-missing',
      AlarmActions: [TICKET_TOPIC_ARN],
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('invocations.*app2xx.*app4xx.*app5xx') }),
        Match.objectLike({
          Id: 'app4xx',
          MetricStat: Match.objectLike({
            Stat: 'SampleCount',
            Metric: Match.objectLike({
              Namespace: 'Shiftgate',
              Dimensions: Match.arrayWith([
                { Name: 'Alias', Value: 'live' },
                { Name: 'Stage', Value: 'prod' },
                { Name: 'StatusClass', Value: '4xx' },
              ]),
            }),
          }),
        }),
      ]),
    });
  }, 60_000);

  it('pages when a stage that expects traffic has no invocation at all in the window', () => {
    const template = synth('1h');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shiftgate-prod-invocations-missing',
      AlarmActions: [PAGE_TOPIC_ARN],
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: Match.arrayWith([{ Name: 'Resource', Value: 'predictor-fn:live' }]),
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // Lambda publishes no zero: no datapoint is the silence this alarm is for.
      TreatMissingData: 'breaching',
    });
  });

  it('refuses a window CloudWatch cannot evaluate in one period', () => {
    expect(() => synth('2d')).toThrow(/expectInvocationsWithin '2d' is longer than CloudWatch's one-day/);
  });
});
