/**
 * How big a local platform the rehearsal starts: live's provisioned concurrency sized for the production traffic
 * as `npm run loadtest -- --platform local` sizes it (Little's law at the slowest latency the SLOs accept), and a
 * concurrency limit that leaves room for the candidate's own provisioned concurrency beside it.
 */
import { platformSizeFor } from '../../../loadtest/src/local-platform-plan.ts';

export interface RehearsalPlatformSize {
  /** live's provisioned concurrency (`start --pc`): what version 1 serves production with. */
  readonly pc: number;
  /** The function's concurrency limit (`start --max-concurrency`). */
  readonly maxConcurrency: number;
}

/**
 * live keeps its pc, the candidate's own version PC grows to as much before promotion (warm sizes it to
 * max(1, ceil(pc × weight)), the whole of it at the last step), and the on-demand room the load test leaves beside
 * live's pool stays for spillover and the pre-traffic test's cold starts. Provisioned concurrency on every
 * qualifier is claimed out of the limit, so a smaller limit would throttle the candidate's warm-up, not the fault.
 * A larger one does not absorb a crash-looping candidate's pre-traffic test either: its cold starts grow with the
 * canary's rate times their init time, and on two cores more of them at once only trade live's throttles for
 * seconds of latency and timed-out requests (measured at a limit of 120).
 */
export function rehearsalPlatformSize(trafficPerSecond: number): RehearsalPlatformSize {
  const forTraffic = platformSizeFor(trafficPerSecond);
  const pc = forTraffic.provisionedEnvironments;
  const onDemand = forTraffic.maxConcurrency - pc;
  return { pc, maxConcurrency: pc + pc + onDemand };
}
