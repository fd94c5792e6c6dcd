/**
 * The rules every ReleaseRecordStore applies (the local file, DynamoDB, the tests' in-memory one): the same refusal
 * for the same bad input, and for a store that holds the whole record at once, the lock and journal moves as pure
 * functions, so each store only reads and writes.
 */
import { describeError } from '../../common/errors.ts';
import {
  JournalConflictError,
  type JournalEntry,
  type ReleaseLock,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
} from './port.ts';

/** Refuses a name (release id, holder, entry type, table) that is not a non-empty string. */
export function checkName(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RangeError(`${field} ${JSON.stringify(value)} is not a non-empty string: name it`);
  }
}

/** The data as the journal will hold it (JSON), refused before anything is written when JSON cannot hold it. */
export function jsonCopy(data: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new RangeError(
      `journal entry data cannot be written as JSON (${describeError(error)}): send plain data`,
      {
        cause: error,
      },
    );
  }
  return text === undefined ? null : JSON.parse(text);
}

/** The lock once `releaseId` asked for it: the one it holds already (resume), or a new one; refused when another holds it. */
export function lockTaken(
  current: ReleaseLock | null,
  releaseId: string,
  holder: string,
  now: Date,
): ReleaseLock {
  checkName('releaseId', releaseId);
  checkName('holder', holder);
  if (current?.releaseId === releaseId) return current;
  if (current) throw new ReleaseLockedError(current, releaseId, 'start');
  return { releaseId, holder, acquiredAt: now.toISOString() };
}

/** Whether freeing the lock for `releaseId` changes anything (false when it is free); refused when another holds it. */
export function lockFreed(current: ReleaseLock | null, releaseId: string): boolean {
  if (current === null) return false;
  if (current.releaseId !== releaseId) throw new ReleaseLockedError(current, releaseId, 'free the lock');
  return true;
}

/**
 * The entry an append writes as the journal's next, with its data as JSON keeps it; the port's error when the
 * appender does not hold the lock or expected another sequence.
 */
export function nextEntry(
  lock: ReleaseLock | null,
  journalLength: number,
  entry: { readonly releaseId: string; readonly type: string; readonly data: unknown },
  expectedSequence: number,
  now: Date,
): JournalEntry {
  checkName('type', entry.type);
  if (!Number.isSafeInteger(expectedSequence) || expectedSequence < 1) {
    throw new RangeError(`expectedSequence ${expectedSequence} is no journal sequence: send an integer >= 1`);
  }
  if (lock === null) throw new ReleaseLockNotHeldError(entry.releaseId);
  if (lock.releaseId !== entry.releaseId) throw new ReleaseLockedError(lock, entry.releaseId, 'append');
  const sequence = journalLength + 1;
  if (expectedSequence !== sequence) throw new JournalConflictError(expectedSequence, sequence);
  return {
    sequence,
    at: now.toISOString(),
    releaseId: entry.releaseId,
    type: entry.type,
    data: jsonCopy(entry.data),
  };
}
