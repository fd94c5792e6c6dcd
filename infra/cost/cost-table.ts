import { isEntryPoint } from '../../common/cli.ts';
import { sloAlarmPlan } from '../../slo/src/alarm-plan.ts';
import { SLO_DEFINITION } from '../../slo/src/definition.ts';
import { PROVISIONED_CONCURRENCY_TARGET_UTILIZATION, stageSettings } from '../config/stages.ts';
import { LIVE_ALIAS_NAME } from '../lib/names.ts';
import {
  beanstalkCost,
  type CostLine,
  ecrCost,
  type LambdaShape,
  lambdaCost,
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
  /** Latency by status class (2xx/4xx/5xx) from the service's EMF. */
  customMetrics: 3,
  imageGb: 0.2,
  imagesKept: 10,
  /** Two t3.medium across two AZs: the smallest highly available Beanstalk web tier; one serves >100 req/s here. */
  beanstalkInstances: 2,
  /** A new TCP connection per request (the worst case for public clients): 25 new connections/s per LCU. */
  newConnectionsPerLcu: 25,
} as const;

const prod = stageSettings('prod');
const alarmPlan = sloAlarmPlan(SLO_DEFINITION, {
  functionName: 'predictor',
  aliasName: LIVE_ALIAS_NAME,
  stage: 'prod',
});
const observability = {
  customMetrics: ASSUMPTIONS.customMetrics,
  standardAlarms: 2 * alarmPlan.length,
  compositeAlarms: alarmPlan.length,
  dashboards: 1,
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
    ...observabilityCost(w, observability),
    ecrCost(ASSUMPTIONS.imageGb, ASSUMPTIONS.imagesKept),
  ];
}

export function beanstalkStackCost(rps: number): CostLine[] {
  const w = workload(rps, false);
  const logs = observabilityCost(w, observability);
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
  return [
    `Monthly cost, ${PRICES_REGION} list prices as of ${PRICES_AS_OF} (no free tier, no Savings Plans):`,
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
