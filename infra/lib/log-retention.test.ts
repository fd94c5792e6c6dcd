import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { retentionOf } from './log-retention.ts';

describe('retentionOf', () => {
  it('takes a retention CloudWatch Logs offers', () => {
    expect(retentionOf(30)).toBe(RetentionDays.ONE_MONTH);
  });

  it('refuses one it does not, listing those it does', () => {
    expect(() => retentionOf(31)).toThrow(
      /logRetentionDays 31 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7/,
    );
  });
});
