/**
 * The CloudWatch alarm limits every plan must respect, typed once: the alarm plans (alarm-plan.ts,
 * missing-data-plan.ts) and infra/config/stages.ts all check against these.
 *
 * - One alarm period is at most one day here. The CloudWatch User Guide offers periods up to 1 day for the
 *   default sliding evaluation window; 1 week exists only for a wall-clock window, which aligns to calendar
 *   boundaries (midnight, the start of the week), not to a rolling window
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html,
 *   AWS::CloudWatch::Alarm WallClockWindow). A longer sliding period is not documented, so we never rely on one.
 * - Period x EvaluationPeriods is at most 604,800 s (one week), and at most 86,400 s (one day) when the period
 *   is under an hour (PutMetricAlarm, EvaluationPeriods).
 */
import { durationMinutes, SECONDS_PER_MINUTE } from './duration.ts';

const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;

/** Longest alarm period a plan uses: one day (see above). */
export const MAX_ALARM_PERIOD_SECONDS = SECONDS_PER_DAY;
export const MAX_ALARM_PERIOD_MINUTES = MAX_ALARM_PERIOD_SECONDS / SECONDS_PER_MINUTE;

/** Longest Period x EvaluationPeriods PutMetricAlarm accepts for this period. */
export function maxEvaluationRangeSeconds(periodSeconds: number): number {
  return periodSeconds < SECONDS_PER_HOUR ? SECONDS_PER_DAY : 7 * SECONDS_PER_DAY;
}

/** Why `periodSeconds` cannot be one alarm period, or undefined when it can. */
export function alarmPeriodProblem(periodSeconds: number): string | undefined {
  if (periodSeconds % SECONDS_PER_MINUTE !== 0 || periodSeconds <= 0) {
    return `period ${periodSeconds}s is not a whole number of minutes`;
  }
  return periodSeconds > MAX_ALARM_PERIOD_SECONDS
    ? `period ${periodSeconds}s is longer than the one-day (${MAX_ALARM_PERIOD_SECONDS}s) alarm period we rely on`
    : undefined;
}

/**
 * Why the duration `value` ('1h', '2d') cannot be one alarm period, or undefined when it can; an invalid
 * duration is a problem too (its message says the accepted forms).
 */
export function alarmPeriodDurationProblem(value: string): string | undefined {
  let minutes: number;
  try {
    minutes = durationMinutes(value);
  } catch (error) {
    return (error as Error).message;
  }
  return minutes > MAX_ALARM_PERIOD_MINUTES
    ? `'${value}' is longer than CloudWatch's one-day alarm period; use at most 1d`
    : undefined;
}
