/** OpenSLO-style durations ('5m', '1h', '28d') as whole minutes, the resolution CloudWatch works in. */

const MINUTES_PER_UNIT = { m: 1, h: 60, d: 24 * 60 } as const;
const DURATION_PATTERN = /^([1-9]\d*)([mhd])$/;

export const SECONDS_PER_MINUTE = 60;

/** Minutes in a duration; throws naming the value and the accepted forms when it is not one. */
export function durationMinutes(duration: string): number {
  const match = DURATION_PATTERN.exec(duration);
  const unit = match?.[2] as keyof typeof MINUTES_PER_UNIT | undefined;
  if (match === null || match[1] === undefined || unit === undefined) {
    throw new Error(
      `Invalid duration '${duration}': use a positive whole number followed by m, h or d (e.g. '5m', '1h', '28d')`,
    );
  }
  return Number(match[1]) * MINUTES_PER_UNIT[unit];
}

/** Shortest exact spelling of a number of minutes: 1440 -> '1d', 90 -> '90m'. */
export function formatMinutes(minutes: number): string {
  if (minutes % MINUTES_PER_UNIT.d === 0) return `${minutes / MINUTES_PER_UNIT.d}d`;
  if (minutes % MINUTES_PER_UNIT.h === 0) return `${minutes / MINUTES_PER_UNIT.h}h`;
  return `${minutes}m`;
}
