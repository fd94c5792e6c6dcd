import type { LambdaArchitecture } from '../image/architecture.ts';
import { PRICES, SECONDS_PER_MONTH } from './prices.ts';

/**
 * Monthly cost of serving a steady request rate, for the Lambda stack and for the Elastic Beanstalk + ALB + NAT
 * setup it replaces. Pure arithmetic over PRICES; every workload assumption is an argument, named in the docs.
 */

export interface Workload {
  readonly requestsPerSecond: number;
  /** Mean billed duration of one warm request. */
  readonly meanDurationMs: number;
  /** Log bytes one request writes: the service's own line and EMF blob, plus platform lines if kept. */
  readonly logBytesPerRequest: number;
}

export interface LambdaShape {
  readonly memoryMiB: number;
  readonly architecture: LambdaArchitecture;
  /** Omit for on-demand only. */
  readonly provisionedConcurrency?: {
    readonly min: number;
    readonly max: number;
    readonly targetUtilization: number;
  };
}

export interface Observability {
  readonly customMetrics: number;
  /** CloudWatch bills a metric alarm per metric it reads: an alarm on metric math over 4 metrics costs 4. */
  readonly alarmMetrics: number;
  readonly compositeAlarms: number;
  readonly dashboards: number;
  /** Customer-managed KMS keys (the alert topics' encryption). */
  readonly kmsKeys: number;
}

export interface CostLine {
  readonly item: string;
  readonly usd: number;
}

const requestsPerMonth = (w: Workload) => w.requestsPerSecond * SECONDS_PER_MONTH;
const gigabytes = (bytes: number) => bytes / 1e9;

/** What target tracking settles on: busy executions / target utilisation, within min..max. */
export function provisionedConcurrencyFor(
  workload: Workload,
  pc: NonNullable<LambdaShape['provisionedConcurrency']>,
): number {
  const busy = (workload.requestsPerSecond * workload.meanDurationMs) / 1000;
  return Math.min(pc.max, Math.max(pc.min, Math.ceil(busy / pc.targetUtilization)));
}

export function lambdaCost(workload: Workload, shape: LambdaShape): CostLine[] {
  const prices = PRICES.lambda[shape.architecture];
  const gbSeconds = (requestsPerMonth(workload) * workload.meanDurationMs * shape.memoryMiB) / 1000 / 1024;
  const requests = {
    item: 'Lambda requests',
    usd: (requestsPerMonth(workload) / 1e6) * PRICES.lambda.perMillionRequests,
  };
  if (shape.provisionedConcurrency === undefined) {
    return [requests, { item: 'Lambda duration (on-demand)', usd: gbSeconds * prices.perGbSecond }];
  }
  const units = provisionedConcurrencyFor(workload, shape.provisionedConcurrency);
  const provisionedGbSeconds = (units * shape.memoryMiB * SECONDS_PER_MONTH) / 1024;
  return [
    requests,
    { item: 'Lambda duration (on provisioned)', usd: gbSeconds * prices.durationOnProvisionedPerGbSecond },
    {
      item: `Provisioned concurrency (${units} × ${shape.memoryMiB} MiB, all month)`,
      usd: provisionedGbSeconds * prices.provisionedPerGbSecond,
    },
  ];
}

export function observabilityCost(workload: Workload, o: Observability): CostLine[] {
  const cw = PRICES.cloudWatch;
  return [
    {
      item: 'CloudWatch Logs ingestion',
      usd: gigabytes(requestsPerMonth(workload) * workload.logBytesPerRequest) * cw.logsIngestedPerGb,
    },
    {
      item: 'CloudWatch metrics, alarms, dashboard',
      usd:
        o.customMetrics * cw.customMetricPerMonth +
        o.alarmMetrics * cw.standardAlarmPerMonth +
        o.compositeAlarms * cw.compositeAlarmPerMonth +
        o.dashboards * cw.dashboardPerMonth,
    },
    { item: 'KMS key of the alert topics', usd: o.kmsKeys * PRICES.kms.perKeyMonth },
  ];
}

export function ecrCost(imageGb: number, imagesKept: number): CostLine {
  return {
    item: `ECR (${imagesKept} images × ${imageGb} GB)`,
    usd: imageGb * imagesKept * PRICES.ecr.perGbMonth,
  };
}

export interface BeanstalkShape {
  readonly instances: number;
  readonly ebsGbPerInstance: number;
  /** ALB capacity units: new connections/s ÷ 25 is the binding dimension for short JSON requests. */
  readonly lcus: number;
  /** One NAT gateway (one AZ); its data is the instances' egress (logs, metrics, updates). */
  readonly natGbPerMonth: number;
  /** The ALB's address per AZ plus the NAT gateway's. */
  readonly publicIpv4Addresses: number;
}

export function beanstalkCost(shape: BeanstalkShape): CostLine[] {
  const hours = PRICES.hoursPerMonth;
  return [
    {
      item: `EC2 (${shape.instances} × t3.medium)`,
      usd: shape.instances * PRICES.ec2.t3MediumPerHour * hours,
    },
    { item: 'EBS gp3', usd: shape.instances * shape.ebsGbPerInstance * PRICES.ec2.gp3PerGbMonth },
    {
      item: `ALB (hour + ${shape.lcus} LCU)`,
      usd: (PRICES.alb.perHour + shape.lcus * PRICES.alb.perLcuHour) * hours,
    },
    {
      item: 'NAT gateway (hour + data)',
      usd: PRICES.natGateway.perHour * hours + shape.natGbPerMonth * PRICES.natGateway.perGbProcessed,
    },
    { item: 'Public IPv4', usd: shape.publicIpv4Addresses * PRICES.publicIpv4.perHour * hours },
  ];
}

export const totalUsd = (lines: readonly CostLine[]) => lines.reduce((sum, line) => sum + line.usd, 0);
