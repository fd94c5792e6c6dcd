/**
 * The release record in memory, for tests: a lock and a journal that keep the port's promises (and throw its
 * errors) as the file and DynamoDB stores do, with every entry's data stored as JSON as they store it.
 */
import type { JournalEntry, ReleaseLock, ReleaseRecordStore } from '../../../platform/src/port.ts';
import { lockFreed, lockTaken, nextEntry } from '../../../platform/src/release-record-rules.ts';

/** The release record in memory, keeping the port's promises (and its errors) as the file and DynamoDB stores do. */
export class MemoryReleaseRecordStore implements ReleaseRecordStore {
  lock: ReleaseLock | null = null;
  readonly entries: JournalEntry[] = [];
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  async acquireLock(releaseId: string, holder: string): Promise<ReleaseLock> {
    this.lock = lockTaken(this.lock, releaseId, holder, this.#now());
    return this.lock;
  }

  async releaseLock(releaseId: string): Promise<void> {
    if (lockFreed(this.lock, releaseId)) this.lock = null;
  }

  async currentLock(): Promise<ReleaseLock | null> {
    return this.lock;
  }

  async append(
    entry: { readonly releaseId: string; readonly type: string; readonly data: unknown },
    expectedSequence: number,
  ): Promise<JournalEntry> {
    const written = nextEntry(this.lock, this.entries.length, entry, expectedSequence, this.#now());
    this.entries.push(written);
    return written;
  }

  async journal(releaseId?: string): Promise<readonly JournalEntry[]> {
    return releaseId === undefined
      ? [...this.entries]
      : this.entries.filter((e) => e.releaseId === releaseId);
  }
}
