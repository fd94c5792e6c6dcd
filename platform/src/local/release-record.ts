/**
 * The local release record: the lock and the journal in one JSON file in the platform's state dir, so they outlive
 * the release that wrote them (a killed runner resumes from it) and a second release finds the lock taken. Every
 * change reads the file, checks, and writes the whole record atomically (common/atomic-write.ts), so the file is
 * always either the old record or the new one. Calls are serialised per file within the process (the daemon is
 * the one process that writes it); a file that is not a valid record is an error naming the file and the fix,
 * never silently reset: it may hold the only trace of a release in progress.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../../common/atomic-write.ts';
import type { JournalEntry, ReleaseLock, ReleaseRecordStore } from '../port.ts';
import { lockFreed, lockTaken, nextEntry } from '../release-record-rules.ts';

export const RELEASE_RECORD_FORMAT = 'shiftgate-release-record/1';

interface ReleaseRecord {
  readonly format: typeof RELEASE_RECORD_FORMAT;
  readonly lock: ReleaseLock | null;
  readonly journal: readonly JournalEntry[];
}

const EMPTY: ReleaseRecord = { format: RELEASE_RECORD_FORMAT, lock: null, journal: [] };

export class CorruptReleaseRecordError extends Error {
  constructor(
    readonly path: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `release record ${path} ${problem}; it is left as it is: repair it by hand or restore it, or move it aside ` +
        'to start an empty record (that forgets any release in progress and its lock)',
      options,
    );
    this.name = 'CorruptReleaseRecordError';
  }
}

/** Calls on one file, in call order, across every store instance in this process. */
const queues = new Map<string, Promise<unknown>>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `value` is no valid record, or null when it is one. */
function problemWith(value: unknown): string | null {
  if (!isRecord(value)) return 'is not a JSON object';
  if (value.format !== RELEASE_RECORD_FORMAT)
    return `has format ${JSON.stringify(value.format)}, not ${RELEASE_RECORD_FORMAT}`;
  const lock = value.lock;
  const strings = (object: Record<string, unknown>, keys: string[]) =>
    keys.every((k) => typeof object[k] === 'string');
  if (lock !== null && !(isRecord(lock) && strings(lock, ['releaseId', 'holder', 'acquiredAt']))) {
    return 'has a lock that is neither null nor {releaseId, holder, acquiredAt}';
  }
  if (!Array.isArray(value.journal)) return 'has no journal array';
  for (const [index, entry] of value.journal.entries()) {
    if (!isRecord(entry) || !strings(entry, ['at', 'releaseId', 'type']) || !('data' in entry)) {
      return `has a journal entry ${index + 1} that is not {sequence, at, releaseId, type, data}`;
    }
    if (entry.sequence !== index + 1)
      return `has journal entry ${index + 1} numbered ${String(entry.sequence)}`;
  }
  return null;
}

export class FileReleaseRecordStore implements ReleaseRecordStore {
  readonly path: string;
  readonly #now: () => Date;

  constructor(path: string, options: { readonly now?: () => Date } = {}) {
    this.path = resolve(path);
    this.#now = options.now ?? (() => new Date());
  }

  acquireLock(releaseId: string, holder: string): Promise<ReleaseLock> {
    return this.#serial(async () => {
      const record = await this.#read();
      const lock = lockTaken(record.lock, releaseId, holder, this.#now());
      if (lock !== record.lock) await this.#write({ ...record, lock });
      return lock;
    });
  }

  releaseLock(releaseId: string): Promise<void> {
    return this.#serial(async () => {
      const record = await this.#read();
      if (lockFreed(record.lock, releaseId)) await this.#write({ ...record, lock: null });
    });
  }

  currentLock(): Promise<ReleaseLock | null> {
    return this.#serial(async () => (await this.#read()).lock);
  }

  append(
    entry: { readonly releaseId: string; readonly type: string; readonly data: unknown },
    expectedSequence: number,
  ): Promise<JournalEntry> {
    return this.#serial(async () => {
      const record = await this.#read();
      const written = nextEntry(record.lock, record.journal.length, entry, expectedSequence, this.#now());
      await this.#write({ ...record, journal: [...record.journal, written] });
      return written;
    });
  }

  journal(releaseId?: string): Promise<readonly JournalEntry[]> {
    return this.#serial(async () => {
      const { journal } = await this.#read();
      return releaseId === undefined ? journal : journal.filter((entry) => entry.releaseId === releaseId);
    });
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const previous = queues.get(this.path) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const settled = result.catch(() => undefined);
    queues.set(this.path, settled);
    // Forget a file's queue once it is idle, so the map does not keep one promise per file ever used.
    void settled.then(() => {
      if (queues.get(this.path) === settled) queues.delete(this.path);
    });
    return result;
  }

  async #read(): Promise<ReleaseRecord> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      throw new CorruptReleaseRecordError(this.path, 'cannot be read', { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CorruptReleaseRecordError(this.path, 'is not JSON', { cause: error });
    }
    const problem = problemWith(parsed);
    if (problem !== null) throw new CorruptReleaseRecordError(this.path, problem);
    return parsed as ReleaseRecord;
  }

  async #write(record: ReleaseRecord): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(record, null, 2)}\n`);
  }
}
