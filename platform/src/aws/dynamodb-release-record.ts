/**
 * The release record on AWS: a ReleaseRecordStore on one DynamoDB table (infra/lib/release-record-table.ts), why
 * DynamoDB in docs/release.md section 3, the items in dynamodb-release-items.ts. Every rule of the port is a
 * condition DynamoDB checks on the item's current state, so two runners can never both win:
 * - acquireLock: PutItem only if no lock exists; when one does, its item comes back with the refusal
 *   (ReturnValuesOnConditionCheckFailure ALL_OLD): the same release id gets it back unchanged (resume), another
 *   one is refused. No second read, so nothing can change between the check and what is reported.
 * - releaseLock: DeleteItem only if the lock names the release; a refusal with no item means it was free.
 * - append: ONE TransactWriteItems: the lock names this release, entry N-1 exists, and entry N does not, then
 *   Put entry N. The SDK fills its ClientRequestToken once per call, so its retries cannot write an entry twice
 *   nor report the entry they wrote as a conflict.
 * - journal: Query of the function's `journal#` keys with ConsistentRead, every page.
 * Throttling is retried by the SDK's standard mode (aws-call.ts awsRetryConfig); what outlasts it is an
 * AwsCallError naming the call and the table.
 */
import {
  type CancellationReason,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { describeError } from '../../../common/errors.ts';
import {
  JournalConflictError,
  type JournalEntry,
  type ReleaseLock,
  ReleaseLockedError,
  ReleaseLockNotHeldError,
  type ReleaseRecordStore,
} from '../port.ts';
import { checkName, jsonCopy } from '../release-record-rules.ts';
import { awsCallError, callAws, errorCode } from './aws-call.ts';
import {
  appendItems,
  type Item,
  JOURNAL_PREFIX,
  lockItem,
  lockKey,
  MAX_SEQUENCE,
  ReleaseItemReader,
} from './dynamodb-release-items.ts';

const CONDITION_FAILED = 'ConditionalCheckFailedException';

export interface DynamoDbReleaseRecordOptions {
  readonly client: DynamoDBClient;
  /** The ReleaseTableName output of the stack. */
  readonly tableName: string;
  /** Whose record: the partition key, so one table holds the record of every function a stack deploys. */
  readonly functionName: string;
  readonly now?: () => Date;
}

export class DynamoDbReleaseRecordStore implements ReleaseRecordStore {
  readonly tableName: string;
  readonly functionName: string;
  readonly #client: DynamoDBClient;
  readonly #now: () => Date;
  readonly #read: ReleaseItemReader;

  constructor(options: DynamoDbReleaseRecordOptions) {
    checkName('tableName', options.tableName);
    checkName('functionName', options.functionName);
    this.tableName = options.tableName;
    this.functionName = options.functionName;
    this.#client = options.client;
    this.#now = options.now ?? (() => new Date());
    this.#read = new ReleaseItemReader(options.tableName);
  }

  async acquireLock(releaseId: string, holder: string): Promise<ReleaseLock> {
    checkName('releaseId', releaseId);
    checkName('holder', holder);
    const lock: ReleaseLock = { releaseId, holder, acquiredAt: this.#now().toISOString() };
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: lockItem(this.functionName, lock),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return lock;
    } catch (error) {
      const held = this.#heldLock(error);
      if (held === undefined) throw awsCallError('PutItem', this.#resource('lock'), error);
      // ALL_OLD returns the item that failed the condition; without one, AWS broke that promise.
      if (held === null)
        throw awsCallError(
          'PutItem',
          this.#resource('lock'),
          error,
          'the refusal named no lock: run it again',
        );
      if (held.releaseId === releaseId) return held;
      throw new ReleaseLockedError(held, releaseId, 'start');
    }
  }

  async releaseLock(releaseId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: lockKey(this.functionName),
          ConditionExpression: 'releaseId = :me',
          ExpressionAttributeValues: { ':me': { S: releaseId } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      const held = this.#heldLock(error);
      if (held === undefined) throw awsCallError('DeleteItem', this.#resource('lock'), error);
      // No item came back: the condition failed because there is no lock, which is what freeing wants.
      if (held === null) return;
      throw new ReleaseLockedError(held, releaseId, 'free the lock');
    }
  }

  async currentLock(): Promise<ReleaseLock | null> {
    const found = await callAws('GetItem', this.#resource('lock'), () =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: lockKey(this.functionName),
          ConsistentRead: true,
        }),
      ),
    );
    return found.Item === undefined ? null : this.#read.lock(found.Item);
  }

  async append(
    entry: { readonly releaseId: string; readonly type: string; readonly data: unknown },
    expectedSequence: number,
  ): Promise<JournalEntry> {
    checkName('releaseId', entry.releaseId);
    checkName('type', entry.type);
    if (
      !(Number.isSafeInteger(expectedSequence) && expectedSequence >= 1 && expectedSequence <= MAX_SEQUENCE)
    ) {
      throw new RangeError(
        `expectedSequence ${expectedSequence} is no journal sequence: send an integer from 1 to ${MAX_SEQUENCE}`,
      );
    }
    const written: JournalEntry = {
      sequence: expectedSequence,
      at: this.#now().toISOString(),
      releaseId: entry.releaseId,
      type: entry.type,
      data: jsonCopy(entry.data),
    };
    try {
      await this.#client.send(
        new TransactWriteItemsCommand({
          TransactItems: appendItems(this.tableName, this.functionName, written),
        }),
      );
      return written;
    } catch (error) {
      throw await this.#appendRefusal(error, entry.releaseId, expectedSequence);
    }
  }

  async journal(releaseId?: string): Promise<readonly JournalEntry[]> {
    const entries: JournalEntry[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.#queryJournal(startKey === undefined ? {} : { ExclusiveStartKey: startKey });
      for (const item of page.Items ?? []) {
        const read = this.#read.journalEntry(item);
        // Appends only ever add the next one, so a gap is damage, not a race.
        if (read.sequence !== entries.length + 1) {
          throw new Error(
            `release table ${this.tableName} journal of ${this.functionName} goes from entry ${entries.length} ` +
              `to ${read.sequence}: entries are missing; restore them (point-in-time recovery) before reading it`,
          );
        }
        entries.push(read);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return releaseId === undefined ? entries : entries.filter((e) => e.releaseId === releaseId);
  }

  /** The port's error for a refused append, or an AwsCallError for anything else. */
  async #appendRefusal(error: unknown, releaseId: string, expected: number): Promise<Error> {
    const reasons: readonly CancellationReason[] =
      errorCode(error) === 'TransactionCanceledException'
        ? ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [])
        : [];
    // In appendItems' order: [the lock, entry N, entry N-1 when N > 1].
    const failed = (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed';
    if (failed(0)) {
      const held = reasons[0]?.Item;
      return held === undefined
        ? new ReleaseLockNotHeldError(releaseId)
        : new ReleaseLockedError(this.#read.lock(held), releaseId, 'append');
    }
    if (failed(1) || failed(2)) {
      const next = await this.#nextSequence().catch((readError: unknown) => {
        throw awsCallError(
          'TransactWriteItems',
          this.#resource(`${JOURNAL_PREFIX}${expected}`),
          error,
          `entry ${expected} was refused as out of sequence, and reading the journal failed too ` +
            `(${describeError(readError)})`,
        );
      });
      return new JournalConflictError(expected, next);
    }
    const codes = reasons.map((r) => r.Code ?? '?').join(', ');
    return awsCallError(
      'TransactWriteItems',
      this.#resource(`${JOURNAL_PREFIX}${expected}`),
      error,
      reasons.length > 0 ? `nothing was written (reasons: ${codes}); append the same entry again` : undefined,
    );
  }

  async #nextSequence(): Promise<number> {
    const last = await this.#queryJournal({ ScanIndexForward: false, Limit: 1 });
    const item = last.Items?.[0];
    return item === undefined ? 1 : this.#read.journalEntry(item).sequence + 1;
  }

  /** One page of the function's journal items, consistent: it sees every write acknowledged before it. */
  #queryJournal(page: Pick<QueryCommandInput, 'ExclusiveStartKey' | 'ScanIndexForward' | 'Limit'>) {
    return callAws('Query', this.#resource(`${JOURNAL_PREFIX}*`), () =>
      this.#client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :journal)',
          ExpressionAttributeValues: { ':pk': { S: this.functionName }, ':journal': { S: JOURNAL_PREFIX } },
          ConsistentRead: true,
          ...page,
        }),
      ),
    );
  }

  /**
   * From a refused conditional write: the lock its ALL_OLD item names, null when none came back (there is no
   * lock), undefined when the error is not a refused condition.
   */
  #heldLock(error: unknown): ReleaseLock | null | undefined {
    if (errorCode(error) !== CONDITION_FAILED) return undefined;
    const item = (error as { Item?: Item }).Item;
    return item === undefined ? null : this.#read.lock(item);
  }

  #resource(sortKey: string): string {
    return `${this.tableName} (pk ${this.functionName}, sk ${sortKey})`;
  }
}
