import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue as SdkAttributeValue,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChangeCaptureProxy,
  startChangeCaptureProxy,
} from '../../src/local/change-capture/change-capture-proxy.js';
import { DYNALITE_CREDENTIALS, type DynaliteServer, startDynalite } from '../../src/local/dynalite-server.js';
import { createProductsTable } from '../../src/local/products-table.js';

const REGION = 'eu-west-1';
/** Every write kind through the capturing endpoint, with the SDK; records collected as they are handed on. */
describe('change capture in front of dynalite', () => {
  let dynalite: DynaliteServer;
  let proxy: ChangeCaptureProxy;
  let client: DynamoDBClient;
  let direct: DynamoDBClient;
  const errors: unknown[] = [];
  let records: Array<{ table: string; record: DynamoDBRecord }> = [];
  const recordsOf = (table = 'Products') =>
    records.filter((entry) => entry.table === table).map((e) => e.record);

  const key = (id: string) => ({ productId: { S: id } });
  const put = (Item: Record<string, SdkAttributeValue>) =>
    client.send(new PutItemCommand({ TableName: 'Products', Item }));
  /** A write known to make a record: what came before it on the same item is all the earlier writes made. */
  const marker = async (id: string) => {
    await put({ ...key(id), marker: { S: crypto.randomUUID() } });
    return recordsOf().filter((record) => record.dynamodb?.Keys?.productId?.S === id);
  };

  beforeAll(async () => {
    dynalite = await startDynalite();
    direct = new DynamoDBClient({
      region: REGION,
      endpoint: dynalite.endpoint,
      credentials: DYNALITE_CREDENTIALS,
    });
    await createProductsTable(direct, 'Products');
    await direct.send(
      new CreateTableCommand({
        TableName: 'Orders',
        AttributeDefinitions: [
          { AttributeName: 'customer', AttributeType: 'S' },
          { AttributeName: 'placedAt', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'customer', KeyType: 'HASH' },
          { AttributeName: 'placedAt', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    proxy = await startChangeCaptureProxy({
      target: dynalite.endpoint,
      region: REGION,
      onRecords: (table, batch) => records.push(...batch.map((record) => ({ table, record }))),
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

  it('turns a PutItem of a new item into an INSERT shaped as Lambda receives it', async () => {
    const item = { ...key('p-insert'), name: { S: 'Lamp' }, price: { N: '12.5' }, version: { N: '1' } };
    const startedAt = Math.floor(Date.now() / 1000);
    await put(item);
    const [record, ...others] = recordsOf();
    expect(others).toEqual([]);
    expect(record).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: key('p-insert'),
        NewImage: item,
        SequenceNumber: expect.stringMatching(/^\d{21,40}$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: expect.stringMatching(
        /^arn:aws:dynamodb:eu-west-1:\d{12}:table\/Products\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/,
      ),
    });
    expect(record?.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(startedAt);
    expect(record?.dynamodb?.ApproximateCreationDateTime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(record?.dynamodb?.SizeBytes).toBeGreaterThan(0);
  });

  it('turns a PutItem that replaces an item into a MODIFY with both images', async () => {
    const before = { ...key('p-replace'), name: { S: 'Old' }, version: { N: '1' } };
    const after = { ...key('p-replace'), name: { S: 'New' }, version: { N: '2' } };
    await put(before);
    const answer = await client.send(
      new PutItemCommand({
        TableName: 'Products',
        Item: after,
        ReturnValues: 'ALL_OLD',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(answer.Attributes).toEqual({
      productId: { S: 'p-replace' },
      name: { S: 'Old' },
      version: { N: '1' },
    });
    expect(answer.ConsumedCapacity?.TableName).toBe('Products');
    expect(
      recordsOf().map((record) => [record.eventName, record.dynamodb?.OldImage, record.dynamodb?.NewImage]),
    ).toEqual([
      ['INSERT', undefined, before],
      ['MODIFY', before, after],
    ]);
  });

  it('makes no record for a PutItem identical to the item, attribute and set order aside', async () => {
    await put({ ...key('p-same'), tags: { SS: ['a', 'b'] }, name: { S: 'Same' } });
    await put({ ...key('p-same'), name: { S: 'Same' }, tags: { SS: ['b', 'a'] } });
    const [insert, ...rest] = await marker('p-same');
    expect(insert?.eventName).toBe('INSERT');
    expect(rest.map((record) => record.dynamodb?.NewImage?.marker)).toEqual([expect.anything()]);
  });

  it('turns UpdateItem into INSERT (upsert) then MODIFY, with exact images; ReturnValues still answers', async () => {
    const upsert = await client.send(
      new UpdateItemCommand({
        TableName: 'Products',
        Key: key('p-update'),
        UpdateExpression: 'SET stock = :s, #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':s': { N: '3' }, ':n': { S: 'Kettle' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(upsert.Attributes).toEqual({ ...key('p-update'), stock: { N: '3' }, name: { S: 'Kettle' } });
    await client.send(
      new UpdateItemCommand({
        TableName: 'Products',
        Key: key('p-update'),
        UpdateExpression: 'ADD stock :one REMOVE #n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    expect(
      recordsOf().map((record) => [record.eventName, record.dynamodb?.OldImage, record.dynamodb?.NewImage]),
    ).toEqual([
      ['INSERT', undefined, { ...key('p-update'), stock: { N: '3' }, name: { S: 'Kettle' } }],
      [
        'MODIFY',
        { ...key('p-update'), stock: { N: '3' }, name: { S: 'Kettle' } },
        { ...key('p-update'), stock: { N: '4' } },
      ],
    ]);
  });

  it('makes no record for an UpdateItem that sets what is already there', async () => {
    await put({ ...key('p-noop-update'), stock: { N: '5' } });
    await client.send(
      new UpdateItemCommand({
        TableName: 'Products',
        Key: key('p-noop-update'),
        UpdateExpression: 'SET stock = :s',
        ExpressionAttributeValues: { ':s': { N: '5.0' } },
      }),
    );
    expect((await marker('p-noop-update')).map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
  });

  it('turns DeleteItem into a REMOVE with the old image only; deleting nothing makes no record', async () => {
    const item = { ...key('p-delete'), name: { S: 'Gone' } };
    await put(item);
    const deleted = await client.send(
      new DeleteItemCommand({ TableName: 'Products', Key: key('p-delete'), ReturnValues: 'ALL_OLD' }),
    );
    expect(deleted.Attributes).toEqual(item);
    await client.send(new DeleteItemCommand({ TableName: 'Products', Key: key('p-delete') }));
    const [, remove, ...rest] = await marker('p-delete');
    expect(remove?.eventName).toBe('REMOVE');
    expect(remove?.dynamodb).toEqual({
      ApproximateCreationDateTime: expect.any(Number),
      Keys: key('p-delete'),
      OldImage: item,
      SequenceNumber: expect.any(String),
      SizeBytes: expect.any(Number),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(rest.map((record) => record.eventName)).toEqual(['INSERT']);
  });

  it('passes conditional failures through untouched and makes no record for them', async () => {
    await put({ ...key('p-conditional'), version: { N: '1' } });
    const failing = [
      new PutItemCommand({
        TableName: 'Products',
        Item: { ...key('p-conditional'), version: { N: '9' } },
        ConditionExpression: 'attribute_not_exists(productId)',
      }),
      new UpdateItemCommand({
        TableName: 'Products',
        Key: key('p-conditional'),
        UpdateExpression: 'SET version = :v',
        ConditionExpression: 'version = :old',
        ExpressionAttributeValues: { ':v': { N: '9' }, ':old': { N: '0' } },
      }),
      new DeleteItemCommand({
        TableName: 'Products',
        Key: key('p-conditional'),
        ConditionExpression: 'attribute_not_exists(version)',
      }),
    ];
    for (const command of failing) {
      // biome-ignore lint/suspicious/noExplicitAny: three command types, one client call each
      await expect(client.send(command as any)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    }
    expect((await marker('p-conditional')).map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
  });

  it('passes any other error of dynalite through byte for byte', async () => {
    const bad = { TableName: 'Products', Item: { name: { S: 'no key' } } };
    const [viaProxy, viaDynalite] = await Promise.all(
      [proxy.endpoint, dynalite.endpoint].map((endpoint) => rawCall(endpoint, 'PutItem', bad)),
    );
    expect(viaProxy).toEqual(viaDynalite);
    expect(viaProxy?.status).toBe(400);
    expect(
      (await rawCall(proxy.endpoint, 'PutItem', { TableName: 'NoSuchTable', Item: key('x') })).status,
    ).toBe(400);
    expect(records).toEqual([]);
  });

  it('turns a BatchWriteItem over two tables into one record per changed item, per table', async () => {
    await put({ ...key('p-batch-old'), name: { S: 'Old' } });
    records = [];
    const order = { customer: { S: 'c-1' }, placedAt: { N: '1700000000' }, total: { N: '42' } };
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          Products: [
            { PutRequest: { Item: { ...key('p-batch-new'), name: { S: 'New' } } } },
            { DeleteRequest: { Key: key('p-batch-old') } },
            { DeleteRequest: { Key: key('p-batch-never-was') } },
          ],
          Orders: [{ PutRequest: { Item: order } }],
        },
      }),
    );
    expect(recordsOf().map((record) => [record.eventName, record.dynamodb?.Keys])).toEqual([
      ['INSERT', key('p-batch-new')],
      ['REMOVE', key('p-batch-old')],
    ]);
    expect(recordsOf('Orders')).toEqual([
      expect.objectContaining({
        eventName: 'INSERT',
        eventSourceARN: expect.stringContaining(':table/Orders/stream/'),
        dynamodb: expect.objectContaining({
          Keys: { customer: { S: 'c-1' }, placedAt: { N: '1700000000' } },
          NewImage: order,
        }),
      }),
    ]);
  });

  it('carries binary as base64 text, as stream records do', async () => {
    await put({ ...key('p-binary'), blob: { B: new Uint8Array([1, 2, 255]) } });
    expect(recordsOf()[0]?.dynamodb?.NewImage?.blob).toEqual({ B: 'AQL/' });
  });

  it('numbers records in write order and keeps each item consistent under concurrent writes', async () => {
    const ids = ['p-race-a', 'p-race-b', 'p-race-c'];
    await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 20 }, () =>
          client.send(
            new UpdateItemCommand({
              TableName: 'Products',
              Key: key(id),
              UpdateExpression: 'ADD hits :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            }),
          ),
        ),
      ),
    );
    const all = recordsOf();
    const sequence = all.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
    for (const id of ids) {
      const ofItem = all.filter((record) => record.dynamodb?.Keys?.productId?.S === id);
      expect(ofItem.map((record) => record.dynamodb?.NewImage?.hits?.N)).toEqual(
        Array.from({ length: 20 }, (_, i) => String(i + 1)),
      );
      expect(ofItem.slice(1).map((record) => record.dynamodb?.OldImage)).toEqual(
        ofItem.slice(0, -1).map((record) => record.dynamodb?.NewImage),
      );
    }
  });
});

/** A request as any client sends it (dynalite checks the shape of the signature, not the signature). */
async function rawCall(endpoint: string, operation: string, input: object) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': '20200101T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, crc: response.headers.get('x-amz-crc32'), body: await response.text() };
}
