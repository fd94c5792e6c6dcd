import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseLockedError, ReleaseLockNotHeldError } from '../port.ts';
import { releaseRecordContract } from '../testing/release-record-contract.ts';
import { CorruptReleaseRecordError, FileReleaseRecordStore } from './release-record.ts';

let dir: string;
let path: string;
let clock: number;
const store = () => new FileReleaseRecordStore(path, { now: () => new Date(clock++ * 1000) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'release-record-'));
  path = join(dir, 'record.json');
  clock = 1_800_000_000;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('FileReleaseRecordStore', () => {
  releaseRecordContract(store);

  it('starts free and empty without a file', async () => {
    const record = store();
    expect(await record.currentLock()).toBeNull();
    expect(await record.journal()).toEqual([]);
    await record.releaseLock('nobody');
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('gives the lock to one release and refuses a second one, naming the holder', async () => {
    const record = store();
    const lock = await record.acquireLock('rel-1', 'runner A');
    expect(lock).toEqual({
      releaseId: 'rel-1',
      holder: 'runner A',
      acquiredAt: new Date(1_800_000_000_000).toISOString(),
    });
    const error = await rejection(record.acquireLock('rel-2', 'runner B'));
    expect(error).toBeInstanceOf(ReleaseLockedError);
    expect(error).toMatchObject({ held: lock, wanted: 'rel-2' });
    expect(await record.currentLock()).toEqual(lock);
  });

  it('gives the lock back unchanged to the same release id (resume), from a new runner too', async () => {
    const lock = await store().acquireLock('rel-1', 'runner A');
    expect(await store().acquireLock('rel-1', 'runner A, second attempt')).toEqual(lock);
  });

  it('frees the lock for its holder only', async () => {
    const record = store();
    const lock = await record.acquireLock('rel-1', 'A');
    expect(await rejection(record.releaseLock('rel-2'))).toBeInstanceOf(ReleaseLockedError);
    expect(await record.currentLock()).toEqual(lock);
    await record.releaseLock('rel-1');
    expect(await record.currentLock()).toBeNull();
    await expect(record.acquireLock('rel-2', 'B')).resolves.toMatchObject({ releaseId: 'rel-2' });
  });

  it('appends in sequence for the holder and lists the journal, all or one release', async () => {
    const record = store();
    await record.acquireLock('rel-1', 'A');
    const first = await record.append({ releaseId: 'rel-1', type: 'shift', data: { weight: 0.1 } }, 1);
    expect(first).toEqual({
      sequence: 1,
      at: expect.any(String),
      releaseId: 'rel-1',
      type: 'shift',
      data: { weight: 0.1 },
    });
    await record.append({ releaseId: 'rel-1', type: 'promote', data: undefined }, 2);
    await record.releaseLock('rel-1');
    await record.acquireLock('rel-2', 'B');
    await record.append({ releaseId: 'rel-2', type: 'shift', data: [1, 'two'] }, 3);
    expect(
      (await record.journal()).map((entry) => [entry.sequence, entry.releaseId, entry.type, entry.data]),
    ).toEqual([
      [1, 'rel-1', 'shift', { weight: 0.1 }],
      [2, 'rel-1', 'promote', null],
      [3, 'rel-2', 'shift', [1, 'two']],
    ]);
    expect((await record.journal('rel-2')).map((entry) => entry.sequence)).toEqual([3]);
  });

  it('refuses an append by a release that does not hold the lock', async () => {
    const record = store();
    expect(await rejection(record.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1))).toBeInstanceOf(
      ReleaseLockNotHeldError,
    );
    await record.acquireLock('rel-1', 'A');
    const error = await rejection(record.append({ releaseId: 'rel-2', type: 't', data: 1 }, 1));
    expect(error).toBeInstanceOf(ReleaseLockedError);
    expect(await record.journal()).toEqual([]);
  });

  it('refuses a sequence below 1, naming the rule', async () => {
    const record = store();
    await record.acquireLock('rel-1', 'A');
    await expect(record.append({ releaseId: 'rel-1', type: 't', data: 1 }, 0)).rejects.toThrow(
      /integer >= 1/,
    );
    expect(await record.journal()).toEqual([]);
  });

  it('keeps everything for a new store on the same file (a runner that died)', async () => {
    const first = store();
    const lock = await first.acquireLock('rel-1', 'A');
    await first.append({ releaseId: 'rel-1', type: 'shift', data: { weight: 0.5 } }, 1);
    const second = new FileReleaseRecordStore(path);
    expect(await second.currentLock()).toEqual(lock);
    expect(await second.journal()).toEqual(await first.journal());
    await expect(
      second.append({ releaseId: 'rel-1', type: 'rollback', data: null }, 2),
    ).resolves.toMatchObject({ sequence: 2 });
  });

  it('writes plain JSON and leaves no temporary file', async () => {
    await store().acquireLock('rel-1', 'A');
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      lock: { releaseId: 'rel-1' },
      journal: [],
    });
    expect(await readdir(dir)).toEqual(['record.json']);
  });

  it('refuses data JSON cannot hold and writes nothing', async () => {
    const record = store();
    await record.acquireLock('rel-1', 'A');
    const before = await readFile(path, 'utf8');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(record.append({ releaseId: 'rel-1', type: 't', data: circular }, 1)).rejects.toThrow(
      /plain data/,
    );
    await expect(record.append({ releaseId: 'rel-1', type: 't', data: 1n }, 1)).rejects.toThrow(/JSON/);
    await expect(record.append({ releaseId: 'rel-1', type: '', data: 1 }, 1)).rejects.toThrow(/type/);
    await expect(record.acquireLock('', 'A')).rejects.toThrow(/releaseId/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it.each([
    ['not JSON', '{"format": ', /is not JSON/],
    ['another format', '{"format":"v0","lock":null,"journal":[]}', /format "v0"/],
    ['a broken lock', '{"format":"shiftgate-release-record/1","lock":{"releaseId":1},"journal":[]}', /lock/],
    [
      'a gap in the journal',
      '{"format":"shiftgate-release-record/1","lock":null,"journal":[{"sequence":2,"at":"t","releaseId":"r","type":"t","data":1}]}',
      /entry 1 numbered 2/,
    ],
    ['an array', '[]', /not a JSON object/],
  ])('refuses a file with %s, naming it and the fix, and leaves it as it is', async (_, content, problem) => {
    await writeFile(path, content);
    const record = store();
    for (const operation of [
      () => record.currentLock(),
      () => record.journal(),
      () => record.acquireLock('rel-1', 'A'),
      () => record.releaseLock('rel-1'),
      () => record.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1),
    ]) {
      const error = await rejection(operation());
      expect(error).toBeInstanceOf(CorruptReleaseRecordError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(problem);
      expect((error as Error).message).toMatch(/move it aside/);
    }
    expect(await readFile(path, 'utf8')).toBe(content);
  });
});
