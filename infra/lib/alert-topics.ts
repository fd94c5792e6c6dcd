import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Severity } from '../../slo/src/definition.ts';
import type { AlertingSettings, AlertSubscription } from '../config/stages.ts';

export interface AlertTopicsProps {
  /** Who hears each severity, from the stage settings. */
  readonly subscriptions: AlertingSettings['subscriptions'];
  /** Only alarms whose names start with this may publish, e.g. 'shiftgate-prod-'. */
  readonly alarmNamePrefix: string;
  /** Shown as the sender of emails, e.g. 'shiftgate prod'. */
  readonly displayNamePrefix: string;
}

const CLOUDWATCH = new ServicePrincipal('cloudwatch.amazonaws.com');

/**
 * One SNS topic per severity: `page` (wake someone up) and `ticket` (look at it today), encrypted with a key of
 * their own, reachable only over TLS, and writable by this stage's CloudWatch alarms.
 *
 * A customer managed key rather than SNS's AWS managed one because CloudWatch calls KMS itself when an alarm
 * publishes to an encrypted topic, and only a key policy we write can let it (SNS developer guide, "Enable
 * compatibility between event sources from AWS services and encrypted topics"). enforceSSL gives the topics a
 * policy of their own, which replaces SNS's default one: CloudWatch's right to publish is then written here.
 */
export class AlertTopics extends Construct {
  readonly topics: Readonly<Record<Severity, ITopic>>;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts the shiftgate page and ticket alert topics',
      enableKeyRotation: true,
      // Nothing stays encrypted with it once SNS has delivered, so the stack takes it along when deleted.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // No source conditions on the key: the topic policy below decides which alarms may publish, and the key
    // protects nothing but these two topics' messages in flight.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [CLOUDWATCH],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const stack = Stack.of(this);
    const alarmArns = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${props.alarmNamePrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const topic = (severity: Severity, subscriptions: readonly AlertSubscription[]): ITopic => {
      const created = new Topic(this, severity === 'page' ? 'Page' : 'Ticket', {
        displayName: `${props.displayNamePrefix} ${severity}`,
        masterKey: key,
        enforceSSL: true,
      });
      created.addToResourcePolicy(
        new PolicyStatement({
          sid: 'ThisStagesAlarmsPublish',
          principals: [CLOUDWATCH],
          actions: ['sns:Publish'],
          resources: [created.topicArn],
          conditions: {
            ArnLike: { 'aws:SourceArn': alarmArns },
            StringEquals: { 'aws:SourceAccount': stack.account },
          },
        }),
      );
      for (const subscription of subscriptions) created.addSubscription(toSnsSubscription(subscription));
      return created;
    };
    this.topics = {
      page: topic('page', props.subscriptions.page),
      ticket: topic('ticket', props.subscriptions.ticket),
    };
  }
}

function toSnsSubscription(subscription: AlertSubscription): EmailSubscription | UrlSubscription {
  if (subscription.kind === 'email') return new EmailSubscription(subscription.address);
  // The SNS JSON envelope (Subject, Message, Timestamp...) rather than raw delivery: a relay needs its Type to
  // answer the SubscriptionConfirmation, and its signature to check the sender.
  return new UrlSubscription(subscription.url);
}
