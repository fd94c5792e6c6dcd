/**
 * The release record's DynamoDB items, written and read back (docs/release.md section 3): one partition per
 * function (pk = the function name), with
 * - the lock at sk `lock`: releaseId, holder, acquiredAt;
 * - journal entry N at sk `journal#<N, zero-padded>`, so the sort key orders the journal: sequence, at, releaseId,
 *   type, and data as a JSON string (DynamoDB's own types would turn numbers into strings of digits and drop
 *   `undefined`; JSON is what the port promises to give back).
 * An item that is not one of these is refused with an error naming its key, never skipped or repaired: it may
 * hold the only trace of a release in progress.
 */
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { describeError } from '../../../common/errors.ts';
import type { JournalEntry, ReleaseLock } from '../port.ts';

export type Item = Record<string, AttributeValue>;

export const LOCK_SORT_KEY = 'lock';
export const JOURNAL_PREFIX = 'journal#';
/** Digits of a journal sort key: string order is number order up to 10^10 - 1 entries, more than any table holds. */
const SEQUENCE_DIGITS = 10;
export const MAX_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;

/** An item of the release table that is not a valid lock or journal entry. */
export class MalformedReleaseItemError extends Error {
  constructor(
    readonly tableName: string,
    readonly key: { readonly pk: string; readonly sk: string },
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `release table ${tableName} item (pk ${key.pk}, sk ${key.sk}) ${problem}; it is left as it is: repair ` +
        'or delete it by hand (deleting the lock frees it; deleting a journal entry loses that step of the release)',
      options,
    );
    this.name = 'MalformedReleaseItemError';
  }
}

export function lockKey(functionName: string): Item {
  return { pk: { S: functionName }, sk: { S: LOCK_SORT_KEY } };
}

export function journalSortKey(sequence: number): string {
  return `${JOURNAL_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

export function journalKey(functionName: string, sequence: number): Item {
  return { pk: { S: functionName }, sk: { S: journalSortKey(sequence) } };
}

export function lockItem(functionName: string, lock: ReleaseLock): Item {
  return {
    ...lockKey(functionName),
    releaseId: { S: lock.releaseId },
    holder: { S: lock.holder },
    acquiredAt: { S: lock.acquiredAt },
  };
}

/** The entry's item; `entry.data` must already be JSON's own value (what it reads back as). */
export function journalItem(functionName: string, entry: JournalEntry): Item {
  return {
    ...journalKey(functionName, entry.sequence),
    sequence: { N: String(entry.sequence) },
    at: { S: entry.at },
    releaseId: { S: entry.releaseId },
    type: { S: entry.type },
    data: { S: JSON.stringify(entry.data) },
  };
}

/**
 * The one transaction that appends `entry`: it is written only while the lock names its release, entry N-1
 * exists (no gap) and entry N does not (no overwrite). A refusal's CancellationReasons come in this order.
 */
export function appendItems(
  tableName: string,
  functionName: string,
  entry: JournalEntry,
): TransactWriteItem[] {
  const items: TransactWriteItem[] = [
    {
      ConditionCheck: {
        TableName: tableName,
        Key: lockKey(functionName),
        ConditionExpression: 'releaseId = :me',
        ExpressionAttributeValues: { ':me': { S: entry.releaseId } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: journalItem(functionName, entry),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  if (entry.sequence === 1) return items;
  const previous = journalKey(functionName, entry.sequence - 1);
  return [
    ...items,
    { ConditionCheck: { TableName: tableName, Key: previous, ConditionExpression: 'attribute_exists(pk)' } },
  ];
}

/** Reads items of one table back, naming the table and the item's key in every refusal. */
export class ReleaseItemReader {
  constructor(readonly tableName: string) {}

  lock(item: Item): ReleaseLock {
    const field = this.#fields(item);
    return { releaseId: field('releaseId'), holder: field('holder'), acquiredAt: field('acquiredAt') };
  }

  journalEntry(item: Item): JournalEntry {
    const field = this.#fields(item);
    const sk = field('sk');
    const sequence = Number(item.sequence?.N);
    if (!(Number.isSafeInteger(sequence) && sequence >= 1 && journalSortKey(sequence) === sk)) {
      throw this.#malformed(
        item,
        `has sequence ${JSON.stringify(item.sequence)}, not the number its sort key names`,
      );
    }
    const text = field('data');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw this.#malformed(item, `has data that is not JSON (${describeError(error)})`, { cause: error });
    }
    return { sequence, at: field('at'), releaseId: field('releaseId'), type: field('type'), data };
  }

  #fields(item: Item): (name: string) => string {
    return (name) => {
      const value = item[name]?.S;
      if (value === undefined) throw this.#malformed(item, `has no string ${name}`);
      return value;
    };
  }

  #malformed(item: Item, problem: string, options?: ErrorOptions): MalformedReleaseItemError {
    const key = { pk: item.pk?.S ?? '?', sk: item.sk?.S ?? '?' };
    return new MalformedReleaseItemError(this.tableName, key, problem, options);
  }
}
