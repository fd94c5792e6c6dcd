import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BurnRatePublisher, type BurnRatePublisherProps } from './burn-rate-publisher.ts';
import { onlyResource, REPO_ROOT, TEST_ENV } from './testing/synth.ts';

const TICKET_TOPIC_ARN = `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:ticket`;

describe('BurnRatePublisher', () => {
  let outdir: string;
  let template: Template;
  let publisher: BurnRatePublisher;
  let stack: Stack;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'shiftgate-publisher-'));
    stack = new Stack(new App({ outdir }), 'PublisherTest', { env: TEST_ENV });
    publisher = new BurnRatePublisher(stack, 'Publisher', props(stack));
    template = Template.fromStack(stack);
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function props(scope: Stack): BurnRatePublisherProps {
    return {
      entry: join(REPO_ROOT, 'infra/lib/testing/publisher-fixture-handler.ts'),
      projectRoot: REPO_ROOT,
      environment: { SHIFTGATE_FUNCTION_NAME: 'predictor-fn' },
      namespace: 'Shiftgate',
      every: Duration.minutes(5),
      heartbeat: new Metric({
        namespace: 'Shiftgate',
        metricName: 'BurnRate',
        dimensionsMap: { service: 'predictor', Stage: 'prod', Slo: 'availability', Window: '3d' },
      }),
      logRetentionDays: 30,
      ticketTopic: Topic.fromTopicArn(scope, 'Ticket', TICKET_TOPIC_ARN),
      alarmName: 'shiftgate-prod-burn-rate-publisher',
    };
  }

  const functionId = () => stack.resolve(publisher.function.functionName).Ref as string;

  it('bundles the handler and the AWS SDK with the local esbuild into one ES module, no Docker', () => {
    const { resource } = onlyResource(template, 'AWS::Lambda::Function');
    expect(resource.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 60,
      Environment: { Variables: { SHIFTGATE_FUNCTION_NAME: 'predictor-fn' } },
    });
    const assetDir = readdirSync(outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(outdir, name))
      .find((dir) => readdirSync(dir).includes('index.mjs'));
    expect(assetDir).toBeDefined();
    const bundle = readFileSync(join(assetDir as string, 'index.mjs'), 'utf8');
    expect(bundle).toContain('burn-rate-publisher-fixture');
    expect(bundle).toContain('CloudWatchClient');
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it('writes JSON logs to a log group of its own with the stage retention', () => {
    const { id } = onlyResource(template, 'AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(onlyResource(template, 'AWS::Lambda::Function').resource.Properties.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      LogGroup: { Ref: id },
    });
  });

  it('may read any metric, write only its namespace and its own logs, with no managed policy', () => {
    const { resource: role } = onlyResource(template, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const logGroupId = onlyResource(template, 'AWS::Logs::LogGroup').id;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
          },
          { Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
          {
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'Shiftgate' } },
          },
        ],
      },
    });
  });

  it('runs every 5 minutes on an EventBridge schedule, never retried by Lambda', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });

  it('raises a ticket when it fails or stops publishing', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId() } }],
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Shiftgate',
      MetricName: 'BurnRate',
      Statistic: 'SampleCount',
      Dimensions: Match.arrayWith([{ Name: 'Window', Value: '3d' }]),
      Period: 300,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    const { resource } = onlyResource(template, 'AWS::CloudWatch::CompositeAlarm');
    expect(resource.Properties).toMatchObject({
      AlarmName: 'shiftgate-prod-burn-rate-publisher',
      AlarmActions: [TICKET_TOPIC_ARN],
    });
    expect(JSON.stringify(resource.Properties.AlarmRule)).toContain(' OR ');
  });

  it('watches only for errors where the stage may idle (no heartbeat given)', () => {
    const idle = new Stack(new App({ outdir }), 'IdlePublisherTest', { env: TEST_ENV });
    new BurnRatePublisher(idle, 'Publisher', { ...props(idle), heartbeat: undefined });
    const idleTemplate = Template.fromStack(idle);
    const alarms = Object.values(idleTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((alarm) => alarm.Properties.MetricName)).toEqual(['Errors']);
    idleTemplate.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmActions: [TICKET_TOPIC_ARN],
    });
  }, 60_000);
});
