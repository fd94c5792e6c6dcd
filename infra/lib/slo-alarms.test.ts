import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BurnRateAlarmSpec, sloAlarmPlan } from '../../slo/src/alarm-plan.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { SloAlarms } from './slo-alarms.ts';
import { TEST_ENV } from './testing/synth.ts';

const PAGE_TOPIC_ARN = `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:page`;
const TICKET_TOPIC_ARN = `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:ticket`;
const TARGET = { functionName: 'predictor-fn', aliasName: 'live', stage: 'test-stage' };
const PLAN = sloAlarmPlan(SLO_DEFINITION, TARGET);

function stackWithAlarms(app: App): { stack: Stack; alarms: SloAlarms } {
  const stack = new Stack(app, 'SloAlarmsTest', { env: TEST_ENV });
  const alarms = new SloAlarms(stack, 'Slo', {
    target: TARGET,
    alarmNamePrefix: 'shiftgate-test',
    topics: {
      page: Topic.fromTopicArn(stack, 'Page', PAGE_TOPIC_ARN),
      ticket: Topic.fromTopicArn(stack, 'Ticket', TICKET_TOPIC_ARN),
    },
  });
  return { stack, alarms };
}

function planned(id: string): BurnRateAlarmSpec {
  const spec = PLAN.find((entry) => entry.id === id);
  if (spec === undefined) throw new Error(`the plan has no ${id}: ${PLAN.map((e) => e.id).join(', ')}`);
  return spec;
}

type Resources = ReturnType<Template['findResources']>[string][];

describe('SloAlarms', () => {
  let template: Template;
  let alarms: SloAlarms;
  let composites: Resources;
  let windowAlarms: Resources;

  beforeAll(() => {
    const built = stackWithAlarms(new App());
    alarms = built.alarms;
    template = Template.fromStack(built.stack);
    composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    windowAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // The first synth loads most of aws-cdk-lib; on a busy 2-core runner that alone can take 20 s.
  }, 90_000);

  it('creates a long and a short alarm and one composite per alert the plan keeps, and no other', () => {
    expect(PLAN.length).toBeGreaterThan(0);
    expect(composites.map((c) => c.Properties.AlarmName).sort()).toEqual(
      PLAN.map((spec) => `shiftgate-test-${spec.id}`).sort(),
    );
    expect(windowAlarms).toHaveLength(2 * PLAN.length);
    expect(alarms.pageAlarmNames).toEqual(
      PLAN.filter((spec) => spec.severity === 'page').map((spec) => `shiftgate-test-${spec.id}`),
    );
  });

  it('builds no alert that cannot fire: a 50% latency budget burns at most 2x, so p50 never pages', () => {
    const names = composites.map((c) => String(c.Properties.AlarmName));
    expect(names.filter((name) => name.includes('latency-p50-page'))).toEqual([]);
    expect(names.filter((name) => name.includes('latency-p50'))).toEqual([
      'shiftgate-test-latency-p50-ticket-3d-6h',
    ]);
    expect(names).toContain('shiftgate-test-latency-p95-page-1h-5m');
  });

  it('alarms on the slow share of successes, TC(:80) over SampleCount of 2xx on this stage and alias', () => {
    const long = planned('latency-p95-page-1h-5m').long;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: long.threshold,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('successes.*fast'), ReturnData: true }),
        Match.objectLike({
          Id: 'fast',
          MetricStat: {
            Period: 3600,
            Stat: 'TC(:80)',
            Metric: {
              Namespace: 'Shiftgate',
              MetricName: 'Latency',
              // CDK sorts dimensions by name.
              Dimensions: Match.arrayWith([
                { Name: 'Alias', Value: 'live' },
                { Name: 'Stage', Value: 'test-stage' },
                { Name: 'StatusClass', Value: '2xx' },
              ]),
            },
          },
        }),
        Match.objectLike({ Id: 'successes', MetricStat: Match.objectLike({ Stat: 'SampleCount' }) }),
      ]),
    });
    // 5% budget x 13.44: the plan's number, and the one docs/slo.md states.
    expect(long.threshold).toBe(0.672);
  });

  it('computes availability from the app’s POST /predict answers and the alias Errors and Throttles, never Invocations', () => {
    const availabilityAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => JSON.stringify(alarm).includes('serverErrors'),
    );
    expect(availabilityAlarms.length).toBeGreaterThan(0);
    // Lambda's Invocations counts every route (/health too); the SLI counts POST /predict only.
    for (const alarm of availabilityAlarms) expect(JSON.stringify(alarm)).not.toContain('"Invocations"');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: planned('availability-page-1h-5m').long.threshold,
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

  it('reads the 3-day windows from the published BurnRate of this stage, and says which series it reads', () => {
    const long = planned('availability-ticket-3d-6h').long;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Shiftgate',
      MetricName: 'BurnRate',
      Dimensions: Match.arrayWith([
        { Name: 'Slo', Value: 'availability' },
        { Name: 'Stage', Value: 'test-stage' },
        { Name: 'Window', Value: '3d' },
      ]),
      Statistic: 'Maximum',
      Period: long.periodSeconds,
      EvaluationPeriods: long.evaluationPeriods,
      DatapointsToAlarm: long.datapointsToAlarm,
      Threshold: long.threshold,
      TreatMissingData: 'notBreaching',
    });
    expect(alarms.publishedSeries.map((series) => series.dimensions.Slo)).toEqual(
      PLAN.filter((spec) => spec.long.windowMinutes > 24 * 60).map((spec) => spec.sloName),
    );
  });

  it('reads only metrics of its own stage', () => {
    const dimensions = JSON.stringify(windowAlarms.map((a) => a.Properties)).match(
      /\{"Name":"Stage","Value":"[^"]*"\}/g,
    );
    expect(new Set(dimensions)).toEqual(new Set(['{"Name":"Stage","Value":"test-stage"}']));
  });

  it('joins each pair with AND and routes pages and tickets to their topics', () => {
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

  it('refuses an invalid definition at synth time, naming the problem', () => {
    const stack = new Stack(new App(), 'Bad');
    const definition = structuredClone(SLO_DEFINITION);
    definition.timeWindow.duration = '4w' as never;
    const topic = Topic.fromTopicArn(stack, 'T', PAGE_TOPIC_ARN);
    expect(
      () =>
        new SloAlarms(stack, 'Slo', {
          target: TARGET,
          topics: { page: topic, ticket: topic },
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
