/**
 * The release record's promises (port.ts ReleaseRecordStore) that every store keeps, as tests each store's suite
 * runs with its own clients: the local file (local/release-record.test.ts), DynamoDB
 * (aws/dynamodb-release-record-contract.test.ts) and the local platform's control API (port-contract.test.ts).
 * `store` gives a new client of one record on each call; the record is empty when each test starts.
 */
import { expect, it } from 'vitest';
import {
  JournalConflictError,
  type JournalEntry,
  ReleaseLockedError,
  type ReleaseRecordStore,
} from '../port.ts';

/** Two clients share one lock and journal; the holder's are refused to another release; it ends free. */
export async function keepsOneRecordBehindEveryClient(store: () => ReleaseRecordStore): Promise<void> {
  const first = store();
  const second = store();
  const lock = await first.acquireLock('r1', 'runner one');
  const entry = await first.append({ releaseId: 'r1', type: 'shift', data: { weight: 0.1 } }, 1);
  expect(await second.currentLock()).toEqual(lock);
  expect(await second.journal()).toEqual([entry] satisfies JournalEntry[]);

  for (const [attempt, operation] of [
    [() => second.acquireLock('r2', 'runner two'), 'start'],
    [() => second.append({ releaseId: 'r2', type: 'shift', data: null }, 2), 'append'],
    [() => second.releaseLock('r2'), 'free the lock'],
  ] as const) {
    const error = await (attempt() as Promise<unknown>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseLockedError);
    expect(error).toMatchObject({ held: lock, wanted: 'r2', operation });
    expect((error as Error).message).toContain(`release r2 cannot ${operation}`);
  }
  expect(await first.journal()).toEqual([entry]);

  // The same release id resumes from another client; once it frees the lock, the next release takes it.
  expect(await second.acquireLock('r1', 'runner one, restarted')).toEqual(lock);
  await second.releaseLock('r1');
  expect(await first.acquireLock('r2', 'runner two')).toMatchObject({ releaseId: 'r2' });
  await first.releaseLock('r2');
}

/** The tests every store runs on an empty record of its own per test. */
export function releaseRecordContract(store: () => ReleaseRecordStore): void {
  it("keeps one release record behind every client: the holder's lock and journal, refused to another", () =>
    keepsOneRecordBehindEveryClient(store));

  it('refuses an append naming another sequence than the next one, saying which is next', async () => {
    const record = store();
    await record.acquireLock('rel-1', 'A');
    await record.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1);
    for (const expected of [1, 3]) {
      const error = await record
        .append({ releaseId: 'rel-1', type: 't', data: 2 }, expected)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JournalConflictError);
      expect(error).toMatchObject({ expectedSequence: expected, actualNextSequence: 2 });
    }
    expect(await record.journal()).toHaveLength(1);
  });

  it('lets exactly one of many concurrent appends of one sequence win, across clients', async () => {
    await store().acquireLock('rel-1', 'A');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store().append({ releaseId: 'rel-1', type: 't', data: i }, 1)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(JournalConflictError);
    }
    expect(await store().journal()).toHaveLength(1);
  });

  it('gives the lock to exactly one of many concurrent releases', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store().acquireLock(`rel-${i}`, `runner ${i}`)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });
}
