/**
 * What CloudFormation's execution role must be allowed to create, update and delete each resource type this app's
 * templates hold, as data: actions from each type's CloudFormation registry schema (its create, read, update and
 * delete handlers' `permissions`, `aws cloudformation describe-type --type RESOURCE --type-name <type>`; checked
 * against the published schemas of AWS::Logs::LogGroup, AWS::SNS::Topic and AWS::KMS::Key in
 * aws-cloudformation/aws-cloudformation-resource-providers-{logs,sns,kms}, the rest from the Service Authorization
 * Reference and unverified on a real deploy: an AccessDenied in the stack events names what to add), resources
 * narrowed to this app's names where IAM has a resource-level form. A type the templates gain without an entry here
 * fails `npm run bootstrap:policy` and its test, naming the type.
 *
 * Roles: every role the app creates carries the ROLE_BOUNDARY_POLICY_NAME boundary (infra/lib/shiftgate-app.ts,
 * role-boundary.ts). CloudFormation may create a role and write its inline policies only with that boundary on it
 * (`iam:PermissionsBoundary`, which IAM evaluates for CreateRole, PutRolePolicy, DeleteRolePolicy, AttachRolePolicy,
 * DetachRolePolicy, PutRolePermissionsBoundary and DeleteRolePermissionsBoundary: Service Authorization Reference,
 * "Actions defined by AWS Identity and Access Management"), may set no other boundary and remove none. So a template
 * that makes a `Shiftgate-*` role with `*:*` gets a role that can still do only what the boundary allows.
 * UpdateAssumeRolePolicy has no such key: it stays allowed on `Shiftgate-*` roles, which a new trust cannot lift
 * above their boundary. No AttachRolePolicy at all: no role here has a managed policy.
 * Names: app-arns.ts.
 */

import { GITHUB_OIDC } from '../lib/names.ts';
import {
  ALARMS,
  ANY,
  arn,
  FUNCTIONS,
  iamArn,
  LOG_GROUPS,
  NAME_PREFIX,
  QUALIFIED_FUNCTIONS,
  QUALIFIED_ONLY,
  ROLE_BOUNDARY_ARN,
  ROLES,
  SCALABLE_TARGETS,
  STACK_PREFIX,
  TABLES,
  TOPICS,
} from './app-arns.ts';
import type { Grant } from './policy-document.ts';

/** Subscribe is authorized on the topic, Unsubscribe and the attributes on the subscription (topic ARN:id). */
const SUBSCRIPTIONS = [...TOPICS, arn('sns', `${STACK_PREFIX}*:*`)];

/** The CDK bootstrap's asset stores (`cdk-<qualifier>-…`), which Lambda reads the code from as the caller. */
const CONTAINER_ASSETS = [arn('ecr', 'repository/cdk-*-container-assets-*')];
const FILE_ASSETS = ['arn:aws:s3:::cdk-*-assets-*/*'];

const tagging = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`];

/** Only for a role that carries the app's boundary (for Put/DeleteRolePermissionsBoundary: that is being set). */
const WITH_ROLE_BOUNDARY = { StringEquals: { 'iam:PermissionsBoundary': ROLE_BOUNDARY_ARN } };

/** A role's boundary stays: none removed, none but the app's set, whatever another attached policy allows. */
const BOUNDARY_GUARDS: readonly Grant[] = [
  { effect: 'Deny', actions: ['iam:DeleteRolePermissionsBoundary'], resources: ANY },
  {
    effect: 'Deny',
    actions: ['iam:PutRolePermissionsBoundary'],
    resources: ANY,
    condition: { StringNotEquals: { 'iam:PermissionsBoundary': ROLE_BOUNDARY_ARN } },
  },
];

export const RESOURCE_PERMISSIONS: Readonly<Record<string, readonly Grant[]>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': [
    {
      actions: [
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DeregisterScalableTarget',
        ...tagging('application-autoscaling'),
        'application-autoscaling:ListTagsForResource',
      ],
      resources: SCALABLE_TARGETS,
    },
    {
      // Application Auto Scaling checks the caller's rights on the target it registers, a Lambda alias's
      // provisioned concurrency (Application Auto Scaling user guide, "Identity and access management").
      actions: [
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'lambda:DeleteProvisionedConcurrencyConfig',
      ],
      resources: QUALIFIED_ONLY,
    },
    {
      // No resource-level form for the describes.
      actions: [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScheduledActions',
      ],
      resources: ANY,
    },
    {
      // Registering Lambda's first target creates Application Auto Scaling's service-linked role for it.
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [
        iamArn(
          'role/aws-service-role/lambda.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency',
        ),
      ],
      condition: { StringEquals: { 'iam:AWSServiceName': 'lambda.application-autoscaling.amazonaws.com' } },
    },
  ],
  'AWS::ApplicationAutoScaling::ScalingPolicy': [
    {
      actions: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy'],
      resources: SCALABLE_TARGETS,
    },
    { actions: ['application-autoscaling:DescribeScalingPolicies'], resources: ANY },
    {
      // Target tracking creates and deletes its alarms as the caller.
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
      resources: [arn('cloudwatch', 'alarm:TargetTracking-*')],
    },
  ],
  'AWS::CloudWatch::Alarm': [
    {
      actions: [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        ...tagging('cloudwatch'),
        'cloudwatch:ListTagsForResource',
      ],
      resources: ALARMS,
    },
  ],
  'AWS::CloudWatch::CompositeAlarm': [
    {
      actions: [
        'cloudwatch:PutCompositeAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        ...tagging('cloudwatch'),
        'cloudwatch:ListTagsForResource',
      ],
      resources: ALARMS,
    },
  ],
  'AWS::CloudWatch::Dashboard': [
    {
      actions: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
      resources: [arn('cloudwatch', `dashboard/${NAME_PREFIX}*`, '', '*')],
    },
  ],
  'AWS::DynamoDB::Table': [
    {
      actions: [
        'dynamodb:CreateTable',
        'dynamodb:DescribeTable',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:DescribeContributorInsights',
        'dynamodb:DescribeKinesisStreamingDestination',
        ...tagging('dynamodb'),
        'dynamodb:ListTagsOfResource',
      ],
      resources: TABLES,
    },
  ],
  'AWS::Events::Rule': [
    {
      actions: [
        'events:PutRule',
        'events:DescribeRule',
        'events:DeleteRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTargetsByRule',
        ...tagging('events'),
        'events:ListTagsForResource',
      ],
      resources: [arn('events', `rule/${STACK_PREFIX}*`)],
    },
  ],
  'AWS::IAM::OIDCProvider': [
    {
      actions: [
        'iam:CreateOpenIDConnectProvider',
        'iam:GetOpenIDConnectProvider',
        'iam:DeleteOpenIDConnectProvider',
        'iam:UpdateOpenIDConnectProviderThumbprint',
        'iam:AddClientIDToOpenIDConnectProvider',
        'iam:RemoveClientIDFromOpenIDConnectProvider',
        'iam:TagOpenIDConnectProvider',
        'iam:UntagOpenIDConnectProvider',
        'iam:ListOpenIDConnectProviderTags',
      ],
      resources: [iamArn(`oidc-provider/${GITHUB_OIDC.host}`)],
    },
  ],
  // No AttachRolePolicy: no role of the app has a managed policy, so none can be given AdministratorAccess here.
  'AWS::IAM::Role': [
    {
      actions: [
        'iam:GetRole',
        'iam:DeleteRole',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
        'iam:UpdateAssumeRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:ListRoleTags',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:GetRolePolicy',
      ],
      resources: ROLES,
    },
    {
      // PutRolePermissionsBoundary: a role made before the boundary existed gets it on its next update.
      actions: [
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:PutRolePermissionsBoundary',
      ],
      resources: ROLES,
      condition: WITH_ROLE_BOUNDARY,
    },
    ...BOUNDARY_GUARDS,
  ],
  'AWS::IAM::Policy': [
    { actions: ['iam:GetRolePolicy'], resources: ROLES },
    {
      actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
      resources: ROLES,
      condition: WITH_ROLE_BOUNDARY,
    },
    ...BOUNDARY_GUARDS,
  ],
  'AWS::KMS::Key': [
    { actions: ['kms:CreateKey'], resources: ANY },
    {
      actions: [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:EnableKeyRotation',
        'kms:DisableKeyRotation',
        'kms:GetKeyRotationStatus',
        'kms:EnableKey',
        'kms:DisableKey',
        'kms:UpdateKeyDescription',
        'kms:ScheduleKeyDeletion',
        ...tagging('kms'),
        'kms:ListResourceTags',
      ],
      resources: [arn('kms', 'key/*')],
    },
  ],
  'AWS::Lambda::EventInvokeConfig': [
    {
      actions: [
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
      ],
      resources: QUALIFIED_FUNCTIONS,
    },
  ],
  'AWS::Lambda::Function': [
    {
      actions: [
        'lambda:CreateFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:DeleteFunction',
        'lambda:GetRuntimeManagementConfig',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:GetFunctionRecursionConfig',
        ...tagging('lambda'),
        'lambda:ListTags',
      ],
      resources: FUNCTIONS,
    },
    {
      actions: ['iam:PassRole'],
      resources: ROLES,
      condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    },
    {
      // An image function: Lambda pulls the image with the caller's rights (Lambda developer guide, container
      // images, "Amazon ECR permissions").
      actions: [
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:GetRepositoryPolicy',
        'ecr:SetRepositoryPolicy',
      ],
      resources: CONTAINER_ASSETS,
    },
    {
      // A .zip function (the publisher, the alias keeper): Lambda reads the bundle from the assets bucket as the caller.
      actions: ['s3:GetObject'],
      resources: FILE_ASSETS,
    },
  ],
  'AWS::Lambda::Permission': [
    {
      actions: ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'],
      resources: QUALIFIED_FUNCTIONS,
    },
  ],
  'AWS::Lambda::Url': [
    {
      actions: [
        'lambda:CreateFunctionUrlConfig',
        'lambda:GetFunctionUrlConfig',
        'lambda:UpdateFunctionUrlConfig',
        'lambda:DeleteFunctionUrlConfig',
      ],
      resources: QUALIFIED_FUNCTIONS,
    },
  ],
  'AWS::Lambda::Version': [
    {
      // DeleteFunction on a qualified ARN deletes a version (the versions here are retained, but a failed
      // create is rolled back).
      actions: [
        'lambda:PublishVersion',
        'lambda:GetFunctionConfiguration',
        'lambda:ListVersionsByFunction',
        'lambda:DeleteFunction',
        // The handler reads the version's runtime management config (aws-lambda-version.json).
        'lambda:GetRuntimeManagementConfig',
      ],
      resources: QUALIFIED_FUNCTIONS,
    },
  ],
  'AWS::Logs::LogGroup': [
    {
      actions: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        ...tagging('logs'),
        'logs:ListTagsForResource',
        // The handler's older tagging calls (aws-logs-loggroup.json).
        'logs:TagLogGroup',
        'logs:UntagLogGroup',
        'logs:ListTagsLogGroup',
      ],
      resources: LOG_GROUPS,
    },
    // DescribeLogGroups is authorized on the account's log-group:* alone.
    { actions: ['logs:DescribeLogGroups'], resources: [arn('logs', 'log-group:*')] },
  ],
  'AWS::SNS::Subscription': [
    {
      actions: [
        'sns:Subscribe',
        'sns:Unsubscribe',
        'sns:GetSubscriptionAttributes',
        'sns:SetSubscriptionAttributes',
      ],
      resources: SUBSCRIPTIONS,
    },
  ],
  'AWS::SNS::Topic': [
    {
      actions: [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:ListSubscriptionsByTopic',
        ...tagging('sns'),
        'sns:ListTagsForResource',
      ],
      resources: TOPICS,
    },
    {
      // The handler subscribes a topic's inline subscriptions and unsubscribes all on delete (aws-sns-topic.json).
      actions: ['sns:Subscribe', 'sns:Unsubscribe'],
      resources: SUBSCRIPTIONS,
    },
  ],
  'AWS::SNS::TopicPolicy': [
    { actions: ['sns:SetTopicAttributes', 'sns:GetTopicAttributes'], resources: TOPICS },
  ],
  // CloudFormation invokes a custom resource's function as the caller (infra/lib/kept-alias.ts).
  'Custom::KeptAlias': [{ actions: ['lambda:InvokeFunction'], resources: FUNCTIONS }],
};

/**
 * Every template of the CDK's default synthesizer reads the bootstrap version from SSM
 * (`/cdk-bootstrap/<qualifier>/version`), a parameter CloudFormation resolves as the caller.
 */
export const TEMPLATE_PERMISSIONS: readonly Grant[] = [
  { actions: ['ssm:GetParameters'], resources: [arn('ssm', 'parameter/cdk-bootstrap/*')] },
];
