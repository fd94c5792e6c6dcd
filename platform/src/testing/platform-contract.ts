/**
 * The Platform port's promises that every platform keeps, as tests each platform's suite runs: LocalPlatform on a
 * real daemon (port-contract.test.ts) and AwsPlatform over a stand-in AWS (aws/aws-platform-contract.test.ts).
 * A promise only one side can show stays in that side's file: the daemon's URLs, metrics by `via`, PC conflicts
 * and handover need real execution environments and routing, which the AWS stand-in does not model.
 */
import { expect, it } from 'vitest';
import { shiftUpdate } from '../alias.ts';
import {
  type Platform,
  type ProvisionedConcurrency,
  RevisionConflictError,
  type ScalingTarget,
} from '../port.ts';
import { until } from './daemon-fixtures.ts';

/** A version number no suite publishes. */
const NEVER_PUBLISHED = '999';

export interface PlatformContractSubject {
  /** The platform under test, read when each test runs (a suite may make it in beforeAll). */
  readonly platform: () => Platform;
  /** A published version that is not live's primary, with no traffic through live and no PC. */
  readonly otherVersion: () => string;
  /** Live's scaling target as a release finds it (registered first where the platform has none). */
  readonly scalingTarget: () => Promise<ScalingTarget>;
  /**
   * A published version with no PC to put PC on; `whileReady` checks, once PC is READY, what only this platform
   * can show about it.
   */
  readonly provisionable: () => Promise<{
    version: string;
    whileReady?: (ready: ProvisionedConcurrency) => Promise<void>;
  }>;
}

/** The tests every platform runs, in this order, on the same platform; each leaves it as it found it. */
export function platformContract(subject: PlatformContractSubject): void {
  it('says a published version exists and one never published does not, changing nothing', async () => {
    const platform = subject.platform();
    const before = await platform.readAlias();
    expect(await platform.versionExists(before.version)).toBe(true);
    expect(await platform.versionExists(subject.otherVersion())).toBe(true);
    expect(await platform.versionExists(NEVER_PUBLISHED)).toBe(false);
    expect(await platform.readAlias()).toEqual(before);
  });

  it('refuses an update planned from a stale revision and leaves the alias as it was', async () => {
    const platform = subject.platform();
    const before = await platform.readAlias();
    const stale = shiftUpdate(before, subject.otherVersion(), 0.1);
    const moved = await platform.updateAlias(shiftUpdate(before, subject.otherVersion(), 0.2));
    const error = await platform.updateAlias(stale).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect(error).toMatchObject({
      expectedRevisionId: before.revisionId,
      actualRevisionId: moved.revisionId,
    });
    expect(await platform.readAlias()).toEqual(moved);
    // Back to no traffic on the other version, from the revision as it is now.
    const back = await platform.updateAlias({
      version: before.version,
      weights: {},
      expectedRevisionId: moved.revisionId,
    });
    expect(back).toMatchObject({ version: before.version, weights: {} });
  });

  it('suspends scaling returning the target as it was, and resumes exactly that state', async () => {
    const platform = subject.platform();
    const registered = await subject.scalingTarget();
    // Someone suspended scale-in alone before the release: resume must bring back that, not "nothing suspended".
    const partly = {
      ...registered,
      suspendedState: { ...registered.suspendedState, dynamicScalingInSuspended: true },
    };
    await platform.resumeScaling(partly);
    const previous = await platform.suspendScaling();
    expect(previous).toEqual(partly);
    expect((await platform.scalingTarget())?.suspendedState).toMatchObject({
      dynamicScalingInSuspended: true,
      dynamicScalingOutSuspended: true,
    });
    await platform.resumeScaling(previous);
    expect(await platform.scalingTarget()).toEqual(partly);
  });

  it('puts provisioned concurrency on a version, reads it back as AWS reports it, and removes it', async () => {
    const platform = subject.platform();
    const { version, whileReady } = await subject.provisionable();
    expect(await platform.provisionedConcurrency(version)).toBeNull();
    expect(await platform.putProvisionedConcurrency(version, 1)).toMatchObject({
      qualifier: version,
      requested: 1,
      status: 'IN_PROGRESS',
    });
    const ready = await until(
      () => platform.provisionedConcurrency(version),
      (config) => config?.status === 'READY',
      `provisioned concurrency on ${version} READY`,
    );
    expect(ready).toMatchObject({ requested: 1, allocated: 1, available: 1 });
    await whileReady?.(ready as ProvisionedConcurrency);
    await platform.removeProvisionedConcurrency(version);
    expect(await platform.provisionedConcurrency(version)).toBeNull();
    // A second removal (a second abort) changes nothing and does not fail.
    await expect(platform.removeProvisionedConcurrency(version)).resolves.toBeUndefined();
  });
}
