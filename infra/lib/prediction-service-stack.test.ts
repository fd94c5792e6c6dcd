import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_ENVIRONMENT_VARIABLE } from '../../service/src/config.ts';
import { BURN_RATE_PUBLISH_INTERVAL_MINUTES } from '../../slo/src/alarm-plan.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { SLO_ENV } from '../../slo/src/slo-env.ts';
import { PROVISIONED_CONCURRENCY_TARGET_UTILIZATION, STAGES } from '../config/stages.ts';
import { ARCHITECTURE_NAMES } from '../image/architecture.ts';
import { DASHBOARD_PANELS } from './dashboard-panels.ts';
import { LIVE_ALIAS_NAME, OUTPUT_KEYS, PRETRAFFIC_ALIAS_NAME } from './names.ts';
import { PredictionServiceStack } from './prediction-service-stack.ts';
import {
  cfnText,
  onlyResource,
  propertyKeys,
  REPO_ROOT,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synthesize,
  TEST_CONTEXT,
  TEST_ENV,
} from './testing/synth.ts';

const prod = STAGES[TEST_CONTEXT.stage];

/** The custom resource that keeps live (pretraffic-alias.ts has one of its own). */
const liveAliasResource = (template: Template) =>
  onlyResource(template, 'Custom::KeptAlias', { AliasName: LIVE_ALIAS_NAME });

describe('the prod stage, synthesized with cdk-nag (synth throws on any unacknowledged finding)', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

  it('runs the image as a Lambda function sized and logged as the stage settings say, outside any VPC', () => {
    const { resource } = onlyResource(synth.service, 'AWS::Lambda::Function', { PackageType: 'Image' });
    expect(resource.Properties).toMatchObject({
      PackageType: 'Image',
      Architectures: [prod.architecture],
      MemorySize: prod.memoryMiB,
      Timeout: prod.timeoutSeconds,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: prod.systemLogLevel },
      // The service's metrics carry it as their Stage dimension, which this stage's alarms read.
      Environment: { Variables: { [STAGE_ENVIRONMENT_VARIABLE]: TEST_CONTEXT.stage } },
    });
    expect(resource.Properties.VpcConfig).toBeUndefined();
    synth.service.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: prod.logRetentionDays });
  });

  it("keeps the function's log group when the stack is deleted, as prod's settings say", () => {
    expect(prod.logGroupOnStackDeletion).toBe('RETAIN');
    const { resource } = onlyResource(synth.service, 'AWS::Lambda::Function', { PackageType: 'Image' });
    const logGroupId = (resource.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const logGroup = synth.service.toJSON().Resources[logGroupId];
    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain' });
  });

  it('builds the image for one platform with nothing that would push an OCI index Lambda rejects', () => {
    const manifest = JSON.parse(
      readFileSync(join(synth.outdir, `${synth.stacks.service.artifactId}.assets.json`), 'utf8'),
    ) as { dockerImages: Record<string, { source: Record<string, unknown> }> };
    const images = Object.values(manifest.dockerImages);
    expect(images).toHaveLength(1);
    // One platform; no --output (a registry or OCI exporter) and no cache export, which would bring an index.
    expect(images[0]?.source).toEqual({
      directory: expect.stringMatching(/^asset\./),
      dockerFile: 'Dockerfile',
      platform: ARCHITECTURE_NAMES[prod.architecture].dockerPlatform,
    });
    // DockerImageAssetProps (aws-cdk-lib 2.276) has no provenance option: the CDK CLI's docker build is what
    // turns buildx's default attestations off. Upgrading to a CLI that stops doing so fails here; deploy.yml
    // sets the same variable for the job as well.
    const cli = readFileSync(join(REPO_ROOT, 'node_modules/aws-cdk/lib/index.js'), 'utf8');
    expect(cli).toMatch(
      /"--no-cache"\] : \[\],\s+"\."\s+\];[\s\S]{0,600}BUILDX_NO_DEFAULT_ATTESTATIONS: "1"/,
    );
  });

  it('gives the function a role with no managed policy that may only write its own logs', () => {
    const roles = synth.service.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
      },
    });
    const executionRole = Object.entries(roles).find(([id]) => id.startsWith('PredictorExecutionRole'));
    expect(executionRole?.[1].Properties.ManagedPolicyArns).toBeUndefined();
    synth.service.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: executionRole?.[0] }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })],
      },
    });
  });

  it('publishes a version per deploy and keeps old ones, since live may still route to them', () => {
    const { id, resource } = onlyResource(synth.service, 'AWS::Lambda::Version');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    synth.service.hasOutput(OUTPUT_KEYS.publishedVersion, { Value: { 'Fn::GetAtt': [id, 'Version'] } });
  });

  it('leaves no CloudFormation-managed alias or fixed provisioned concurrency that a deploy could re-apply', () => {
    synth.service.resourceCountIs('AWS::Lambda::Alias', 0);
    const keys = propertyKeys(synth.service);
    expect(keys.has('ProvisionedConcurrencyConfig')).toBe(false);
    expect(keys.has('RoutingConfig')).toBe(false);
  });

  it("keeps live: created on the first deploy's version, later recreated only at the release record's version", () => {
    const { resource } = liveAliasResource(synth.service);
    const version = onlyResource(synth.service, 'AWS::Lambda::Version').id;
    const fn = onlyResource(synth.service, 'AWS::Lambda::Function', { PackageType: 'Image' }).id;
    const table = onlyResource(synth.service, 'AWS::DynamoDB::Table').id;
    const keeper = onlyResource(synth.service, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('keeps the predictor'),
    }).id;
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [keeper, 'Arn'] },
      FunctionName: { Ref: fn },
      FunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
      AliasName: LIVE_ALIAS_NAME,
      DeployedVersion: { 'Fn::GetAtt': [version, 'Version'] },
      Description: expect.any(String),
      RecreateAt: 'recorded-version',
      ReleaseTable: { Ref: table },
    });
  });

  it('lets the alias keeper read and create only the two aliases, read their URLs, read versions and read the release record', () => {
    const keeperRole = onlyResource(synth.service, 'AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^Keeps the shiftgate'),
    }).id;
    const policy = onlyResource(synth.service, 'AWS::IAM::Policy', { Roles: [{ Ref: keeperRole }] });
    const statements = (
      policy.resource.Properties.PolicyDocument as {
        Statement: { Action: string | string[]; Resource: unknown }[];
      }
    ).Statement;
    const fn = `{${onlyResource(synth.service, 'AWS::Lambda::Function', { PackageType: 'Image' }).id}.Arn}`;
    const table = `{${onlyResource(synth.service, 'AWS::DynamoDB::Table').id}.Arn}`;
    expect(
      statements
        .filter((s) => ![s.Action].flat().some((a) => a.startsWith('logs:')))
        .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat().map(cfnText) })),
    ).toEqual([
      {
        actions: ['lambda:GetAlias', 'lambda:CreateAlias', 'lambda:GetFunctionUrlConfig'],
        resources: [fn, `${fn}:live`, `${fn}:pretraffic`],
      },
      { actions: ['lambda:GetFunctionConfiguration'], resources: [`${fn}:*`] },
      { actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [table] },
    ]);
  });

  it('scales provisioned concurrency on live by target tracking at 0.5 utilisation, within the stage min/max', () => {
    const { id, resource } = onlyResource(synth.service, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(resource.Properties).toMatchObject({
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      MinCapacity: prod.provisionedConcurrency.min,
      MaxCapacity: prod.provisionedConcurrency.max,
    });
    expect(cfnText(resource.Properties.ResourceId)).toMatch(
      new RegExp(`^function:\\{Ref:PredictorFunction\\w+\\}:${LIVE_ALIAS_NAME}$`),
    );
    expect(resource.Properties.RoleARN).toBeUndefined();
    expect(resource.DependsOn).toContain(liveAliasResource(synth.service).id);
    synth.service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: id },
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: PROVISIONED_CONCURRENCY_TARGET_UTILIZATION,
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      },
    });
  });

  it('serves live through an IAM-authenticated Function URL, with no load balancer, NAT gateway or public grant', () => {
    const { resource } = onlyResource(synth.service, 'AWS::Lambda::Url', { Qualifier: LIVE_ALIAS_NAME });
    expect(resource.Properties).toMatchObject({ AuthType: 'AWS_IAM', Qualifier: LIVE_ALIAS_NAME });
    // The only grant is EventBridge's, to run the SLO publisher.
    const grants = Object.values(synth.service.findResources('AWS::Lambda::Permission'));
    expect(grants.map((grant) => grant.Properties.Principal)).toEqual(['events.amazonaws.com']);
    const types = Object.values(synth.service.toJSON().Resources as Record<string, { Type: string }>).map(
      (r) => r.Type,
    );
    expect(types.filter((type) => /ElasticLoadBalancing|NatGateway|EC2::VPC|ApiGateway/.test(type))).toEqual(
      [],
    );
  });

  it('outputs what the release step needs', () => {
    for (const key of Object.values(OUTPUT_KEYS)) synth.service.hasOutput(key, {});
    synth.service.hasOutput(OUTPUT_KEYS.aliasName, { Value: LIVE_ALIAS_NAME });
    const table = onlyResource(synth.service, 'AWS::DynamoDB::Table').id;
    synth.service.hasOutput(OUTPUT_KEYS.releaseTableName, { Value: { Ref: table } });
    const url = onlyResource(synth.service, 'AWS::Lambda::Url', { Qualifier: PRETRAFFIC_ALIAS_NAME }).id;
    synth.service.hasOutput(OUTPUT_KEYS.pretrafficUrl, { Value: { 'Fn::GetAtt': [url, 'FunctionUrl'] } });
  });

  it('draws every panel for the alias and, by search, for each executed version', () => {
    const { resource } = onlyResource(synth.service, 'AWS::CloudWatch::Dashboard');
    const body = cfnText(resource.Properties.DashboardBody);
    for (const panel of DASHBOARD_PANELS) {
      expect(body).toContain(`"AWS/Lambda","${panel.metricName}","FunctionName"`);
      for (const statistic of panel.statistics) {
        expect(body).toContain(`MetricName=\\"${panel.metricName}\\"`);
        expect(body).toContain(`', '${statistic}', 60)`);
      }
    }
    expect(body).toContain(`Resource=\\"{Ref:`);
    expect(body).toMatch(/\{AWS\/Lambda,ExecutedVersion,FunctionName,Resource\}/);
  });

  it('wires the SLO burn-rate alarms to the function and the live alias', () => {
    expect(
      Object.keys(synth.service.findResources('AWS::CloudWatch::CompositeAlarm')).length,
    ).toBeGreaterThan(0);
    expect(JSON.stringify(synth.service.findResources('AWS::CloudWatch::Alarm'))).toContain(
      `:${LIVE_ALIAS_NAME}`,
    );
  });

  it('sends every composite alarm to the topic of its severity', () => {
    const topics = topicIds(synth.service);
    const composites = Object.values(synth.service.findResources('AWS::CloudWatch::CompositeAlarm'));
    const severities = composites.map((c) => /^\[(page|ticket)\]/.exec(c.Properties.AlarmDescription)?.[1]);
    expect(new Set(severities)).toEqual(new Set(['page', 'ticket']));
    composites.forEach((composite, i) => {
      expect(composite.Properties.AlarmActions).toEqual([
        { Ref: topics[severities[i] as 'page' | 'ticket'] },
      ]);
    });
  });

  it('names every alarm that notifies after the stage, since only those may publish to its topics', () => {
    const notifying = [
      ...Object.values(synth.service.findResources('AWS::CloudWatch::CompositeAlarm')),
      ...Object.values(synth.service.findResources('AWS::CloudWatch::Alarm')),
    ].filter((alarm) => alarm.Properties.AlarmActions !== undefined);
    expect(notifying.length).toBeGreaterThan(0);
    for (const alarm of notifying) expect(alarm.Properties.AlarmName).toMatch(/^shiftgate-prod-/);
  });

  it('outputs the page composites the release reads, and nothing else', () => {
    const pageNames = Object.values(synth.service.findResources('AWS::CloudWatch::CompositeAlarm'))
      .filter((c) => String(c.Properties.AlarmDescription).startsWith('[page]'))
      .map((c) => c.Properties.AlarmName as string);
    expect(pageNames.length).toBeGreaterThan(0);
    const output = synth.service.findOutputs(OUTPUT_KEYS.pageAlarmNames)[OUTPUT_KEYS.pageAlarmNames];
    expect(cfnText(output?.Value).split(',').sort()).toEqual(pageNames.sort());
    const topics = topicIds(synth.service);
    synth.service.hasOutput(OUTPUT_KEYS.pageTopicArn, { Value: { Ref: topics.page } });
    synth.service.hasOutput(OUTPUT_KEYS.ticketTopicArn, { Value: { Ref: topics.ticket } });
  });
  it('has no alert that cannot fire: the median latency objective never pages', () => {
    const names = Object.values(synth.service.findResources('AWS::CloudWatch::CompositeAlarm')).map((c) =>
      String(c.Properties.AlarmName),
    );
    expect(names.filter((name) => /latency-p50-page/.test(name))).toEqual([]);
    expect(names).toContain('shiftgate-prod-latency-p95-page-1h-5m');
  });

  it('pages when prod, which expects traffic, is not invoked at all, and tickets when its metrics go missing', () => {
    const topics = topicIds(synth.service);
    synth.service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shiftgate-prod-invocations-missing',
      AlarmActions: [{ Ref: topics.page }],
      MetricName: 'Invocations',
      TreatMissingData: 'breaching',
    });
    synth.service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shiftgate-prod-app-metrics-missing',
      AlarmActions: [{ Ref: topics.ticket }],
    });
  });

  it('runs the SLO publisher from slo/src/publisher every 5 minutes on this stage, live and namespace', () => {
    const { id, resource } = onlyResource(synth.service, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('publishes SLO burn rates'),
    });
    const predictorId = onlyResource(synth.service, 'AWS::Lambda::Function', { PackageType: 'Image' }).id;
    expect(resource.Properties.Environment).toEqual({
      Variables: {
        [SLO_ENV.functionName]: { Ref: predictorId },
        [SLO_ENV.aliasName]: LIVE_ALIAS_NAME,
        [SLO_ENV.stage]: TEST_CONTEXT.stage,
        [SLO_ENV.namespace]: SLO_DEFINITION.metrics.namespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    // The bundle is slo's handler (its log line and configuration check), not a stand-in.
    const bundle = readdirSync(synth.outdir)
      .filter((name) => name.startsWith('asset.') && existsSync(join(synth.outdir, name, 'index.mjs')))
      .map((name) => readFileSync(join(synth.outdir, name, 'index.mjs'), 'utf8'))
      .filter((code) => code.includes('SLO metrics published'));
    expect(bundle).toHaveLength(1);
    expect(bundle[0]).toContain('SLO metrics published');
    expect(bundle[0]).toContain(SLO_ENV.namespace);
    synth.service.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${BURN_RATE_PUBLISH_INTERVAL_MINUTES} minutes)`,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })],
    });
    const { resource: failing } = onlyResource(synth.service, 'AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'shiftgate-prod-slo-publisher',
    });
    expect(failing.Properties.AlarmActions).toEqual([{ Ref: topicIds(synth.service).ticket }]);
    // prod expects traffic, so a BurnRate that stops arriving means the publisher is broken.
    synth.service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BurnRate',
      Statistic: 'SampleCount',
      Dimensions: Match.arrayWith([{ Name: 'Stage', Value: TEST_CONTEXT.stage }]),
      TreatMissingData: 'breaching',
    });
  });
});

/** Logical ids of the page and ticket topics, told apart by their display names. */
function topicIds(template: Template): Record<'page' | 'ticket', string> {
  const ids = (severity: string) =>
    onlyResource(template, 'AWS::SNS::Topic', { DisplayName: Match.stringLikeRegexp(` ${severity}$`) }).id;
  return { page: ids('page'), ticket: ids('ticket') };
}

describe('a stage overriding the Function URL auth type to NONE', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({ stage: 'dev', functionUrlAuthType: 'NONE' });
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

  it('grants the public both permissions a URL now needs, on live only, and InvokeFunction only via the URL', () => {
    synth.service.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', Qualifier: LIVE_ALIAS_NAME });
    const permissions = Object.values(
      synth.service.findResources('AWS::Lambda::Permission', { Properties: { Principal: '*' } }),
    ).map((p) => ({
      ...p.Properties,
      FunctionName: cfnText(p.Properties.FunctionName),
    }));
    expect(permissions).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        InvokedViaFunctionUrl: true,
      }),
    ]);
    for (const permission of permissions) expect(permission.FunctionName).toMatch(/:live$/);
    // The release's own URL stays IAM-only whatever live's is.
    synth.service.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      Qualifier: PRETRAFFIC_ALIAS_NAME,
    });
  });

  it('neither pages on silence nor expects published burn rates where the stage may idle', () => {
    const names = Object.values(synth.service.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmName,
    );
    expect(names).not.toContain('shiftgate-dev-invocations-missing');
    expect(names).toContain('shiftgate-dev-app-metrics-missing');
    expect(
      Object.keys(
        synth.service.findResources('AWS::CloudWatch::Alarm', {
          Properties: { MetricName: 'BurnRate', Statistic: 'SampleCount' },
        }),
      ),
    ).toEqual([]);
  });

  it("lets dev's log group go with the stack", () => {
    expect(STAGES.dev.logGroupOnStackDeletion).toBe('DESTROY');
    const logGroups = Object.values(synth.service.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThan(0);
    for (const logGroup of logGroups) expect(logGroup.DeletionPolicy).toBe('Delete');
  });

  it('tells the function it runs in dev', () => {
    synth.service.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Environment: { Variables: { [STAGE_ENVIRONMENT_VARIABLE]: 'dev' } },
    });
  });

  it('takes the dev settings', () => {
    synth.service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: STAGES.dev.provisionedConcurrency.min,
      MaxCapacity: STAGES.dev.provisionedConcurrency.max,
    });
  });
});

describe('a stage whose settings subscribe on-call', () => {
  it(
    'subscribes its email addresses and webhooks to the topics of their severity',
    () => {
      const outdir = mkdtempSync(join(tmpdir(), 'shiftgate-subscribed-'));
      try {
        const stack = new PredictionServiceStack(new App({ outdir }), 'Subscribed', {
          env: TEST_ENV,
          stage: 'prod',
          settings: {
            ...STAGES.prod,
            alerting: {
              ...STAGES.prod.alerting,
              subscriptions: {
                page: [{ kind: 'webhook', url: 'https://relay.example.org/sns' }],
                ticket: [{ kind: 'email', address: 'ml-team@example.org' }],
              },
            },
          },
          github: { repository: TEST_CONTEXT.githubRepository, branch: 'main', environment: 'prod' },
          imageContextDir: REPO_ROOT,
        });
        const template = Template.fromStack(stack);
        const topics = topicIds(template);
        const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((sub) => [
          sub.Properties.Protocol,
          sub.Properties.Endpoint,
          sub.Properties.TopicArn,
        ]);
        expect(subscriptions).toEqual([
          ['https', 'https://relay.example.org/sns', { Ref: topics.page }],
          ['email', 'ml-team@example.org', { Ref: topics.ticket }],
        ]);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
    SYNTH_TIMEOUT_MS,
  );
});
