import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  type AttributeValue as SdkAttributeValue,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChangeCaptureProxy,
  startChangeCaptureProxy,
} from '../../src/local/change-capture/change-capture-proxy.js';
import { DYNALITE_CREDENTIALS, type DynaliteServer, startDynalite } from '../../src/local/dynalite-server.js';
import { type LocalStack, startLocalStack } from '../../src/local/local-stack.js';
import { createProductsTable } from '../../src/local/products-table.js';
import { sampleCatalog } from '../../src/local/sample-catalog.js';
import type { Product } from '../../src/products/product.js';

type Item = Record<string, SdkAttributeValue>;
const REGION = 'eu-west-1';
const TABLE = 'Products';
const key = (id: string) => ({ productId: { S: id } });

/** TransactWriteItems served by the capturing endpoint over real dynalite, with the SDK. */
describe('TransactWriteItems through the change capture proxy', () => {
  let dynalite: DynaliteServer;
  let proxy: ChangeCaptureProxy;
  let client: DynamoDBClient;
  /** Straight to dynalite: sets up items without making records, and reads the table as it is. */
  let direct: DynamoDBClient;
  const errors: unknown[] = [];
  let records: DynamoDBRecord[] = [];

  const transact = (TransactItems: TransactWriteItem[]) =>
    client.send(new TransactWriteItemsCommand({ TransactItems }));
  const seed = (item: Item) => direct.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  const itemOf = async (id: string) =>
    (await direct.send(new GetItemCommand({ TableName: TABLE, Key: key(id), ConsistentRead: true }))).Item;
  const imagesOf = (batch: readonly DynamoDBRecord[]) =>
    batch.map((record) => [
      record.eventName,
      record.dynamodb?.Keys,
      record.dynamodb?.OldImage,
      record.dynamodb?.NewImage,
    ]);
  /** The transaction's rejection, for inspection (it must be rejected). */
  const rejectionOf = async (transaction: Promise<unknown>) => {
    const outcome = await transaction.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(Error);
    return outcome as Error;
  };

  beforeAll(async () => {
    dynalite = await startDynalite();
    direct = new DynamoDBClient({
      region: REGION,
      endpoint: dynalite.endpoint,
      credentials: DYNALITE_CREDENTIALS,
    });
    await createProductsTable(direct, TABLE);
    proxy = await startChangeCaptureProxy({
      target: dynalite.endpoint,
      region: REGION,
      onRecords: (table, batch) => {
        if (table === TABLE) records.push(...batch);
      },
      logger: { error: (...args: unknown[]) => errors.push(args) },
    });
    client = new DynamoDBClient({
      region: REGION,
      endpoint: proxy.endpoint,
      credentials: DYNALITE_CREDENTIALS,
    });
  });

  beforeEach(() => {
    records = [];
  });

  afterAll(async () => {
    client?.destroy();
    direct?.destroy();
    await proxy?.stop();
    await dynalite?.stop();
    expect(errors).toEqual([]);
  });

  it('applies Put + Update + Delete over three items and makes exactly their records, with exact images', async () => {
    const updated = { ...key('t-update'), name: { S: 'Kettle' }, stock: { N: '3' } };
    const deleted = { ...key('t-delete'), name: { S: 'Gone' } };
    await seed(updated);
    await seed(deleted);
    const put = { ...key('t-put'), name: { S: 'Lamp' }, price: { N: '12.5' } };

    const answer = await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: put, ConditionExpression: 'attribute_not_exists(productId)' } },
          {
            Update: {
              TableName: TABLE,
              Key: key('t-update'),
              UpdateExpression: 'SET #n = :n ADD stock :one',
              ConditionExpression: 'stock = :three',
              ExpressionAttributeNames: { '#n': 'name' },
              ExpressionAttributeValues: { ':n': { S: 'Teapot' }, ':one': { N: '1' }, ':three': { N: '3' } },
            },
          },
          {
            Delete: {
              TableName: TABLE,
              Key: key('t-delete'),
              ConditionExpression: 'attribute_exists(#n)',
              ExpressionAttributeNames: { '#n': 'name' },
            },
          },
        ],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );

    expect(answer.ConsumedCapacity).toEqual([
      { TableName: TABLE, CapacityUnits: expect.any(Number), WriteCapacityUnits: expect.any(Number) },
    ]);
    const after = { ...key('t-update'), name: { S: 'Teapot' }, stock: { N: '4' } };
    expect(await itemOf('t-put')).toEqual(put);
    expect(await itemOf('t-update')).toEqual(after);
    expect(await itemOf('t-delete')).toBeUndefined();
    expect(imagesOf(records)).toEqual([
      ['INSERT', key('t-put'), undefined, put],
      ['MODIFY', key('t-update'), updated, after],
      ['REMOVE', key('t-delete'), deleted, undefined],
    ]);
    expect(records.map((record) => record.dynamodb?.StreamViewType)).toEqual(
      Array(3).fill('NEW_AND_OLD_IMAGES'),
    );
  });

  it('makes no record for a passing ConditionCheck, and never creates the item it checks', async () => {
    const checked = { ...key('t-checked'), stock: { N: '1' } };
    await seed(checked);
    const put = { ...key('t-put-beside-checks') };
    await transact([
      {
        ConditionCheck: {
          TableName: TABLE,
          Key: key('t-checked'),
          ConditionExpression: 'stock > :zero',
          ExpressionAttributeValues: { ':zero': { N: '0' } },
        },
      },
      {
        ConditionCheck: {
          TableName: TABLE,
          Key: key('t-absent'),
          ConditionExpression: 'attribute_not_exists(productId)',
        },
      },
      { Put: { TableName: TABLE, Item: put } },
    ]);
    expect(await itemOf('t-checked')).toEqual(checked);
    expect(await itemOf('t-absent')).toBeUndefined();
    expect(imagesOf(records)).toEqual([['INSERT', key('t-put-beside-checks'), undefined, put]]);
  });

  it('cancels the whole transaction when a ConditionCheck fails: reasons per action, nothing changed, no records', async () => {
    const checked = { ...key('t-check-fails'), stock: { N: '0' } };
    await seed(checked);
    const error = await rejectionOf(
      transact([
        { Put: { TableName: TABLE, Item: { ...key('t-not-put'), name: { S: 'Never' } } } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key('t-check-fails'),
            ConditionExpression: 'stock > :zero',
            ExpressionAttributeValues: { ':zero': { N: '0' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Delete: { TableName: TABLE, Key: key('t-check-fails-other') } },
      ]),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
    );
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: checked },
      { Code: 'None' },
    ]);
    expect(await itemOf('t-not-put')).toBeUndefined();
    expect(await itemOf('t-check-fails')).toEqual(checked);
    expect(records).toEqual([]);
  });

  it('leaves the table as it was when a Put condition fails after an earlier action, and makes no records', async () => {
    const updated = { ...key('t-earlier'), stock: { N: '1' } };
    const guarded = { ...key('t-guarded'), name: { S: 'Taken' } };
    await seed(updated);
    await seed(guarded);
    const error = await rejectionOf(
      transact([
        {
          Update: {
            TableName: TABLE,
            Key: key('t-earlier'),
            UpdateExpression: 'SET stock = :s',
            ExpressionAttributeValues: { ':s': { N: '99' } },
          },
        },
        {
          Put: {
            TableName: TABLE,
            Item: { ...key('t-guarded'), name: { S: 'Mine' } },
            ConditionExpression: 'attribute_not_exists(productId)',
          },
        },
      ]),
    );
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
    expect(await itemOf('t-earlier')).toEqual(updated);
    expect(await itemOf('t-guarded')).toEqual(guarded);
    expect(records).toEqual([]);
  });

  it('rolls back the actions already applied when a later write fails, and makes no records', async () => {
    const deleted = { ...key('t-rollback-delete'), name: { S: 'Kept' }, tags: { SS: ['a', 'b'] } };
    const broken = { ...key('t-rollback-broken'), name: { S: 'Text' } };
    await seed(deleted);
    await seed(broken);
    const error = await rejectionOf(
      transact([
        { Put: { TableName: TABLE, Item: { ...key('t-rollback-put'), name: { S: 'Briefly' } } } },
        { Delete: { TableName: TABLE, Key: key('t-rollback-delete') } },
        {
          // Only the write itself finds this: adding to a string.
          Update: {
            TableName: TABLE,
            Key: key('t-rollback-broken'),
            UpdateExpression: 'SET #n = #n + :one',
            ExpressionAttributeNames: { '#n': 'name' },
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ]),
    );
    expect(error.name).toBe('ValidationException');
    expect(await itemOf('t-rollback-put')).toBeUndefined();
    expect(await itemOf('t-rollback-delete')).toEqual(deleted);
    expect(await itemOf('t-rollback-broken')).toEqual(broken);
    expect(records).toEqual([]);
  });

  it('refuses two actions on one item with a ValidationException, as DynamoDB does', async () => {
    const error = await rejectionOf(
      transact([
        { Put: { TableName: TABLE, Item: { ...key('t-twice'), name: { S: 'One' } } } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key('t-twice'),
            ConditionExpression: 'attribute_not_exists(productId)',
          },
        },
      ]),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
    expect(await itemOf('t-twice')).toBeUndefined();
    expect(records).toEqual([]);
  });

  it('refuses an empty transaction, more than 100 actions, and an unknown table before writing anything', async () => {
    const puts = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ Put: { TableName: TABLE, Item: key(`t-many-${i}`) } }));
    const tooMany = await rejectionOf(transact(puts(101)));
    expect(tooMany.name).toBe('ValidationException');
    expect(tooMany.message).toMatch(/less than or equal to 100/);
    expect((await rejectionOf(transact([]))).name).toBe('ValidationException');
    const unknown = await rejectionOf(
      transact([...puts(1), { Put: { TableName: 'NoSuchTable', Item: key('t-nowhere') } }]),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(await itemOf('t-many-0')).toBeUndefined();
    expect(records).toEqual([]);
  });

  it('keeps each item in order with concurrent plain writes to the same items', async () => {
    const ids = ['t-race-a', 't-race-b'];
    const add = (id: string) => ({
      TableName: TABLE,
      Key: key(id),
      UpdateExpression: 'ADD hits :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });
    await Promise.all(
      Array.from({ length: 10 }, () => [
        transact(ids.map((id) => ({ Update: add(id) }))),
        client.send(new UpdateItemCommand(add('t-race-a'))),
      ]).flat(),
    );
    for (const [id, writes] of [
      ['t-race-a', 20],
      ['t-race-b', 10],
    ] as const) {
      const ofItem = records.filter((record) => record.dynamodb?.Keys?.productId?.S === id);
      expect(ofItem.map((record) => record.dynamodb?.NewImage?.hits?.N)).toEqual(
        Array.from({ length: writes }, (_, i) => String(i + 1)),
      );
      expect(ofItem.slice(1).map((record) => record.dynamodb?.OldImage)).toEqual(
        ofItem.slice(0, -1).map((record) => record.dynamodb?.NewImage),
      );
    }
  });
});

/** The local stack end to end: a transaction written straight to its printed DynamoDB endpoint, seen through GET. */
describe('a transaction written to the local DynamoDB endpoint reaches the API', () => {
  const REACHES_GET_WITHIN_MS = 1_000;
  let stack: LocalStack;
  let client: DynamoDBClient;
  const get = (id: string) => fetch(`${stack.url}/product/${id}`);

  beforeAll(async () => {
    stack = await startLocalStack({ PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' });
    const dynamo = stack.parts.find((part) => part.name.startsWith('DynamoDB'));
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamo?.where.split(',')[0],
      credentials: DYNALITE_CREDENTIALS,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
  });

  it('changes what GET answers within a second', async () => {
    const [renamed, removed] = sampleCatalog().slice(10, 12) as [Product, Product];
    await get(renamed.productId);
    expect((await get(renamed.productId)).headers.get('x-cache')).toBe('HIT');
    expect((await get(removed.productId)).status).toBe(200);

    const started = performance.now();
    await DynamoDBDocumentClient.from(client).send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: 'Products',
              Key: { productId: renamed.productId },
              UpdateExpression: 'SET #n = :n, version = version + :one',
              ConditionExpression: 'version = :v',
              ExpressionAttributeNames: { '#n': 'name' },
              ExpressionAttributeValues: {
                ':n': 'Renamed in a transaction',
                ':one': 1,
                ':v': renamed.version,
              },
            },
          },
          { Delete: { TableName: 'Products', Key: { productId: removed.productId } } },
        ],
      }),
    );
    for (;;) {
      const [one, other] = await Promise.all([get(renamed.productId), get(removed.productId)]);
      const body = (await one.json()) as Product;
      await other.text();
      if (body.name === 'Renamed in a transaction' && other.status === 404) break;
      expect(performance.now() - started).toBeLessThan(REACHES_GET_WITHIN_MS);
    }
    expect(performance.now() - started).toBeLessThan(REACHES_GET_WITHIN_MS);
    expect(await (await get(renamed.productId)).json()).toEqual({
      ...renamed,
      name: 'Renamed in a transaction',
      version: renamed.version + 1,
    });
  });
});
