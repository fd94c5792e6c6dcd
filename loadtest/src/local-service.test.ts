import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningLine, startLocalService } from './local-service.ts';

const standIn = fileURLToPath(new URL('../fixtures/stand-in-service.mjs', import.meta.url));
const quiet = () => {};

describe('listeningLine', () => {
  it.each([
    [
      '{"level":"INFO","message":"listening","port":41234,"url":"http://127.0.0.1:41234"}',
      { port: 41234, microBatching: null },
    ],
    ['{"message":"listening","port":41234,"microBatching":true}', { port: 41234, microBatching: true }],
    ['{"message":"listening","port":41234,"microBatching":false}', { port: 41234, microBatching: false }],
    ['{"level":"INFO","message":"model loaded"}', null],
    ['{"message":"listening","port":"41234"}', null],
    ['plain text from a dependency', null],
  ])('reads %s as %j', (line, listening) => {
    expect(listeningLine(line)).toEqual(listening);
  });
});

describe('startLocalService', () => {
  const saved = process.env.FAIL_AT_START;
  afterEach(() => {
    process.env.FAIL_AT_START = saved;
  });

  it('starts the service on a free port, waits for /health, and stops it', async () => {
    const service = await startLocalService(quiet, { build: null, entry: standIn });
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.microBatching).toBe(true);
    expect((await fetch(`${service.url}/health`)).status).toBe(200);

    await service.stop();
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });

  it('fails with the exit code when the service dies before listening', async () => {
    process.env.FAIL_AT_START = '1';
    await expect(startLocalService(quiet, { build: null, entry: standIn })).rejects.toThrow(
      'the service exited with code 3 before listening; run `npm start` to see why',
    );
  });

  it('fails naming the command when the build fails, without starting anything', async () => {
    const failingBuild = { command: process.execPath, args: ['-e', 'process.exit(4)'] };
    await expect(startLocalService(quiet, { build: failingBuild, entry: standIn })).rejects.toThrow(
      /failed with exit code 4/,
    );
  });
});
