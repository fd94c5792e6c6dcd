import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** A stage's logRetentionDays as CloudWatch Logs accepts it; refuses, at synth, a number it would reject. */
export function retentionOf(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!allowed.includes(days)) {
    throw new Error(
      `logRetentionDays ${days} is not a CloudWatch Logs retention; use one of ${allowed.join(', ')}.`,
    );
  }
  return days as RetentionDays;
}
