/**
 * The release record's promises (port.ts ReleaseRecordStore; port-contract.test.ts holds them on the local
 * platform) kept by DynamoDbReleaseRecordStore over a small stateful stand-in for DynamoDB behind
 * aws-sdk-client-mock. The stand-in answers as DynamoDB documents: a condition is evaluated on the item's
 * current state, a refused one is ConditionalCheckFailedException (with the item under ALL_OLD), a transaction
 * is all or nothing with one CancellationReason per item, and a Query answers in sort-key order, in pages. It
 * knows only the condition expressions the store sends: any other fails the test.
 */
import {
  type AttributeValue,
  type CancellationReason,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReleaseLockedError, ReleaseLockNotHeldError } from '../port.ts';
import { releaseRecordContract } from '../testing/release-record-contract.ts';
import { DynamoDbReleaseRecordStore } from './dynamodb-release-record.ts';

type Item = Record<string, AttributeValue>;
const TABLE = 'releases';
const client = new DynamoDBClient({ region: 'eu-west-1' });
const dynamo = mockClient(client);
const $metadata = { attempts: 1 };
/** Small, so that a journal of a few entries is read over several pages. */
const PAGE_SIZE = 2;

/** What the stand-in "DynamoDB" holds, by `pk|sk`. */
let table: Map<string, Item>;
let clock: number;
const keyOf = (key: Item | undefined) => `${key?.pk?.S}|${key?.sk?.S}`;

/** Whether `condition` holds on `existing`, as DynamoDB evaluates the store's three expressions. */
function holds(condition: string | undefined, existing: Item | undefined, values: Item = {}): boolean {
  switch (condition) {
    case 'attribute_not_exists(pk)':
      return existing === undefined;
    case 'attribute_exists(pk)':
      return existing !== undefined;
    case 'releaseId = :me':
      return existing !== undefined && existing.releaseId?.S === values[':me']?.S;
    default:
      throw new Error(`the stand-in does not evaluate ${condition}`);
  }
}

const refused = (item: Item | undefined) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata, Item: item });

beforeEach(() => {
  table = new Map();
  clock = 1_800_000_000;
  dynamo.reset();
  dynamo.on(GetItemCommand).callsFake((input) => ({ Item: table.get(keyOf(input.Key)), $metadata }));
  dynamo.on(PutItemCommand).callsFake((input) => {
    const existing = table.get(keyOf(input.Item));
    if (!holds(input.ConditionExpression, existing, input.ExpressionAttributeValues)) throw refused(existing);
    table.set(keyOf(input.Item), input.Item);
    return { $metadata };
  });
  dynamo.on(DeleteItemCommand).callsFake((input) => {
    const existing = table.get(keyOf(input.Key));
    if (!holds(input.ConditionExpression, existing, input.ExpressionAttributeValues)) throw refused(existing);
    table.delete(keyOf(input.Key));
    return { $metadata };
  });
  dynamo.on(TransactWriteItemsCommand).callsFake((input: TransactWriteItemsCommandInput) => {
    const items = input.TransactItems ?? [];
    const reasons = items.map((item): CancellationReason => {
      const step = item.ConditionCheck ?? item.Put;
      const key = item.ConditionCheck?.Key ?? item.Put?.Item;
      const existing = table.get(keyOf(key));
      if (holds(step?.ConditionExpression, existing, step?.ExpressionAttributeValues))
        return { Code: 'None' };
      const withItem = step?.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existing !== undefined;
      return { Code: 'ConditionalCheckFailed', ...(withItem ? { Item: existing } : {}) };
    });
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata,
        CancellationReasons: reasons,
      });
    }
    for (const item of items) if (item.Put?.Item) table.set(keyOf(item.Put.Item), item.Put.Item);
    return { $metadata };
  });
  dynamo.on(QueryCommand).callsFake((input) => {
    const values = input.ExpressionAttributeValues ?? {};
    expect(input.KeyConditionExpression).toBe('pk = :pk AND begins_with(sk, :journal)');
    const matching = [...table.values()]
      .filter(
        (item) => item.pk?.S === values[':pk']?.S && item.sk?.S?.startsWith(values[':journal']?.S ?? '?'),
      )
      .sort((a, b) => String(a.sk?.S).localeCompare(String(b.sk?.S)));
    if (input.ScanIndexForward === false) matching.reverse();
    const from = input.ExclusiveStartKey
      ? matching.findIndex((i) => keyOf(i) === keyOf(input.ExclusiveStartKey)) + 1
      : 0;
    const size = Math.min(input.Limit ?? PAGE_SIZE, PAGE_SIZE);
    const page = matching.slice(from, from + size);
    const more = from + size < matching.length;
    return { Items: page, ...(more ? { LastEvaluatedKey: page.at(-1) } : {}), $metadata };
  });
});

const store = (functionName = 'shiftgate-prod') =>
  new DynamoDbReleaseRecordStore({
    client,
    tableName: TABLE,
    functionName,
    now: () => new Date(clock++ * 1000),
  });

describe('the release record, on DynamoDbReleaseRecordStore over a stand-in DynamoDB', () => {
  releaseRecordContract(() => store());

  it('starts free and empty, and freeing a free lock changes nothing', async () => {
    const record = store();
    expect(await record.currentLock()).toBeNull();
    expect(await record.journal()).toEqual([]);
    await record.releaseLock('nobody');
    expect(table.size).toBe(0);
  });

  it('appends in sequence across releases and lists the journal over every page, all or one release', async () => {
    const record = store();
    await record.acquireLock('rel-1', 'A');
    await record.append({ releaseId: 'rel-1', type: 'shift', data: { weight: 0.1 } }, 1);
    await record.append({ releaseId: 'rel-1', type: 'promote', data: undefined }, 2);
    await record.releaseLock('rel-1');
    await record.acquireLock('rel-2', 'B');
    await record.append({ releaseId: 'rel-2', type: 'shift', data: [1, 'two'] }, 3);
    await record.append({ releaseId: 'rel-2', type: 'finished', data: { outcome: 'promoted' } }, 4);
    await record.append({ releaseId: 'rel-2', type: 'x', data: 'five' }, 5);
    expect((await record.journal()).map((e) => [e.sequence, e.releaseId, e.type, e.data])).toEqual([
      [1, 'rel-1', 'shift', { weight: 0.1 }],
      [2, 'rel-1', 'promote', null],
      [3, 'rel-2', 'shift', [1, 'two']],
      [4, 'rel-2', 'finished', { outcome: 'promoted' }],
      [5, 'rel-2', 'x', 'five'],
    ]);
    expect((await record.journal('rel-1')).map((e) => e.sequence)).toEqual([1, 2]);
    // Another function's record in the same table is its own.
    expect(await store('other-function').journal()).toEqual([]);
    expect(await store('other-function').currentLock()).toBeNull();
  });

  it('refuses an append by a release that does not hold the lock, writing nothing', async () => {
    const record = store();
    await expect(record.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1)).rejects.toBeInstanceOf(
      ReleaseLockNotHeldError,
    );
    await record.acquireLock('rel-1', 'A');
    await expect(record.append({ releaseId: 'rel-2', type: 't', data: 1 }, 1)).rejects.toBeInstanceOf(
      ReleaseLockedError,
    );
    expect(await record.journal()).toEqual([]);
  });
});
