/**
 * The second half of `npm run platform:local -- start`, once its daemon answers: version 1 published and on
 * `live`, its provisioned concurrency and scaling target set, and the wait until that concurrency is READY — or
 * FAILED as an injected init-fail asked, which is warned about. Any other failure stops the daemon start spawned.
 */
import { join } from 'node:path';
import { describeError } from '../../common/errors.ts';
import { PROVISIONED_CONCURRENCY_TARGET_UTILIZATION } from '../../infra/config/stages.ts';
import { type Progress, stopDaemon } from './daemon-process.ts';
import { describeFaults, type FaultPlan } from './local/faults.ts';
import { type DaemonInfo, LocalPlatform } from './local/local-platform.ts';
import { LIVE_ALIAS, type ProvisionedConcurrency } from './port.ts';

const READY_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface StartPlan {
  /** The daemon this start spawned. */
  readonly info: DaemonInfo;
  readonly contextDir: string;
  readonly faults: { readonly specs: readonly string[]; readonly plan: FaultPlan };
  /** Provisioned concurrency on live; 0 for none. */
  readonly pc: number;
  /** The function's concurrency limit: the scaling target's maximum. */
  readonly limit: number;
  readonly stateDir: string;
}

/** Live's provisioned concurrency once it is READY or FAILED. */
async function settledProvisioned(
  platform: LocalPlatform,
  requested: number,
  progress: Progress,
): Promise<ProvisionedConcurrency> {
  let reported = -1;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const config = await platform.provisionedConcurrency(LIVE_ALIAS);
    if (config === null) throw new Error(`provisioned concurrency on ${LIVE_ALIAS} vanished while warming`);
    if (config.allocated !== reported) {
      reported = config.allocated;
      progress(`warming provisioned environments on ${LIVE_ALIAS}: ${config.allocated}/${requested} ready`);
    }
    if (config.status !== 'IN_PROGRESS') return config;
    await sleep(50);
  }
  throw new Error(`provisioned concurrency on ${LIVE_ALIAS} was not READY within ${READY_TIMEOUT_MS} ms`);
}

/** What requests get from a version whose environments cannot init, with or without @live. */
function initFailWarning(plan: FaultPlan, config: ProvisionedConcurrency): string {
  const fault = describeFaults({ initFail: plan.initFail });
  const reach = plan.initFail?.liveOnly
    ? `every request through ${LIVE_ALIAS} gets a 502 (each starts an environment whose init fails); the ` +
      "version's own URL answers"
    : `every request, through ${LIVE_ALIAS} or the version's own URL, gets a 502 (each starts an environment ` +
      'whose init fails)';
  return (
    `warning: provisioned concurrency on ${LIVE_ALIAS} is FAILED because of the injected fault ${fault} ` +
    `(${config.statusReason}): ${reach}`
  );
}

/** Version 1 on live, its provisioned concurrency READY (or FAILED as injected); else the daemon is stopped. */
export async function publishAndWarm(start: StartPlan, progress: Progress): Promise<void> {
  const { info, contextDir, faults, pc, limit, stateDir } = start;
  const platform = new LocalPlatform(info.controlUrl);
  try {
    progress(`publishing version 1 from ${contextDir}`);
    const published = await platform.publishVersion(contextDir, faults.specs);
    progress(
      `${LIVE_ALIAS} -> version ${published.version}${published.faults ? ` (faults: ${published.faults})` : ''}`,
    );
    if (pc > 0) {
      const target = PROVISIONED_CONCURRENCY_TARGET_UTILIZATION;
      progress(
        `provisioned concurrency ${pc} on ${LIVE_ALIAS}; scaling target ${pc}..${limit} at ${target * 100} %`,
      );
      await platform.putProvisionedConcurrency(LIVE_ALIAS, pc);
      await platform.registerScalingTarget({
        minCapacity: pc,
        maxCapacity: limit,
        targetUtilization: target,
      });
      const config = await settledProvisioned(platform, pc, progress);
      if (config.status === 'FAILED') {
        // An injected init-fail is what was asked for: the platform runs, as a release rehearsal wants it.
        if (faults.plan.initFail === undefined) {
          throw new Error(`provisioned concurrency on ${LIVE_ALIAS} FAILED: ${config.statusReason}`);
        }
        progress(initFailWarning(faults.plan, config));
      }
    }
  } catch (error) {
    // No half-started platform: the daemon this start spawned goes too; its logs stay for the cause.
    await stopDaemon(stateDir, { info, answering: true }, progress).catch((stopError: unknown) =>
      progress(`cannot stop pid ${info.pid}: ${describeError(stopError)}`),
    );
    throw new Error(
      `${describeError(error)}; the platform this start began is stopped (logs: ${join(stateDir, 'logs')}, ` +
        `${join(stateDir, 'daemon.log')})`,
      { cause: error },
    );
  }
}
