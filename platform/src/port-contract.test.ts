/**
 * The Platform port's promises a release relies on, checked against LocalPlatform on a real daemon with real
 * execution environments. The ones every platform keeps (a stale revision refused, scaling suspended and
 * resumed exactly, provisioned concurrency in, read back and out) are testing/platform-contract.ts, which
 * AwsPlatform's suite runs too. Each test here names one promise that needs real environments and routing, which
 * AwsPlatform must keep as well but which no stand-in AWS could show:
 * - liveUrl is where `live` answers, versionUrl a URL serving that version alone; an unknown version is refused;
 * - PC's available count does not drop while an environment serves (inside the shared PC test);
 * - what Lambda refuses (PC changed on `live` while it has weights; PC put on `live`'s primary while `live` has PC)
 *   is a ProvisionedConcurrencyConflictError that changes nothing, and a version with PC of its own may still
 *   become `live`'s primary;
 * - a new primary while `live` has PC is Lambda's handover: the old version as `live`'s one weight {old: 1} until
 *   live's PC is READY on the new primary, then no weights, each at a new revision;
 * - versionMetrics counts the traffic its `via` names, and no other;
 * - the release record's lock and journal are one record, whichever client reads or writes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftUpdate } from './alias.ts';
import { type Daemon, startDaemon } from './local/daemon.ts';
import { LocalPlatform } from './local/local-platform.ts';
import {
  LIVE_ALIAS,
  type Platform,
  ProvisionedConcurrencyConflictError,
  type VersionMetrics,
} from './port.ts';
import { BAD_BODY, imageContext, predict, until } from './testing/daemon-fixtures.ts';
import { platformContract } from './testing/platform-contract.ts';
import { keepsOneRecordBehindEveryClient } from './testing/release-record-contract.ts';

let scratch: string;
let daemon: Daemon;
let platform: LocalPlatform;
/** A version whose every invocation fails (errors=100%), with no traffic through `live`. */
let faulty: { version: string; url: string };

beforeAll(async () => {
  const context = imageContext();
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-port-contract-'));
  daemon = await startDaemon({ stateDir: join(scratch, 'state'), maxConcurrency: 4, log: () => {} });
  platform = new LocalPlatform(daemon.controlUrl);
  await platform.publishVersion(context);
  faulty = await platform.publishVersion(context, ['errors=100%']);
}, 60_000);

afterAll(async () => {
  await daemon?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** live once Lambda's handover weights are gone. */
const settled = (port: Platform) =>
  until(
    () => port.readAlias(),
    (alias) => Object.keys(alias.weights).length === 0,
    `${LIVE_ALIAS} without handover weights`,
  );

const around = () => ({ start: new Date(Date.now() - 120_000), end: new Date(Date.now() + 120_000) });

describe('the Platform port, on LocalPlatform', () => {
  it("gives live's URL and each version's own, and refuses a version never published, naming the published ones", async () => {
    const port: Platform = platform;
    expect(await port.liveUrl()).toBe(daemon.liveUrl);
    expect(await port.versionUrl(faulty.version)).toBe(faulty.url);
    expect(await port.versionUrl('1')).toBe(((await platform.status()).versions['1'] as { url: string }).url);
    await expect(port.versionUrl('99')).rejects.toThrow(
      /version 99 is not published \(published: 1, 2\): name one of those/,
    );
  });

  platformContract({
    platform: () => platform,
    otherVersion: () => faulty.version,
    scalingTarget: () =>
      platform.registerScalingTarget({ minCapacity: 0, maxCapacity: 2, targetUtilization: 0.5 }),
    // A version whose invocations last long enough to read the configuration while one is in flight.
    provisionable: async () => {
      const slow = await platform.publishVersion(imageContext(), ['slow=1500ms']);
      return {
        version: slow.version,
        // Available is AWS's AvailableProvisionedConcurrentExecutions, the configuration's count of initialised
        // environments: it does not drop while one serves (how busy they are is a metric, not this field).
        // Only real environments can serve, so only this side shows it.
        whileReady: async () => {
          const inFlight = predict(slow.url);
          await until(
            async () => (await platform.status()).concurrency as { executions: number },
            (concurrency) => concurrency.executions === 1,
            'the slow invocation in flight',
          );
          expect(await platform.provisionedConcurrency(slow.version)).toMatchObject({
            allocated: 1,
            available: 1,
          });
          expect((await inFlight).status).toBe(200);
        },
      };
    },
  });

  it("counts a fault on the version's own URL under via 'version' and not under 'live'", async () => {
    const { url: ownUrl } = (await platform.status()).versions['1'] as { url: string };
    for (let i = 0; i < 3; i += 1) expect((await predict(faulty.url)).status).toBe(502);
    for (let i = 0; i < 2; i += 1) expect((await predict(daemon.liveUrl)).status).toBe(200);
    expect((await predict(ownUrl, BAD_BODY)).status).toBe(400);
    const metrics = (version: string, via: 'live' | 'version') =>
      platform.versionMetrics(version, around(), via);

    expect(await metrics(faulty.version, 'version')).toMatchObject({
      via: 'version',
      invocations: 3,
      errors: 3,
    });
    expect(await metrics(faulty.version, 'live')).toMatchObject({ via: 'live', invocations: 0, errors: 0 });
    // The app's figures: by the qualifier under 'version' (its own URL's 400 only); by Version under 'live'
    // (every qualifier, so the 400 too), as port.ts documents. EMF arrives a moment after each answer.
    const appCounts = (m: VersionMetrics) => [m.app.requests2xx, m.app.requests4xx];
    const own = await until(
      () => metrics('1', 'version'),
      (m) => m.app.requests4xx === 1,
      'the 400',
    );
    expect([own.invocations, ...appCounts(own)]).toEqual([1, 0, 1]);
    const live = await until(
      () => metrics('1', 'live'),
      (m) => m.app.requests2xx === 2,
      'the 200s',
    );
    expect([live.invocations, live.errors, ...appCounts(live)]).toEqual([2, 0, 2, 1]);
  });

  it("keeps one release record behind every client: the holder's lock and journal, refused to another", () =>
    keepsOneRecordBehindEveryClient(() => new LocalPlatform(daemon.controlUrl).releaseRecord));

  it("refuses PC changes on live while it has weights, and PC on live's primary, changing nothing", async () => {
    const port: Platform = platform;
    await port.putProvisionedConcurrency(LIVE_ALIAS, 1);
    const weighted = await port.updateAlias(shiftUpdate(await port.readAlias(), faulty.version, 0.1));
    const liveBefore = await port.provisionedConcurrency(LIVE_ALIAS);
    const refusals = [
      () => port.putProvisionedConcurrency(LIVE_ALIAS, 2),
      () => port.removeProvisionedConcurrency(LIVE_ALIAS),
    ];
    for (const attempt of refusals) {
      const error = await (attempt() as Promise<unknown>).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisionedConcurrencyConflictError);
      expect(error).toMatchObject({ qualifier: LIVE_ALIAS });
      expect((error as Error).message).toMatch(
        /Alias with weights can not be used with Provisioned Concurrency/,
      );
    }
    expect(await port.provisionedConcurrency(LIVE_ALIAS)).toMatchObject({ requested: liveBefore?.requested });

    const unweighted = await port.updateAlias({
      version: '1',
      weights: {},
      expectedRevisionId: weighted.revisionId,
    });
    const onPrimary = await port.putProvisionedConcurrency('1', 1).catch((e: unknown) => e);
    expect(onPrimary).toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect(onPrimary).toMatchObject({ qualifier: '1' });
    expect((onPrimary as Error).message).toMatch(
      /version 1 is live's primary and live has provisioned concurrency/,
    );
    expect(await port.provisionedConcurrency('1')).toBeNull();

    // Allowed (AWS documents no refusal): a version with PC of its own becomes the primary; live's PC moves to it
    // by Lambda's handover (the next test).
    await port.putProvisionedConcurrency(faulty.version, 1);
    await port.updateAlias({
      version: faulty.version,
      weights: {},
      expectedRevisionId: unweighted.revisionId,
    });
    await settled(port);
    await port.removeProvisionedConcurrency(faulty.version);
    const back = await port.updateAlias({
      version: '1',
      weights: {},
      expectedRevisionId: (await port.readAlias()).revisionId,
    });
    expect(back.version).toBe('1');
    await settled(port);
    await port.removeProvisionedConcurrency(LIVE_ALIAS);
    expect(await port.provisionedConcurrency(LIVE_ALIAS)).toBeNull();
  });

  it("hands live's PC to a new primary as Lambda does: the old version as the one weight {old: 1}, PC on live refused, then cleared at a new revision once READY", async () => {
    const port: Platform = platform;
    await port.putProvisionedConcurrency(LIVE_ALIAS, 1);
    await until(
      () => port.provisionedConcurrency(LIVE_ALIAS),
      (config) => config?.status === 'READY',
      `${LIVE_ALIAS}'s provisioned concurrency READY on version 1`,
    );
    const stable = await port.readAlias();

    const moving = await port.updateAlias({
      version: faulty.version,
      weights: {},
      expectedRevisionId: stable.revisionId,
    });
    expect(moving).toMatchObject({ version: faulty.version, weights: { '1': 1 } });
    expect(moving.revisionId).not.toBe(stable.revisionId);
    const refused = await port.putProvisionedConcurrency(LIVE_ALIAS, 2).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect((refused as Error).message).toContain(`live routes {"1":1} beside version ${faulty.version}`);

    const moved = await settled(port);
    expect(moved).toMatchObject({ version: faulty.version, weights: {} });
    expect(moved.revisionId).not.toBe(moving.revisionId);
    expect(await port.provisionedConcurrency(LIVE_ALIAS)).toMatchObject({ requested: 1, status: 'READY' });

    // Without PC on live, a new primary takes the traffic at once, as on Lambda.
    await port.removeProvisionedConcurrency(LIVE_ALIAS);
    const back = await port.updateAlias({ version: '1', weights: {}, expectedRevisionId: moved.revisionId });
    expect(back).toMatchObject({ version: '1', weights: {} });
  });

  it('leaves the live alias on version 1 with no weights after all of the above', async () => {
    expect(await platform.readAlias()).toMatchObject({ name: LIVE_ALIAS, version: '1', weights: {} });
  });
});
