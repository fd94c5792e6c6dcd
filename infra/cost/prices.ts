/**
 * Published list prices used by the cost table in docs/infrastructure.md: US East (N. Virginia), USD, on-demand,
 * no free tier, no Savings Plans. Taken from the AWS pricing pages for Lambda, ECR, CloudWatch, KMS, EC2, Elastic
 * Load Balancing and VPC (NAT gateway, public IPv4); these figures have been stable since 2024. The table was
 * computed on PRICES_AS_OF without network access to re-read the pages: re-check them before budgeting.
 */
export const PRICES_AS_OF = '2026-11-29';
export const PRICES_REGION = 'us-east-1';

const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export const PRICES = {
  lambda: {
    perMillionRequests: 0.2,
    x86_64: {
      perGbSecond: 0.0000166667,
      provisionedPerGbSecond: 0.0000041667,
      durationOnProvisionedPerGbSecond: 0.0000097222,
    },
    arm64: {
      perGbSecond: 0.0000133334,
      provisionedPerGbSecond: 0.0000033334,
      durationOnProvisionedPerGbSecond: 0.0000077778,
    },
  },
  ecr: { perGbMonth: 0.1 },
  kms: { perKeyMonth: 1 },
  cloudWatch: {
    logsIngestedPerGb: 0.5,
    customMetricPerMonth: 0.3,
    standardAlarmPerMonth: 0.1,
    compositeAlarmPerMonth: 0.5,
    dashboardPerMonth: 3,
  },
  ec2: { t3MediumPerHour: 0.0416, gp3PerGbMonth: 0.08 },
  alb: { perHour: 0.0225, perLcuHour: 0.008 },
  natGateway: { perHour: 0.045, perGbProcessed: 0.045 },
  publicIpv4: { perHour: 0.005 },
  hoursPerMonth: HOURS_PER_MONTH,
} as const;
