import { isEntryPoint } from '../../common/cli.ts';
import { type AlarmSource, publishedWindows, sloAlarmPlan } from '../../slo/src/alarm-plan.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { APP_STATUS_CLASSES } from '../../slo/src/metric-sources.ts';
import { missingDataAlarmPlan } from '../../slo/src/missing-data-plan.ts';
import { PROVISIONED_CONCURRENCY_TARGET_UTILIZATION, stageSettings } from '../config/stages.ts';
import { LIVE_ALIAS_NAME } from '../lib/names.ts';
import {
  beanstalkCost,
  type CostLine,
  ecrCost,
  type LambdaShape,
  lambdaCost,
  type Observability,
  observabilityCost,
  totalUsd,
  type Workload,
} from './monthly-cost.ts';
import { PRICES_AS_OF, PRICES_REGION } from './prices.ts';

export const REQUEST_RATES = [1, 10, 100] as const;

/** Workload assumptions, stated in the doc beside the table. */
export const ASSUMPTIONS = {
  /** Mean billed duration of a warm request (JSON, validation, a tiny ONNX graph); the load test checks it. */
  meanDurationMs: 20,
  /** The service's one JSON log line plus one EMF metrics blob per request. */
  appLogBytesPerRequest: 700,
  /** Lambda's JSON platform.start + platform.report lines, dropped at system log level WARN. */
  platformLogBytesPerRequest: 550,
  /**
   * `Latency` by status class is published under two dimension sets (the alias's and the running version's,
   * slo/src/definition.ts); during a release a second version adds its own set for a few minutes.
   */
  latencyDimensionSets: 2,
  imageGb: 0.2,
  imagesKept: 10,
  /** Two t3.medium across two AZs: the smallest highly available Beanstalk web tier; one serves >100 req/s here. */
  beanstalkInstances: 2,
  /** A new TCP connection per request (the worst case for public clients): 25 new connections/s per LCU. */
  newConnectionsPerLcu: 25,
} as const;

const prod = stageSettings('prod');
const target = { functionName: 'predictor', aliasName: LIVE_ALIAS_NAME, stage: 'prod' };
const { expectInvocationsWithin } = prod.alerting;
const burnRatePlan = sloAlarmPlan(SLO_DEFINITION, target);
const missingDataPlan = missingDataAlarmPlan(
  SLO_DEFINITION,
  target,
  expectInvocationsWithin === null ? {} : { expectInvocationsWithin },
);
/**
 * The burn-rate publisher's own alarms (infra/lib/burn-rate-publisher.ts): its errors and, where the stage
 * expects traffic, its silence, one metric each, joined by one composite. infra/cost/observability.test.ts holds
 * this and every other count below to the synthesized prod stack.
 */
const publisherAlarms = { metricAlarms: expectInvocationsWithin === null ? 1 : 2, composites: 1 };

const metricsRead = (source: AlarmSource): number =>
  source.kind === 'metric' ? 1 : Object.keys(source.metrics).length;

/** The prod stack's CloudWatch and KMS items, counted from the same plans the stack is built from. */
export const PROD_OBSERVABILITY: Observability = {
  customMetrics:
    APP_STATUS_CLASSES.length * ASSUMPTIONS.latencyDimensionSets +
    SLO_DEFINITION.objectives.reduce(
      // A BurnRate per published window, and one ErrorBudgetRemaining, per SLO.
      (count, slo) => count + publishedWindows(SLO_DEFINITION, slo).length + 1,
      0,
    ),
  alarmMetrics:
    burnRatePlan.reduce(
      (sum, spec) => sum + metricsRead(spec.long.source) + metricsRead(spec.short.source),
      0,
    ) +
    missingDataPlan.reduce((sum, spec) => sum + metricsRead(spec.source), 0) +
    publisherAlarms.metricAlarms,
  compositeAlarms: burnRatePlan.length + publisherAlarms.composites,
  dashboards: 1,
  kmsKeys: 1,
};

function workload(requestsPerSecond: number, keepsPlatformLogs: boolean): Workload {
  return {
    requestsPerSecond,
    meanDurationMs: ASSUMPTIONS.meanDurationMs,
    logBytesPerRequest:
      ASSUMPTIONS.appLogBytesPerRequest + (keepsPlatformLogs ? ASSUMPTIONS.platformLogBytesPerRequest : 0),
  };
}

const keepsPlatformLogs = prod.systemLogLevel === 'INFO';
const onDemand: LambdaShape = { memoryMiB: prod.memoryMiB, architecture: prod.architecture };
const provisioned: LambdaShape = {
  ...onDemand,
  provisionedConcurrency: {
    ...prod.provisionedConcurrency,
    targetUtilization: PROVISIONED_CONCURRENCY_TARGET_UTILIZATION,
  },
};

export function lambdaStackCost(rps: number, shape: LambdaShape): CostLine[] {
  const w = workload(rps, keepsPlatformLogs);
  return [
    ...lambdaCost(w, shape),
    ...observabilityCost(w, PROD_OBSERVABILITY),
    ecrCost(ASSUMPTIONS.imageGb, ASSUMPTIONS.imagesKept),
  ];
}

export function beanstalkStackCost(rps: number): CostLine[] {
  const w = workload(rps, false);
  const logs = observabilityCost(w, PROD_OBSERVABILITY);
  const logGb = (rps * 730 * 3600 * w.logBytesPerRequest) / 1e9;
  return [
    ...beanstalkCost({
      instances: ASSUMPTIONS.beanstalkInstances,
      ebsGbPerInstance: 8,
      lcus: Math.max(1, Math.ceil(rps / ASSUMPTIONS.newConnectionsPerLcu)),
      natGbPerMonth: logGb,
      publicIpv4Addresses: 3,
    }),
    ...logs,
  ];
}

const usd = (value: number) => `$${value.toFixed(2)}`;

export function renderCostTables(): string {
  const rows = REQUEST_RATES.map((rps) => {
    const cells = [
      lambdaStackCost(rps, onDemand),
      lambdaStackCost(rps, provisioned),
      beanstalkStackCost(rps),
    ];
    return `| ${rps} | ${cells.map((lines) => usd(totalUsd(lines))).join(' | ')} |`;
  });
  const breakdown = (title: string, lines: CostLine[]) =>
    [`| ${title} | USD/month |`, '| --- | ---: |', ...lines.map((l) => `| ${l.item} | ${usd(l.usd)} |`)].join(
      '\n',
    );
  const top = REQUEST_RATES.at(-1) ?? 100;
  const o = PROD_OBSERVABILITY;
  return [
    `Monthly cost, ${PRICES_REGION} list prices as of ${PRICES_AS_OF} (no free tier, no Savings Plans):`,
    '',
    `CloudWatch items of the prod stack: ${o.customMetrics} custom metrics, ${o.alarmMetrics} metrics read by ` +
      `alarms, ${o.compositeAlarms} composite alarms, ${o.dashboards} dashboard; ${o.kmsKeys} KMS key.`,
    '',
    '| req/s | Lambda, on-demand only | Lambda + provisioned concurrency (prod) | Elastic Beanstalk + ALB + NAT |',
    '| ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Line items at ${top} req/s:`,
    '',
    breakdown('Lambda + provisioned concurrency', lambdaStackCost(top, provisioned)),
    '',
    breakdown('Elastic Beanstalk + ALB + NAT', beanstalkStackCost(top)),
  ].join('\n');
}

if (isEntryPoint(import.meta.url)) console.log(renderCostTables());
