import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertTopics } from './alert-topics.ts';
import { cfnText, onlyResource, TEST_ENV } from './testing/synth.ts';

const SUBSCRIPTIONS = {
  page: [
    { kind: 'email', address: 'oncall@example.org' },
    { kind: 'webhook', url: 'https://relay.example.org/sns' },
  ],
  ticket: [{ kind: 'email', address: 'ml-team@example.org' }],
} as const;

function stackWithTopics(app: App): { stack: Stack; alerts: AlertTopics } {
  const stack = new Stack(app, 'AlertTopicsTest', { env: TEST_ENV });
  const alerts = new AlertTopics(stack, 'Alerts', {
    subscriptions: { page: [...SUBSCRIPTIONS.page], ticket: [...SUBSCRIPTIONS.ticket] },
    alarmNamePrefix: 'shiftgate-prod-',
    displayNamePrefix: 'shiftgate prod',
  });
  return { stack, alerts };
}

describe('AlertTopics', () => {
  let template: Template;
  let alerts: AlertTopics;
  let stack: Stack;

  beforeAll(() => {
    ({ stack, alerts } = stackWithTopics(new App()));
    template = Template.fromStack(stack);
  }, 90_000);

  const logicalId = (severity: 'page' | 'ticket') =>
    stack.resolve((alerts.topics[severity] as unknown as { topicArn: string }).topicArn).Ref as string;

  it('creates one topic per severity, encrypted with a rotated key of their own', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const severity of ['page', 'ticket'] as const) {
      expect(template.toJSON().Resources[logicalId(severity)].Properties).toMatchObject({
        DisplayName: `shiftgate prod ${severity}`,
        KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
    }
  });

  it('lets CloudWatch use the key, since it calls KMS itself when an alarm publishes', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it("refuses plain-HTTP publishing and lets only this stage's alarms in this account publish", () => {
    for (const severity of ['page', 'ticket'] as const) {
      const { resource } = onlyResource(template, 'AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: logicalId(severity) }],
      });
      const [denyPlainHttp, allowAlarms] = (
        resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }
      ).Statement;
      expect(denyPlainHttp).toMatchObject({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(allowAlarms).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: logicalId(severity) },
        Condition: { StringEquals: { 'aws:SourceAccount': TEST_ENV.account } },
      });
      const condition = allowAlarms?.Condition as { ArnLike: { 'aws:SourceArn': unknown } };
      expect(cfnText(condition.ArnLike['aws:SourceArn'])).toBe(
        `arn:{Ref:AWS::Partition}:cloudwatch:${TEST_ENV.region}:${TEST_ENV.account}:alarm:shiftgate-prod-*`,
      );
    }
  });

  it('subscribes the stage setting’s email addresses and HTTPS webhooks to their severity only', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => ({
      protocol: s.Properties.Protocol,
      endpoint: s.Properties.Endpoint,
      topic: s.Properties.TopicArn.Ref,
    }));
    expect(subscriptions).toEqual([
      { protocol: 'email', endpoint: 'oncall@example.org', topic: logicalId('page') },
      { protocol: 'https', endpoint: 'https://relay.example.org/sns', topic: logicalId('page') },
      { protocol: 'email', endpoint: 'ml-team@example.org', topic: logicalId('ticket') },
    ]);
  });

  it('passes cdk-nag AwsSolutions checks (SNS2 encryption, SNS3 TLS only, KMS5 rotation)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    stackWithTopics(app);
    expect(() => app.synth()).not.toThrow();
  }, 60_000);
});
