import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JournalConflictError,
  ProvisionedConcurrencyConflictError,
  ReleaseLockedError,
  RevisionConflictError,
} from '../port.ts';
import { LocalPlatform, LocalPlatformError, readDaemonInfo } from './local-platform.ts';

/** A stand-in control API answering every call with the status and body queued for it. */
let server: Server;
let url: string;
const answers: { status: number; body: string }[] = [];
/** Every request's method and URL, as the stand-in received it. */
const received: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    const answer = answers.shift() ?? { status: 500, body: '{}' };
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fail = (status: number, name: string, details: unknown, message = 'refused') =>
  answers.push({ status, body: JSON.stringify({ error: { name, message, details } }) });

describe('LocalPlatform', () => {
  it("maps the daemon's 409s back to the port's own error classes, with their fields", async () => {
    const platform = new LocalPlatform(url);
    fail(409, 'RevisionConflictError', { alias: 'live', expectedRevisionId: 'a', actualRevisionId: 'b' });
    const conflict = await platform
      .updateAlias({ version: '1', weights: {}, expectedRevisionId: 'a' })
      .catch((e) => e);
    expect(conflict).toBeInstanceOf(RevisionConflictError);
    expect(conflict).toMatchObject({ alias: 'live', expectedRevisionId: 'a', actualRevisionId: 'b' });

    const held = { releaseId: 'r1', holder: 'ci', acquiredAt: '2026-01-01T00:00:00.000Z' };
    fail(409, 'ReleaseLockedError', { held, wanted: 'r2', operation: 'free the lock' });
    const locked = await platform.releaseRecord.releaseLock('r2').catch((e) => e);
    expect(locked).toBeInstanceOf(ReleaseLockedError);
    expect(locked).toMatchObject({ held, wanted: 'r2', operation: 'free the lock' });
    expect(locked.message).toMatch(/release r2 cannot free the lock: only r1 frees it/);

    fail(409, 'ProvisionedConcurrencyConflictError', { qualifier: 'live', reason: 'Alias with weights…' });
    const ruled = await platform.putProvisionedConcurrency('live', 2).catch((e) => e);
    expect(ruled).toBeInstanceOf(ProvisionedConcurrencyConflictError);
    expect(ruled).toMatchObject({
      qualifier: 'live',
      message: 'provisioned concurrency on live refused: Alias with weights…',
    });

    fail(409, 'JournalConflictError', { expectedSequence: 1, actualNextSequence: 3 });
    await expect(
      platform.releaseRecord.append({ releaseId: 'r1', type: 't', data: null }, 1),
    ).rejects.toThrow(JournalConflictError);
  });

  it("keeps any other refusal's status, name and message", async () => {
    fail(400, 'InvalidAliasUpdateError', undefined, 'alias update: version = "9" is invalid');
    const error = await new LocalPlatform(url).readAlias().catch((e) => e);
    expect(error).toBeInstanceOf(LocalPlatformError);
    expect(error).toMatchObject({ status: 400, errorName: 'InvalidAliasUpdateError' });
    expect(error.message).toMatch(/GET \/alias: alias update: version = "9" is invalid/);
  });

  it('asks for the metrics of the scope it names, and revives their range as Dates', async () => {
    answers.push({
      status: 200,
      body: JSON.stringify({
        version: '1',
        via: 'version',
        range: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T01:00:00.000Z' },
      }),
    });
    const range = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T01:00:00Z') };
    received.length = 0;
    expect((await new LocalPlatform(url).versionMetrics('1', range, 'version')).range).toEqual(range);
    expect(received).toEqual([
      'GET /versions/1/metrics?start=2026-01-01T00%3A00%3A00.000Z&end=2026-01-01T01%3A00%3A00.000Z&via=version',
    ]);
  });

  it("asks for live's URL and a version's own by their routes, and returns the URL alone", async () => {
    const platform = new LocalPlatform(url);
    answers.push({ status: 200, body: '{"url":"http://127.0.0.1:1001/"}' });
    answers.push({ status: 200, body: '{"url":"http://127.0.0.1:1002/"}' });
    received.length = 0;
    expect(await platform.liveUrl()).toBe('http://127.0.0.1:1001/');
    expect(await platform.versionUrl('2 b')).toBe('http://127.0.0.1:1002/');
    expect(received).toEqual(['GET /live-url', 'GET /versions/2%20b/url']);
  });

  it('gives up on a daemon that does not answer in time, naming its URL, the call and the timeout', async () => {
    const silent = createServer(() => {}); // takes the request, never answers: a stopped or hung daemon
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const error = await new LocalPlatform(silentUrl, { timeoutMs: 200 }).status().catch((e) => e);
      expect(error).toBeInstanceOf(LocalPlatformError);
      expect([error.errorName, error.status]).toEqual(['Timeout', null]);
      expect(error.message).toMatch(
        `the local platform at ${silentUrl} did not answer GET /status within 0.2 s`,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('says how to start a platform when none answers or none is recorded', async () => {
    await expect(new LocalPlatform('http://127.0.0.1:1').readAlias()).rejects.toThrow(
      /no local platform answers at http:\/\/127\.0\.0\.1:1 .*platform:local -- start/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'shiftgate-local-platform-'));
    try {
      await expect(readDaemonInfo(dir)).rejects.toThrow(/no local platform runs .*daemon\.json is missing/);
      await writeFile(join(dir, 'daemon.json'), '{half');
      await expect(LocalPlatform.connect(dir)).rejects.toThrow(/daemon\.json is not JSON/);
      await writeFile(join(dir, 'daemon.json'), '{"pid":1,"controlUrl":7}');
      await expect(readDaemonInfo(dir)).rejects.toThrow(/is not a daemon's record/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
