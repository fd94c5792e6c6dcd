/**
 * Fault injection per version, as `--inject` names it: `slow=100ms`, `errors=5%`, `crash-after=N`, `init-fail`,
 * each optionally suffixed `@live` so that it hits only requests that come through the `live` alias (a bug the
 * pre-traffic test of the version's own URL cannot see, so the shift itself must catch it). Pure: the daemon
 * parses, the execution environment decides with the deciders below. A FaultPlan is plain JSON because it travels
 * to the environment in its configuration.
 */

export interface FaultPlan {
  /** Every affected invocation waits this long before the handler runs. */
  readonly slowMs?: { readonly ms: number; readonly liveOnly: boolean };
  /** This share (0 < rate <= 1) of affected invocations fail as a function error. */
  readonly errorRate?: { readonly rate: number; readonly liveOnly: boolean };
  /** An environment's process exits during the first affected invocation after its first `invocations`. */
  readonly crashAfter?: { readonly invocations: number; readonly liveOnly: boolean };
  /** Init fails: the environment never becomes ready. */
  readonly initFail?: { readonly liveOnly: boolean };
}

export const VALID_FAULT_FORMS =
  'slow=<ms>ms, errors=<percent>%, crash-after=<invocations>, init-fail, each optionally with @live ' +
  '(e.g. slow=100ms, errors=5%@live, crash-after=10, init-fail@live); separate several with commas';

export class InvalidFaultError extends Error {
  constructor(
    readonly spec: string,
    reason: string,
  ) {
    super(`fault "${spec}": ${reason}; valid forms: ${VALID_FAULT_FORMS}`);
    this.name = 'InvalidFaultError';
  }
}

const LIVE_SUFFIX = '@live';
const SLOW = /^slow=(\d+(?:\.\d+)?)ms$/;
const ERRORS = /^errors=(\d+(?:\.\d+)?)%$/;
const CRASH_AFTER = /^crash-after=(\d+)$/;
const INIT_FAIL = 'init-fail';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One FaultPlan from every `--inject` value; each may hold several faults separated by commas. */
export function parseFaults(specs: readonly string[]): FaultPlan {
  const plan: Mutable<FaultPlan> = {};
  const set = <K extends keyof FaultPlan>(item: string, key: K, value: NonNullable<FaultPlan[K]>) => {
    if (plan[key] !== undefined)
      throw new InvalidFaultError(item, `${key} is already set by an earlier fault`);
    plan[key] = value;
  };
  for (const spec of specs) {
    if (typeof spec !== 'string' || spec.trim() === '')
      throw new InvalidFaultError(String(spec), 'it is empty');
    for (const rawItem of spec.split(',')) {
      const item = rawItem.trim();
      if (item === '') throw new InvalidFaultError(spec, 'it has an empty fault between commas');
      const liveOnly = item.endsWith(LIVE_SUFFIX);
      const fault = liveOnly ? item.slice(0, -LIVE_SUFFIX.length) : item;
      const slow = SLOW.exec(fault);
      const errors = ERRORS.exec(fault);
      const crash = CRASH_AFTER.exec(fault);
      if (slow) {
        const ms = Number(slow[1]);
        if (!(ms > 0)) throw new InvalidFaultError(item, 'slow needs a delay above 0 ms');
        set(item, 'slowMs', { ms, liveOnly });
      } else if (errors) {
        const percent = Number(errors[1]);
        if (!(percent > 0 && percent <= 100))
          throw new InvalidFaultError(item, 'errors takes a percentage in (0, 100]');
        // toPrecision(12) drops the float error of the division: 0.7 % is a rate of 0.007, not 0.006999999999999999.
        set(item, 'errorRate', { rate: Number((percent / 100).toPrecision(12)), liveOnly });
      } else if (crash) {
        const invocations = Number(crash[1]);
        if (!Number.isSafeInteger(invocations))
          throw new InvalidFaultError(item, 'crash-after takes a whole number');
        set(item, 'crashAfter', { invocations, liveOnly });
      } else if (fault === INIT_FAIL) {
        set(item, 'initFail', { liveOnly });
      } else {
        throw new InvalidFaultError(item, 'it is no known fault');
      }
    }
  }
  return plan;
}

/** Whether a fault applies to an invocation (or an environment) reached through `live` or not. */
const applies = (fault: { readonly liveOnly: boolean } | undefined, viaLive: boolean): boolean =>
  fault !== undefined && (!fault.liveOnly || viaLive);

/**
 * Whether an environment's init fails. An environment started for `live` (provisioned concurrency on the alias,
 * or an on-demand start for a request through it) fails an `init-fail@live`; one started for the version's own
 * URL does not.
 */
export function initFails(plan: FaultPlan, startedFor: 'live' | 'version'): boolean {
  return applies(plan.initFail, startedFor === 'live');
}

export interface InvocationFault {
  /** Wait this long before running the handler. */
  readonly delayMs: number;
  /** Fail the invocation as a function error instead of running the handler. */
  readonly fail: boolean;
  /** Exit the environment's process mid-invocation. */
  readonly crash: boolean;
}

/**
 * What one invocation suffers. `invocationNumber` counts this environment's invocations from 1 (this one
 * included); `random` is uniform in [0, 1) and decides `errors`. `crash-after=N` crashes invocation N + 1, or
 * with `@live` the first invocation through `live` after the first N of the environment.
 */
export function invocationFault(
  plan: FaultPlan,
  invocation: { readonly viaLive: boolean; readonly invocationNumber: number; readonly random: number },
): InvocationFault {
  const { viaLive, invocationNumber, random } = invocation;
  return {
    delayMs: plan.slowMs && applies(plan.slowMs, viaLive) ? plan.slowMs.ms : 0,
    fail: plan.errorRate !== undefined && applies(plan.errorRate, viaLive) && random < plan.errorRate.rate,
    crash:
      plan.crashAfter !== undefined &&
      applies(plan.crashAfter, viaLive) &&
      invocationNumber > plan.crashAfter.invocations,
  };
}

/** The faults as `--inject` would name them, "" for none: `slow=100ms@live, errors=5%`. */
export function describeFaults(plan: FaultPlan): string {
  const live = (fault: { readonly liveOnly: boolean }) => (fault.liveOnly ? LIVE_SUFFIX : '');
  // toPrecision(12) undoes the float error of percent / 100 * 100 (5 % reads 5, not 5.000000000000001).
  const percent = (rate: number) => Number((rate * 100).toPrecision(12));
  const parts: string[] = [];
  if (plan.slowMs) parts.push(`slow=${plan.slowMs.ms}ms${live(plan.slowMs)}`);
  if (plan.errorRate) parts.push(`errors=${percent(plan.errorRate.rate)}%${live(plan.errorRate)}`);
  if (plan.crashAfter) parts.push(`crash-after=${plan.crashAfter.invocations}${live(plan.crashAfter)}`);
  if (plan.initFail) parts.push(`${INIT_FAIL}${live(plan.initFail)}`);
  return parts.join(', ');
}
