/**
 * DynamoDbReleaseRecordStore against a mocked DynamoDB client (aws-sdk-client-mock): the exact request of each
 * port call, and how each refusal DynamoDB can answer maps onto the port's errors. The rules themselves, held
 * over a stateful stand-in, are in dynamodb-release-record-contract.test.ts; throttling through the SDK's
 * retries in aws-retry.test.ts.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { JournalConflictError, ReleaseLockedError, ReleaseLockNotHeldError } from '../port.ts';
import { AwsCallError } from './aws-call.ts';
import { journalItem, lockItem, MalformedReleaseItemError } from './dynamodb-release-items.ts';
import { DynamoDbReleaseRecordStore } from './dynamodb-release-record.ts';

const TABLE = 'shiftgate-prod-releases';
const FUNCTION = 'shiftgate-prod';
const client = new DynamoDBClient({ region: 'eu-west-1' });
const dynamo = mockClient(client);
const NOW = new Date('2026-11-30T05:00:00Z');
const store = new DynamoDbReleaseRecordStore({
  client,
  tableName: TABLE,
  functionName: FUNCTION,
  now: () => NOW,
});
const $metadata = { attempts: 1 };
const LOCK_KEY = { pk: { S: FUNCTION }, sk: { S: 'lock' } };
const held = { releaseId: 'rel-1', holder: 'runner A', acquiredAt: '2026-11-30T04:00:00.000Z' };
const conditionFailed = (item?: ReturnType<typeof lockItem>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata, Item: item });
const cancelled = (...codes: (string | { Code: string; Item?: ReturnType<typeof lockItem> })[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata,
    CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : code)),
  });
const entry = (sequence: number, releaseId = 'rel-1') => ({
  sequence,
  at: '2026-11-30T04:00:00.000Z',
  releaseId,
  type: 'state',
  data: { state: { name: 'warm', step: sequence } },
});

beforeEach(() => dynamo.reset());

describe('DynamoDbReleaseRecordStore: the lock', () => {
  it('takes a free lock with a PutItem only if none exists', async () => {
    dynamo.on(PutItemCommand).resolves({});
    expect(await store.acquireLock('rel-1', 'runner A')).toEqual({
      releaseId: 'rel-1',
      holder: 'runner A',
      acquiredAt: NOW.toISOString(),
    });
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: {
        ...LOCK_KEY,
        releaseId: { S: 'rel-1' },
        holder: { S: 'runner A' },
        acquiredAt: { S: NOW.toISOString() },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('gives the same release its lock back unchanged (resume), from the item the refusal returns', async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed(lockItem(FUNCTION, held)));
    expect(await store.acquireLock('rel-1', 'runner A, restarted')).toEqual(held);
    expect(dynamo.calls()).toHaveLength(1);
  });

  it('refuses another release, naming the holder, with what DynamoDB said was there', async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed(lockItem(FUNCTION, held)));
    const error = await store.acquireLock('rel-2', 'runner B').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseLockedError);
    expect(error).toMatchObject({ held, wanted: 'rel-2', operation: 'start' });
  });

  it('refuses a refusal that names no lock rather than guess who holds it', async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed());
    await expect(store.acquireLock('rel-2', 'B')).rejects.toThrow(/named no lock/);
  });

  it('refuses empty names before calling AWS', async () => {
    await expect(store.acquireLock('', 'A')).rejects.toThrow(/releaseId "" is not a non-empty string/);
    await expect(store.acquireLock('rel-1', ' ')).rejects.toThrow(/holder/);
    expect(() => new DynamoDbReleaseRecordStore({ client, tableName: '', functionName: FUNCTION })).toThrow(
      /tableName/,
    );
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('frees the lock with a DeleteItem only if it names the release', async () => {
    dynamo.on(DeleteItemCommand).resolves({});
    await store.releaseLock('rel-1');
    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: LOCK_KEY,
      ConditionExpression: 'releaseId = :me',
      ExpressionAttributeValues: { ':me': { S: 'rel-1' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('treats a refused delete with no item as a lock already free', async () => {
    dynamo.on(DeleteItemCommand).rejects(conditionFailed());
    await expect(store.releaseLock('rel-1')).resolves.toBeUndefined();
  });

  it("refuses to free another release's lock", async () => {
    dynamo.on(DeleteItemCommand).rejects(conditionFailed(lockItem(FUNCTION, held)));
    await expect(store.releaseLock('rel-2')).rejects.toMatchObject({
      name: 'ReleaseLockedError',
      operation: 'free the lock',
      held,
    });
  });

  it('reads the lock with a consistent GetItem; no item is a free lock', async () => {
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: lockItem(FUNCTION, held) })
      .resolvesOnce({});
    expect(await store.currentLock()).toEqual(held);
    expect(await store.currentLock()).toBeNull();
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: LOCK_KEY,
      ConsistentRead: true,
    });
  });

  it('refuses a lock item without a holder, naming the table and key', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { ...LOCK_KEY, releaseId: { S: 'rel-1' } } });
    const error = await store.currentLock().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedReleaseItemError);
    expect((error as Error).message).toContain(
      `release table ${TABLE} item (pk ${FUNCTION}, sk lock) has no string holder`,
    );
  });

  it('surfaces throttling that outlasted the retries naming the call, the table and the key', async () => {
    dynamo
      .on(GetItemCommand)
      .rejects(
        new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { attempts: 5 } }),
      );
    const error = await store.currentLock().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GetItem for ${TABLE} \\(pk ${FUNCTION}, sk lock\\) failed after 5 attempt\\(s\\): ProvisionedThroughputExceededException: Rate exceeded; AWS throttled every attempt`,
      ),
    );
  });
});

describe('DynamoDbReleaseRecordStore: append', () => {
  const data = { state: { name: 'warm', step: 0 } };

  it('writes entry 1 in one transaction: the lock names the release, and entry 1 does not exist', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});
    const written = await store.append({ releaseId: 'rel-1', type: 'state', data }, 1);
    expect(written).toEqual({ sequence: 1, at: NOW.toISOString(), releaseId: 'rel-1', type: 'state', data });
    expect(dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input).toEqual({
      TransactItems: [
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: LOCK_KEY,
            ConditionExpression: 'releaseId = :me',
            ExpressionAttributeValues: { ':me': { S: 'rel-1' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: TABLE,
            Item: {
              pk: { S: FUNCTION },
              sk: { S: 'journal#0000000001' },
              sequence: { N: '1' },
              at: { S: NOW.toISOString() },
              releaseId: { S: 'rel-1' },
              type: { S: 'state' },
              data: { S: JSON.stringify(data) },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
  });

  it('checks that entry N-1 exists when writing entry N, so the journal has no gap', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});
    await store.append({ releaseId: 'rel-1', type: 'state', data }, 12);
    const items = dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems;
    expect(items?.[1]?.Put?.Item?.sk).toEqual({ S: 'journal#0000000012' });
    expect(items?.[2]).toEqual({
      ConditionCheck: {
        TableName: TABLE,
        Key: { pk: { S: FUNCTION }, sk: { S: 'journal#0000000011' } },
        ConditionExpression: 'attribute_exists(pk)',
      },
    });
  });

  it('stores data as JSON gives it back as JSON would (undefined as null), and refuses what JSON cannot hold', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});
    expect((await store.append({ releaseId: 'rel-1', type: 't', data: undefined }, 1)).data).toBeNull();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(store.append({ releaseId: 'rel-1', type: 't', data: circular }, 1)).rejects.toThrow(
      /plain data/,
    );
    await expect(store.append({ releaseId: 'rel-1', type: 't', data: 1n }, 1)).rejects.toThrow(/JSON/);
    await expect(store.append({ releaseId: 'rel-1', type: '', data: 1 }, 1)).rejects.toThrow(/type/);
    for (const sequence of [0, 1.5, 10 ** 10]) {
      await expect(store.append({ releaseId: 'rel-1', type: 't', data: 1 }, sequence)).rejects.toThrow(
        /no journal sequence/,
      );
    }
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it('maps a failed lock check with the holder returned to ReleaseLockedError', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(cancelled({ Code: 'ConditionalCheckFailed', Item: lockItem(FUNCTION, held) }, 'None'));
    await expect(store.append({ releaseId: 'rel-2', type: 't', data: 1 }, 1)).rejects.toMatchObject({
      name: 'ReleaseLockedError',
      held,
      wanted: 'rel-2',
      operation: 'append',
    });
  });

  it('maps a failed lock check with no lock to ReleaseLockNotHeldError, even when the sequence is wrong too', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
    const error = await store.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseLockNotHeldError);
    expect(error).toMatchObject({ releaseId: 'rel-1' });
  });

  it.each([
    ['entry N exists (someone wrote it)', ['None', 'ConditionalCheckFailed', 'None'], 7, 3],
    ['entry N-1 is missing (a sequence ahead)', ['None', 'None', 'ConditionalCheckFailed'], 5, 9],
  ])('maps %s to JournalConflictError with the next sequence read back', async (_, codes, last, expected) => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled(...codes));
    dynamo.on(QueryCommand).resolves({ Items: [journalItem(FUNCTION, entry(last))] });
    const error = await store
      .append({ releaseId: 'rel-1', type: 't', data: 1 }, expected)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalConflictError);
    expect(error).toMatchObject({ expectedSequence: expected, actualNextSequence: last + 1 });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :journal)',
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: 1,
    });
  });

  it('names both failures when the journal cannot be read after a sequence conflict', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    dynamo
      .on(QueryCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata }));
    await expect(store.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1)).rejects.toThrow(
      /^TransactWriteItems .* out of sequence, and reading the journal failed too \(Query .*ProvisionedThroughputExceededException/,
    );
  });

  it('surfaces a transaction cancelled for another reason (a concurrent write, throttling) as nothing written', async () => {
    const conflict = cancelled('TransactionConflict', 'None');
    dynamo.on(TransactWriteItemsCommand).rejects(conflict);
    const error = await store.append({ releaseId: 'rel-1', type: 't', data: 1 }, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toContain(
      'nothing was written (reasons: TransactionConflict, None); append the same entry again',
    );
    expect((error as Error).cause).toBe(conflict);
  });
});

describe('DynamoDbReleaseRecordStore: journal', () => {
  it('reads every page of the journal consistently, oldest first, all or one release', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [journalItem(FUNCTION, entry(1))],
        LastEvaluatedKey: { pk: { S: FUNCTION }, sk: { S: 'journal#0000000001' } },
      })
      .resolvesOnce({ Items: [journalItem(FUNCTION, entry(2, 'rel-2'))] });
    expect(await store.journal()).toEqual([entry(1), entry(2, 'rel-2')]);
    const inputs = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :journal)',
      ExpressionAttributeValues: { ':pk': { S: FUNCTION }, ':journal': { S: 'journal#' } },
      ConsistentRead: true,
    });
    expect(inputs[1]?.ExclusiveStartKey).toEqual({ pk: { S: FUNCTION }, sk: { S: 'journal#0000000001' } });
    dynamo.reset();
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [journalItem(FUNCTION, entry(1)), journalItem(FUNCTION, entry(2, 'rel-2'))] });
    expect(await store.journal('rel-2')).toEqual([entry(2, 'rel-2')]);
  });

  it.each([
    ['data that is not JSON', { data: { S: '{"state":' } }, /journal#0000000001\) has data that is not JSON/],
    ['no type', { type: { NULL: true } }, /has no string type/],
    [
      'a sequence its key does not name',
      { sequence: { N: '2' } },
      /has sequence .* not the number its sort key names/,
    ],
  ] as const)('refuses an entry with %s, naming its key', async (_, change, problem) => {
    dynamo.on(QueryCommand).resolves({ Items: [{ ...journalItem(FUNCTION, entry(1)), ...change }] });
    const error = await store.journal().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedReleaseItemError);
    expect((error as Error).message).toMatch(problem);
  });

  it('refuses a journal with a gap rather than hand a resume half of it', async () => {
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [journalItem(FUNCTION, entry(1)), journalItem(FUNCTION, entry(3))] });
    await expect(store.journal()).rejects.toThrow(/goes from entry 1 to 3: entries are missing/);
  });
});
