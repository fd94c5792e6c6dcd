/**
 * The daemon end to end, in this process, with real execution environments running the real handler on real
 * Function URL events: routing by weight, provisioned concurrency, throttles, metrics, faults, the alias's
 * revision check, the release record, and what the control API refuses. Tests in a file run in order; each says
 * what alias state it leaves.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollBackUpdate, shiftUpdate } from '../alias.ts';
import {
  JournalConflictError,
  LIVE_ALIAS,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
  RevisionConflictError,
} from '../port.ts';
import { withinBinomialTolerance } from '../testing/binomial.ts';
import { BAD_BODY, childPids, imageContext, isRunning, predict, until } from '../testing/daemon-fixtures.ts';
import { type Daemon, type DaemonOptions, startDaemon } from './daemon.ts';
import { MAX_REQUEST_BYTES } from './front.ts';
import { LocalPlatform } from './local-platform.ts';
import { VERSION_FILE_MODE } from './versions.ts';

let scratch: string;
let context: string;
let contextHandlerMode: number;
let daemon: Daemon;
let platform: LocalPlatform;
const log: string[] = [];

beforeAll(async () => {
  context = imageContext();
  contextHandlerMode = (await stat(join(context, 'lambda.mjs'))).mode;
  scratch = await mkdtemp(join(tmpdir(), 'shiftgate-daemon-'));
  daemon = await startDaemon({
    stateDir: join(scratch, 'a'),
    maxConcurrency: 8,
    log: (line) => log.push(line),
  });
  platform = new LocalPlatform(daemon.controlUrl);
  await platform.publishVersion(context);
}, 60_000);

afterAll(async () => {
  await daemon?.close();
  await rm(scratch, { recursive: true, force: true });
});

const ready = (p: LocalPlatform, qualifier: string, status = 'READY') =>
  until(
    () => p.provisionedConcurrency(qualifier),
    (c) => c?.status === status,
    `PC on ${qualifier} ${status}`,
  );

const totals = async (p: LocalPlatform, version: string) =>
  (await p.status()).versions[version] as {
    invocations: number;
    errors: number;
    coldStarts: number;
    throttles: number;
  };

/** A daemon of the test's own in scratch/`name` (silent unless told) and a client; closed however it ends. */
async function withDaemon(
  options: Omit<DaemonOptions, 'stateDir'> & { readonly name: string },
  test: (own: Daemon, client: LocalPlatform) => Promise<void>,
): Promise<void> {
  const { name, ...settings } = options;
  const own = await startDaemon({ stateDir: join(scratch, name), log: () => {}, ...settings });
  try {
    await test(own, new LocalPlatform(own.controlUrl));
  } finally {
    await own.close();
  }
}

/** live once Lambda's handover weights are gone. */
const settled = () =>
  until(
    () => platform.readAlias(),
    (alias) => Object.keys(alias.weights).length === 0,
    `${LIVE_ALIAS} without handover weights`,
  );

const wide = () => ({ start: new Date(Date.now() - 120_000), end: new Date(Date.now() + 120_000) });

describe('provisioned concurrency', () => {
  it('serves N concurrent requests on N provisioned environments without a cold start; on-demand ones start cold', async () => {
    await platform.putProvisionedConcurrency(LIVE_ALIAS, 2);
    expect((await ready(platform, LIVE_ALIAS))?.allocated).toBe(2);
    const answers = await Promise.all([predict(daemon.liveUrl), predict(daemon.liveUrl)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect((await totals(platform, '1')).coldStarts).toBe(0);
    // The version's own URL has no provisioned concurrency: its first request starts an environment.
    const { url } = (await platform.status()).versions['1'] as { url: string };
    // The version is an immutable copy: read-only files of its own; the image context keeps its modes.
    const handler = await stat(join(scratch, 'a', 'versions', '1', 'lambda.mjs'));
    expect([handler.mode & 0o777, handler.nlink]).toEqual([VERSION_FILE_MODE, 1]);
    expect((await stat(join(context, 'lambda.mjs'))).mode).toBe(contextHandlerMode);
    expect((await predict(url)).status).toBe(200);
    expect((await predict(url)).status).toBe(200);
    expect(await totals(platform, '1')).toMatchObject({ invocations: 4, coldStarts: 1, errors: 0 });
  });
});

describe('the live alias', () => {
  it('routes by weight within binomial tolerance, and the metrics match what was sent', async () => {
    const { version: candidate, url } = await platform.publishVersion(context);
    await platform.updateAlias(shiftUpdate(await platform.readAlias(), candidate, 0.1));
    const requests = 1_000;
    const versions: string[] = [];
    const worker = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const answer = await predict(daemon.liveUrl);
        expect(answer.status).toBe(200);
        versions.push(answer.version ?? 'none');
      }
    };
    await Promise.all([worker(250), worker(250), worker(250), worker(250)]);
    const onCandidate = versions.filter((v) => v === candidate).length;
    expect(versions.filter((v) => v !== candidate && v !== '1')).toEqual([]);
    // 4.5 sigma of Binomial(1000, 0.1) is ±43 requests around 100.
    expect(withinBinomialTolerance(onCandidate, requests, 0.1)).toBe(true);

    for (let i = 0; i < 3; i += 1) expect((await predict(url, BAD_BODY)).status).toBe(400);
    // The app's metrics arrive as EMF log lines, a moment after each response.
    const metrics = await until(
      () => platform.versionMetrics(candidate, wide(), 'live'),
      (m) => m.app.requests2xx === onCandidate && m.app.requests4xx === 3,
      'the EMF counts',
    );
    expect(metrics).toMatchObject({
      version: candidate,
      invocations: onCandidate,
      errors: 0,
      throttles: 0,
      app: { requests2xx: onCandidate, requests4xx: 3, requests5xx: 0 },
    });
    expect(metrics.durationP50Ms).toBeGreaterThan(0);
    expect(metrics.app.latencyP95Ms).toBeGreaterThan(0);
    expect(metrics.range.start).toBeInstanceOf(Date);
    const primary = await platform.versionMetrics('1', wide(), 'live');
    expect(primary.invocations).toBe(2 + requests - onCandidate);
  });

  it("refuses a body over Lambda's payload limit with 413, before any invocation", async () => {
    const before = await totals(platform, '1');
    const { url } = (await platform.status()).versions['1'] as { url: string };
    const answer = await predict(url, 'x'.repeat(MAX_REQUEST_BYTES + 1));
    expect([answer.status, answer.body]).toEqual([413, expect.stringMatching(/smaller than 6291456 bytes/)]);
    expect(await totals(platform, '1')).toEqual(before);
  });

  it('refuses an update planned from a stale revision and leaves the alias as it was', async () => {
    const planned = await platform.readAlias();
    const rolledBack = await platform.updateAlias(rollBackUpdate(planned));
    expect(rolledBack).toMatchObject({ version: '1', weights: {} });
    await expect(platform.updateAlias(shiftUpdate(planned, '2', 0.5))).rejects.toThrow(RevisionConflictError);
    expect(await platform.readAlias()).toEqual(rolledBack);
  });
});

describe('faults, observed through the fronts', () => {
  it('slow=200ms delays every invocation', async () => {
    const { url } = await platform.publishVersion(context, ['slow=200ms']);
    await predict(url);
    const started = performance.now();
    expect((await predict(url)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('errors=100% fails every invocation with a 502 counted as an Error', async () => {
    const { version, url } = await platform.publishVersion(context, ['errors=100%']);
    const answers = [await predict(url), await predict(url)];
    expect(answers.map((a) => [a.status, JSON.parse(a.body)])).toEqual([
      [502, { Message: 'Internal Server Error' }],
      [502, { Message: 'Internal Server Error' }],
    ]);
    expect(await totals(platform, version)).toMatchObject({ invocations: 2, errors: 2 });
  });

  it('crash-after=2 kills the environment on its third invocation; the next one starts cold', async () => {
    const { version, url } = await platform.publishVersion(context, ['crash-after=2']);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await predict(url)).status);
    expect(statuses).toEqual([200, 200, 502, 200]);
    expect(await totals(platform, version)).toMatchObject({ invocations: 4, errors: 1, coldStarts: 2 });
  });

  it('init-fail makes provisioned concurrency FAILED with the reason, and a cold start a 502', async () => {
    const { version, url } = await platform.publishVersion(context, ['init-fail']);
    await platform.putProvisionedConcurrency(version, 1);
    const failed = await ready(platform, version, 'FAILED');
    expect(failed?.statusReason).toMatch(new RegExp(`version ${version}.*init`, 'i'));
    expect((await predict(url)).status).toBe(502);
    // The failed init is an invocation, an error and a cold start, as Lambda counts it: a release sees it.
    expect(await platform.versionMetrics(version, wide(), 'version')).toMatchObject({
      invocations: 1,
      errors: 1,
    });
    expect(await totals(platform, version)).toMatchObject({ invocations: 1, errors: 1, coldStarts: 1 });
    await platform.removeProvisionedConcurrency(version);
    expect(await platform.provisionedConcurrency(version)).toBeNull();
  });

  it('an @live fault strikes only through live: errors=100%@live and init-fail@live', async () => {
    const errors = await platform.publishVersion(context, ['errors=100%@live']);
    const initFail = await platform.publishVersion(context, ['init-fail@live']);
    expect((await predict(errors.url)).status).toBe(200);
    expect((await predict(initFail.url)).status).toBe(200);
    const before = await platform.readAlias();

    const livePc = (await platform.provisionedConcurrency(LIVE_ALIAS))?.requested ?? 0;
    expect(livePc).toBeGreaterThan(0);

    // Live has PC, so a new primary is Lambda's handover: served on 1 until live's PC is READY on it.
    let alias = await platform.updateAlias({ ...rollBackUpdate(before), version: errors.version });
    expect(alias.weights).toEqual({ '1': 1 });
    alias = await settled();
    const viaLive = await predict(daemon.liveUrl);
    expect([viaLive.status, viaLive.version]).toEqual([502, errors.version]);

    // To a version that cannot init for live, live's provisioned concurrency fails, and the handover never ends:
    // live keeps serving on the old primary's environments.
    alias = await platform.updateAlias({ ...rollBackUpdate(alias), version: initFail.version });
    expect((await ready(platform, LIVE_ALIAS, 'FAILED'))?.statusReason).toMatch(
      `version ${initFail.version}`,
    );
    expect(await platform.readAlias()).toMatchObject({
      version: initFail.version,
      weights: { [errors.version]: 1 },
    });
    const stillOld = await predict(daemon.liveUrl);
    expect([stillOld.status, stillOld.version]).toEqual([502, errors.version]);
    // Back to the version still serving ends it at once, re-allocated on the environments it kept.
    alias = await platform.updateAlias({
      ...rollBackUpdate(await platform.readAlias()),
      version: errors.version,
    });
    expect(alias).toMatchObject({ version: errors.version, weights: {} });
    expect(await ready(platform, LIVE_ALIAS)).toMatchObject({ allocated: livePc });

    // Without PC on live the move is at once: a request through live starts an environment whose init fails,
    // counted against the candidate, via live.
    await platform.removeProvisionedConcurrency(LIVE_ALIAS);
    alias = await platform.updateAlias({ ...rollBackUpdate(alias), version: initFail.version });
    expect((await predict(daemon.liveUrl)).status).toBe(502);
    expect(await platform.versionMetrics(initFail.version, wide(), 'live')).toMatchObject({
      invocations: 1,
      errors: 1,
    });
    // Its own URL's one clean cold start above, plus this failed one.
    expect(await totals(platform, initFail.version)).toMatchObject({ errors: 1, coldStarts: 2 });
    // Back on 1, with live's PC as it was.
    await platform.updateAlias({ ...rollBackUpdate(alias), version: '1' });
    await platform.putProvisionedConcurrency(LIVE_ALIAS, livePc);
    await ready(platform, LIVE_ALIAS);
    expect((await predict(daemon.liveUrl)).status).toBe(200);
  });
});

describe('the release record and the scaling target through LocalPlatform', () => {
  it('a second release cannot take the lock or write the journal; a stale append conflicts', async () => {
    const record = platform.releaseRecord;
    await expect(record.append({ releaseId: 'r1', type: 'start', data: {} }, 1)).rejects.toThrow(
      ReleaseLockNotHeldError,
    );
    await record.acquireLock('r1', 'test runner');
    await expect(record.acquireLock('r2', 'another runner')).rejects.toThrow(ReleaseLockedError);
    await expect(record.append({ releaseId: 'r2', type: 'start', data: {} }, 1)).rejects.toThrow(
      ReleaseLockedError,
    );
    expect(await record.append({ releaseId: 'r1', type: 'start', data: { weight: 0.1 } }, 1)).toMatchObject({
      sequence: 1,
      data: { weight: 0.1 },
    });
    await expect(record.append({ releaseId: 'r1', type: 'again', data: null }, 1)).rejects.toThrow(
      JournalConflictError,
    );
    await expect(record.releaseLock('r2')).rejects.toThrow(ReleaseLockedError);
    await record.releaseLock('r1');
    expect(await record.currentLock()).toBeNull();
    expect((await record.journal('r1')).map((e) => e.type)).toEqual(['start']);
  });

  it('suspends scaling and resumes exactly the previous state', async () => {
    expect(await platform.scalingTarget()).toBeNull();
    await platform.registerScalingTarget({ minCapacity: 2, maxCapacity: 8, targetUtilization: 0.5 });
    const previous = await platform.suspendScaling();
    expect((await platform.scalingTarget())?.suspendedState.dynamicScalingOutSuspended).toBe(true);
    await platform.resumeScaling(previous);
    expect(await platform.scalingTarget()).toEqual(previous);
  });
});

describe('the control API refuses bad input and what Lambda refuses with a 4xx naming it, and changes nothing', () => {
  const call = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${daemon.controlUrl}${path}`, { method, body });
    return {
      status: response.status,
      error: ((await response.json()) as { error: { message: string } }).error,
    };
  };

  it.each([
    ['PUT', '/alias', '{not json', 400, /not JSON/],
    ['PUT', '/alias', '[]', 400, /update/],
    [
      'PUT',
      '/alias',
      JSON.stringify({ version: '99', weights: {}, expectedRevisionId: 'x' }),
      400,
      /published/,
    ],
    [
      'PUT',
      '/alias',
      JSON.stringify({ version: '1', weights: { 2: 1.5 }, expectedRevisionId: 'x' }),
      400,
      /weight/,
    ],
    ['PUT', '/provisioned-concurrency/live', JSON.stringify({ executions: 0 }), 400, /executions/],
    ['PUT', '/provisioned-concurrency/live', JSON.stringify({ executions: 99 }), 400, /concurrency limit 8/],
    // live holds 2: 7 more on version 2 would take 9 of the 8.
    ['PUT', '/provisioned-concurrency/2', JSON.stringify({ executions: 7 }), 400, /plus 2 on other/],
    // Version 1 is live's primary and live has PC: a version has one configuration (Lambda's rule).
    ['PUT', '/provisioned-concurrency/1', JSON.stringify({ executions: 1 }), 409, /live's primary/],
    ['PUT', '/provisioned-concurrency/42', JSON.stringify({ executions: 1 }), 404, /qualifier 42/],
    ['POST', '/versions', JSON.stringify({ contextDir: '/nowhere', faults: [] }), 400, /build:image-context/],
    [
      'POST',
      '/versions',
      JSON.stringify({ contextDir: '/nowhere', faults: ['slow=fast'] }),
      400,
      /valid forms/,
    ],
    ['POST', '/record/journal', JSON.stringify({ expectedSequence: 1 }), 400, /entry/],
    ['POST', '/record/lock', JSON.stringify({ releaseId: '', holder: 'x' }), 400, /releaseId/],
    ['POST', '/scaling-target/resume', JSON.stringify({ suspendedState: {} }), 400, /suspendedState/],
    ['GET', '/versions/1/metrics?start=yesterday&end=now', undefined, 400, /ISO 8601/],
    [
      'GET',
      '/versions/99/metrics?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&via=live',
      undefined,
      404,
      /99/,
    ],
    [
      'GET',
      '/versions/1/metrics?start=2026-01-01T00:00:00Z&end=2026-01-02T00:00:00Z&via=all',
      undefined,
      400,
      /via/,
    ],
    ['DELETE', '/alias', undefined, 405, /GET, PUT/],
    ['GET', '/nothing', undefined, 404, /no route/],
  ])('%s %s %s -> %i', async (method, path, body, status, message) => {
    const alias = await platform.readAlias();
    const versions = Object.keys((await platform.status()).versions);
    const answer = await call(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.error.message).toMatch(message);
    expect(await platform.readAlias()).toEqual(alias);
    expect(Object.keys((await platform.status()).versions)).toEqual(versions);
    expect(await platform.provisionedConcurrency(LIVE_ALIAS)).toMatchObject({ requested: 2 });
    expect(await platform.provisionedConcurrency('1')).toBeNull();
    expect(await platform.provisionedConcurrency('2')).toBeNull();
  });
});

describe("a version's own provisioned concurrency", () => {
  it('serves the version through live without a cold start, and an @live fault still strikes there', async () => {
    await withDaemon({ name: 'warmed', maxConcurrency: 3 }, async (warmed, client) => {
      await client.publishVersion(context);
      const candidate = await client.publishVersion(context, ['errors=100%@live']);
      await client.putProvisionedConcurrency(candidate.version, 1);
      await ready(client, candidate.version);
      await client.updateAlias(shiftUpdate(await client.readAlias(), candidate.version, 0.5));
      const answers = [];
      for (let i = 0; i < 16; i += 1) answers.push(await predict(warmed.liveUrl));
      const throughCandidate = answers.filter((answer) => answer.version === candidate.version);
      expect(throughCandidate.length).toBeGreaterThan(0);
      expect(throughCandidate.every((answer) => answer.status === 502)).toBe(true);
      expect((await predict(candidate.url)).status).toBe(200);
      expect(await totals(client, candidate.version)).toMatchObject({
        invocations: throughCandidate.length + 1,
        coldStarts: 0,
      });
      const metrics = await client.versionMetrics(candidate.version, wide(), 'live');
      expect([metrics.invocations, metrics.provisionedConcurrencySpilloverInvocations]).toEqual([
        throughCandidate.length,
        0,
      ]);
    });
  });
});

describe('a metric period shorter than the minute', () => {
  it('keeps metrics at that period, says so in status, and reads a range widened to its whole periods', async () => {
    await withDaemon({ name: 'fast', maxConcurrency: 2, metricPeriodMs: 1_000 }, async (fast, client) => {
      await client.publishVersion(context);
      expect((await client.status()).metricPeriodMs).toBe(1_000);
      for (let i = 0; i < 3; i += 1) expect((await predict(fast.liveUrl)).status).toBe(200);
      const end = new Date(Date.now() + 1);
      const metrics = await client.versionMetrics(
        '1',
        { start: new Date(end.getTime() - 5_000), end },
        'live',
      );
      expect(metrics.invocations).toBe(3);
      expect(metrics.range.start.getTime() % 1_000).toBe(0);
      expect(metrics.range.end.getTime()).toBe(Math.ceil(end.getTime() / 1_000) * 1_000);
    });
  });
});

describe('target tracking on live', () => {
  it('scales provisioned concurrency out under load, spills over meanwhile, and holds still while suspended', async () => {
    await withDaemon({ name: 'scaled', maxConcurrency: 4, scalingPeriodMs: 300 }, async (scaled, client) => {
      await client.publishVersion(context, ['slow=100ms']);
      await client.putProvisionedConcurrency(LIVE_ALIAS, 1);
      await client.registerScalingTarget({ minCapacity: 1, maxCapacity: 3, targetUtilization: 0.5 });
      await ready(client, LIVE_ALIAS);
      const previous = await client.suspendScaling();
      let load = true;
      const worker = async () => {
        while (load) expect((await predict(scaled.liveUrl)).status).toBe(200);
      };
      const workers = [worker(), worker()];
      // Two busy clients on one provisioned environment: utilization 1, twice the target.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await client.provisionedConcurrency(LIVE_ALIAS))?.requested).toBe(1);
      await client.resumeScaling(previous);
      const grown = await until(
        () => client.provisionedConcurrency(LIVE_ALIAS),
        (c) => (c?.requested ?? 0) >= 2,
        'a scale-out',
      );
      load = false;
      await Promise.all(workers);
      expect(grown?.requested).toBeLessThanOrEqual(3);
      const metrics = await client.versionMetrics('1', wide(), 'live');
      expect(metrics.provisionedConcurrencySpilloverInvocations).toBeGreaterThan(0);
    });
  });
});

describe('target tracking while live has weights', () => {
  it('skips the scale-out Lambda would refuse, says so in the log and status, and scales once they are gone', async () => {
    const lines: string[] = [];
    await withDaemon(
      { name: 'weighted', maxConcurrency: 4, scalingPeriodMs: 300, log: (line) => lines.push(line) },
      async (weighted, client) => {
        await client.publishVersion(context, ['slow=100ms']);
        const candidate = await client.publishVersion(context, ['slow=100ms']);
        await client.putProvisionedConcurrency(LIVE_ALIAS, 1);
        await client.registerScalingTarget({ minCapacity: 1, maxCapacity: 3, targetUtilization: 0.5 });
        await ready(client, LIVE_ALIAS);
        const shifted = await client.updateAlias(
          shiftUpdate(await client.readAlias(), candidate.version, 0.1),
        );
        let load = true;
        const worker = async () => {
          while (load) expect((await predict(weighted.liveUrl)).status).toBe(200);
        };
        const workers = [worker(), worker()];
        const skipped = await until(
          async () => (await client.status()).scalingActivity as { status: string; reason: string } | null,
          (activity) => activity?.status === 'Skipped',
          'a skipped scale-out',
        );
        expect(skipped?.reason).toMatch(/Alias with weights can not be used with Provisioned Concurrency/);
        expect(lines.find((line) => line.startsWith('autoscaler: skipped'))).toMatch(/live 1 -> 2 .*refused/);
        expect((await client.provisionedConcurrency(LIVE_ALIAS))?.requested).toBe(1);
        await client.updateAlias({ version: '1', weights: {}, expectedRevisionId: shifted.revisionId });
        await until(
          () => client.provisionedConcurrency(LIVE_ALIAS),
          (c) => (c?.requested ?? 0) >= 2,
          'a scale-out once the weights are gone',
        );
        load = false;
        await Promise.all(workers);
      },
    );
  });
});

describe('the concurrency limit holds provisioned concurrency', () => {
  it("caps a scale-out on live at the limit less the candidate version's provisioned concurrency, and logs it", async () => {
    const lines: string[] = [];
    await withDaemon(
      { name: 'capped', maxConcurrency: 4, scalingPeriodMs: 300, log: (line) => lines.push(line) },
      async (capped, client) => {
        await client.publishVersion(context, ['slow=100ms']);
        const candidate = await client.publishVersion(context);
        await client.putProvisionedConcurrency(candidate.version, 2);
        await client.putProvisionedConcurrency(LIVE_ALIAS, 1);
        await client.registerScalingTarget({ minCapacity: 1, maxCapacity: 4, targetUtilization: 0.5 });
        await ready(client, LIVE_ALIAS);
        let load = true;
        const statuses = new Set<number>();
        const worker = async () => {
          while (load) statuses.add((await predict(capped.liveUrl)).status);
        };
        // Four busy clients on live: utilization 1 asks for 2, then 4; the candidate's 2 leave live only 2.
        const workers = [worker(), worker(), worker(), worker()];
        await until(
          async () => lines.filter((line) => /capped at 2/.test(line)),
          (found) => found.length > 0,
          'a capped scale-out',
        );
        load = false;
        await Promise.all(workers);
        expect(lines.find((line) => line.includes('capped'))).toMatch(/live 2 -> 4 capped at 2: .*leaves 2/);
        expect(await client.provisionedConcurrency(LIVE_ALIAS)).toMatchObject({ requested: 2 });
        expect(await client.provisionedConcurrency(candidate.version)).toMatchObject({ requested: 2 });
        // At the limit, requests beyond the provisioned environments are throttled, never failed.
        expect([...statuses].filter((status) => status !== 200 && status !== 429)).toEqual([]);
        // A client's put meets the same check as the autoscaler's step.
        await expect(client.putProvisionedConcurrency(LIVE_ALIAS, 3)).rejects.toThrow(/ask for at most 2/);
        await expect(
          client.registerScalingTarget({ minCapacity: 3, maxCapacity: 4, targetUtilization: 0.5 }),
        ).rejects.toThrow(/minimum 3 is above the 2/);
      },
    );
  });
});

describe('a full platform', () => {
  it('throttles with 429 and counts Throttles; closing it leaves no environment behind', async () => {
    // Daemon A's environments are this process's children too; only the new ones are this daemon's.
    const before = new Set(childPids(process.pid));
    const full = await startDaemon({ stateDir: join(scratch, 'full'), maxConcurrency: 1, log: () => {} });
    // Slow enough that the second request surely arrives while the first is in flight, on any machine; the
    // platform is stopped under it rather than waited for.
    let slow: Promise<unknown> = Promise.resolve();
    try {
      const client = new LocalPlatform(full.controlUrl);
      await client.publishVersion(context, ['slow=5000ms']);
      await client.putProvisionedConcurrency(LIVE_ALIAS, 1);
      await ready(client, LIVE_ALIAS);
      slow = predict(full.liveUrl).catch((error: unknown) => error);
      await until(
        () => client.status(),
        (s) => (s.concurrency as { executions: number }).executions === 1,
        'busy',
      );
      const throttled = await predict(full.liveUrl);
      expect([throttled.status, JSON.parse(throttled.body)]).toEqual([429, { Message: 'Rate Exceeded.' }]);
      expect(await totals(client, '1')).toMatchObject({ invocations: 0, throttles: 1, coldStarts: 0 });
      expect((await client.versionMetrics('1', wide(), 'live')).throttles).toBe(1);
    } finally {
      const mine = childPids(process.pid).filter((pid) => !before.has(pid) && isRunning(pid));
      await full.close();
      // Closed under it, the slow request is not answered: its connection goes with the platform.
      expect(await slow).toBeInstanceOf(Error);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.filter((pid) => isRunning(pid))).toEqual([]);
    }
  });
});
