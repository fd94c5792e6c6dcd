/**
 * The release record in memory, for tests: a lock and a journal that keep the port's promises (and throw its
 * errors) as the file and DynamoDB stores do, with every entry's data stored as JSON as they store it.
 */
import {
  JournalConflictError,
  type JournalEntry,
  type ReleaseLock,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
  type ReleaseRecordStore,
} from '../../../platform/src/port.ts';

/** The release record in memory, keeping the port's promises (and its errors) as the file and DynamoDB stores do. */
export class MemoryReleaseRecordStore implements ReleaseRecordStore {
  lock: ReleaseLock | null = null;
  readonly entries: JournalEntry[] = [];
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  async acquireLock(releaseId: string, holder: string): Promise<ReleaseLock> {
    if (this.lock?.releaseId === releaseId) return this.lock;
    if (this.lock) throw new ReleaseLockedError(this.lock, releaseId, 'start');
    this.lock = { releaseId, holder, acquiredAt: this.#now().toISOString() };
    return this.lock;
  }

  async releaseLock(releaseId: string): Promise<void> {
    if (this.lock === null) return;
    if (this.lock.releaseId !== releaseId)
      throw new ReleaseLockedError(this.lock, releaseId, 'free the lock');
    this.lock = null;
  }

  async currentLock(): Promise<ReleaseLock | null> {
    return this.lock;
  }

  async append(
    entry: { readonly releaseId: string; readonly type: string; readonly data: unknown },
    expectedSequence: number,
  ): Promise<JournalEntry> {
    if (this.lock === null) throw new ReleaseLockNotHeldError(entry.releaseId);
    if (this.lock.releaseId !== entry.releaseId)
      throw new ReleaseLockedError(this.lock, entry.releaseId, 'append');
    const next = this.entries.length + 1;
    if (expectedSequence !== next) throw new JournalConflictError(expectedSequence, next);
    // Stored as JSON, as every real store keeps it: what cannot survive that must not pass here either.
    const written: JournalEntry = {
      sequence: next,
      at: this.#now().toISOString(),
      releaseId: entry.releaseId,
      type: entry.type,
      data: JSON.parse(JSON.stringify(entry.data)),
    };
    this.entries.push(written);
    return written;
  }

  async journal(releaseId?: string): Promise<readonly JournalEntry[]> {
    return releaseId === undefined
      ? [...this.entries]
      : this.entries.filter((e) => e.releaseId === releaseId);
  }
}
