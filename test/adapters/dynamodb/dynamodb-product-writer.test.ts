import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../../src/adapters/dynamodb/create-dynamodb-client.js';
import { DynamoDbProductWriter } from '../../../src/adapters/dynamodb/dynamodb-product-writer.js';
import { SourceError } from '../../../src/core/source-error.js';
import { DYNALITE_CREDENTIALS } from '../../../src/local/dynalite-server.js';
import { InvalidProductError } from '../../../src/products/invalid-product-error.js';
import type { PutResult } from '../../../src/products/product-writer.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.js';
import { FakeClock } from '../../support/fake-clock.js';
import { type LocalDynamoDb, REGION, startLocalDynamoDb } from '../../support/local-dynamodb.js';

const TABLE = 'Products';
const LAMP = { name: 'Lamp', price: 20 };

describe('DynamoDbProductWriter against dynalite', () => {
  let dynamo: LocalDynamoDb;
  let proxy: DynamoDbFaultProxy;
  let clock: FakeClock;
  let writer: DynamoDbProductWriter;
  let nextId = 0;
  const freshId = () => `writer-${++nextId}`;

  const writerVia = async (endpoint: string, writerClock = clock) =>
    new DynamoDbProductWriter({
      client: await createDynamoDbDocumentClient({
        region: REGION,
        endpoint,
        daxEndpoint: undefined,
        timeoutMs: 500,
        maxAttempts: 3,
        credentials: DYNALITE_CREDENTIALS,
      }),
      tableName: TABLE,
      clock: writerClock,
      // No pause between lost rounds: with the clock standing still, versions stay exactly predictable.
      random: () => 0,
    });

  const stored = async (id: string) =>
    (
      await dynamo.documents.send(
        new GetCommand({ TableName: TABLE, Key: { productId: id }, ConsistentRead: true }),
      )
    ).Item;

  const versionOf = (result: PutResult) => {
    if (result.status === 'precondition-failed') throw new Error('expected a write');
    return result.product.version;
  };

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb(TABLE, []);
    proxy = await startDynamoDbFaultProxy(dynamo.server.endpoint);
    clock = new FakeClock();
    writer = await writerVia(dynamo.server.endpoint);
  });

  afterAll(async () => {
    await proxy.stop();
    await dynamo.stop();
  });

  describe('versions', () => {
    it('creates an item with version = now, exactly the attributes given plus id and version', async () => {
      const id = freshId();
      const result = await writer.put(id, { ...LAMP, tags: ['a'], size: { w: 1 } }, {});
      const expected = { ...LAMP, tags: ['a'], size: { w: 1 }, productId: id, version: clock.now() };
      expect(result).toEqual({ status: 'created', product: expected });
      expect(await stored(id)).toEqual(expected);
    });

    it('replaces with previous + 1 while the clock has not moved past it, then with now', async () => {
      const id = freshId();
      const first = versionOf(await writer.put(id, LAMP, {}));
      const second = await writer.put(id, { name: 'Lamp 2', price: 21 }, {});
      expect(second).toMatchObject({ status: 'replaced', product: { version: first + 1, name: 'Lamp 2' } });
      clock.advance(1_000);
      expect(versionOf(await writer.put(id, LAMP, {}))).toBe(clock.now());
      expect(await stored(id)).toEqual({ ...LAMP, productId: id, version: clock.now() });
    });

    it('gives a re-created item a version above its deleted self, even when versions ran ahead of the clock', async () => {
      const id = freshId();
      // A burst of writes within one millisecond pushes the version ahead of the clock.
      for (let i = 0; i < 3; i++) await writer.put(id, LAMP, {});
      const deleted = await writer.delete(id, {});
      // The delete is a change with a version of its own, kept by the tombstone.
      expect(deleted).toEqual({ status: 'deleted', version: clock.now() + 3 });
      expect(await stored(id)).toMatchObject({ productId: id, deleted: true, version: clock.now() + 3 });
      const recreated = await writer.put(id, LAMP, {});
      expect(recreated.status).toBe('created');
      expect(versionOf(recreated)).toBe(clock.now() + 4);
    });

    it('cannot land a create whose read saw the item absent after it was created and deleted again (ABA)', async () => {
      const id = freshId();
      const slow = await writerVia(proxy.endpoint);
      proxy.forwardDelayMs = (target) => (target.endsWith('.PutItem') ? 300 : 0);
      try {
        const late = slow.put(id, { ...LAMP, writer: 'late' }, {});
        await new Promise((resolve) => setTimeout(resolve, 50));
        const created = versionOf(await writer.put(id, LAMP, {}));
        const deleted = await writer.delete(id, {});
        expect(deleted).toEqual({ status: 'deleted', version: created + 1 });
        const landed = await late;
        // Its first round found the tombstone where it expected nothing; it re-read and wrote above it.
        expect(landed.status).toBe('created');
        expect(versionOf(landed)).toBeGreaterThan(created + 1);
      } finally {
        proxy.forwardDelayMs = undefined;
      }
    });

    it('replaces an item written without a version, counting it as version 0', async () => {
      const id = freshId();
      await dynamo.documents.send(new PutCommand({ TableName: TABLE, Item: { productId: id, name: 'Old' } }));
      const result = await writer.put(id, LAMP, { ifMatch: [0] });
      expect(result).toMatchObject({ status: 'replaced', product: { version: clock.now() } });
    });

    it('leaves the version of an item written beside it alone: the lost round re-reads and writes above it', async () => {
      const id = freshId();
      await writer.put(id, LAMP, {});
      await dynamo.documents.send(
        new PutCommand({ TableName: TABLE, Item: { productId: id, ...LAMP, version: clock.now() + 100 } }),
      );
      expect(versionOf(await writer.put(id, LAMP, {}))).toBe(clock.now() + 101);
    });
  });

  describe('concurrent writers', () => {
    const ROUND = 6;

    it('all succeed one after another, each with a distinct, strictly increasing version', async () => {
      const id = freshId();
      const results = await Promise.all(
        Array.from({ length: ROUND }, (_, i) => writer.put(id, { ...LAMP, writer: i }, {})),
      );
      const versions = results.map(versionOf).sort((a, b) => a - b);
      // The clock stands still, so each committed write is exactly its predecessor + 1.
      expect(versions).toEqual(Array.from({ length: ROUND }, (_, i) => clock.now() + i));
      expect(results.filter((result) => result.status === 'created')).toHaveLength(1);
      const last = results.find((result) => versionOf(result) === versions.at(-1));
      expect(await stored(id)).toEqual(last?.status === 'precondition-failed' ? undefined : last?.product);
    });

    it('with one If-Match version, exactly one wins each round and the others get precondition-failed', async () => {
      const id = freshId();
      let current = versionOf(await writer.put(id, LAMP, {}));
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(
          Array.from({ length: ROUND }, (_, i) =>
            writer.put(id, { ...LAMP, writer: i }, { ifMatch: [current] }),
          ),
        );
        const winners = results.filter((result) => result.status === 'replaced');
        expect(winners).toHaveLength(1);
        expect(results.filter((result) => result.status === 'precondition-failed')).toHaveLength(ROUND - 1);
        const next = versionOf(winners[0] as PutResult);
        expect(next).toBeGreaterThan(current);
        current = next;
      }
    });

    it('with If-None-Match: *, exactly one creates the item', async () => {
      const id = freshId();
      const results = await Promise.all(
        Array.from({ length: ROUND }, (_, i) => writer.put(id, { ...LAMP, writer: i }, { ifNoneMatch: '*' })),
      );
      expect(results.filter((result) => result.status === 'created')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'precondition-failed')).toHaveLength(ROUND - 1);
    });

    it('gives up with a SourceError once it has lost its bounded number of rounds', async () => {
      const id = freshId();
      const oneRound = new DynamoDbProductWriter({
        client: dynamo.documents,
        tableName: TABLE,
        clock,
        maxAttempts: 1,
      });
      // With one round each, concurrent writers that read the same version cannot all win.
      const outcomes: unknown[] = [];
      for (let round = 0; round < 20 && !outcomes.some((o) => o instanceof SourceError); round++) {
        outcomes.push(
          ...(await Promise.all(
            Array.from({ length: ROUND }, () => oneRound.put(id, LAMP, {}).catch((error: unknown) => error)),
          )),
        );
      }
      const lost = outcomes.filter((outcome) => outcome instanceof SourceError);
      expect(lost.length).toBeGreaterThan(0);
      expect((lost[0] as Error).message).toMatch(/lost to concurrent writers 1 times in a row/);
      expect(
        outcomes.every((o) => o instanceof SourceError || (o as PutResult).status !== 'precondition-failed'),
      ).toBe(true);
    });
  });

  describe('preconditions', () => {
    it('If-Match: replaces when a listed version is current, fails otherwise and when absent', async () => {
      const id = freshId();
      const version = versionOf(await writer.put(id, LAMP, {}));
      expect(await writer.put(id, LAMP, { ifMatch: [version - 1] })).toEqual({
        status: 'precondition-failed',
      });
      expect(await writer.put(id, LAMP, { ifMatch: [version - 1, version] })).toMatchObject({
        status: 'replaced',
      });
      expect(await writer.put(id, LAMP, { ifMatch: '*' })).toMatchObject({ status: 'replaced' });
      expect(await writer.put(freshId(), LAMP, { ifMatch: '*' })).toEqual({ status: 'precondition-failed' });
      expect(await writer.put(freshId(), LAMP, { ifMatch: [version] })).toEqual({
        status: 'precondition-failed',
      });
    });

    it('If-None-Match: * creates only when absent; a version list fails when it names the current one', async () => {
      const id = freshId();
      expect(await writer.put(id, LAMP, { ifNoneMatch: '*' })).toMatchObject({ status: 'created' });
      expect(await writer.put(id, LAMP, { ifNoneMatch: '*' })).toEqual({ status: 'precondition-failed' });
      const current = (await stored(id))?.version as number;
      expect(await writer.put(id, LAMP, { ifNoneMatch: [current] })).toEqual({
        status: 'precondition-failed',
      });
      expect(await writer.put(id, LAMP, { ifNoneMatch: [current - 1] })).toMatchObject({
        status: 'replaced',
      });
    });

    it('DELETE answers not-found for an absent item, and leaves a tombstone with the next version', async () => {
      const id = freshId();
      expect(await writer.delete(id, {})).toEqual({ status: 'not-found' });
      const version = versionOf(await writer.put(id, LAMP, {}));
      expect(await writer.delete(id, {})).toEqual({ status: 'deleted', version: version + 1 });
      expect(await stored(id)).toMatchObject({ productId: id, version: version + 1, deleted: true });
      expect(await writer.delete(id, {})).toEqual({ status: 'not-found' });
    });

    it('DELETE with If-Match deletes only the listed versions; absent is a failed precondition', async () => {
      const id = freshId();
      const version = versionOf(await writer.put(id, LAMP, {}));
      expect(await writer.delete(id, { ifMatch: [version + 1] })).toEqual({ status: 'precondition-failed' });
      expect(await writer.delete(id, { ifMatch: [] })).toEqual({ status: 'precondition-failed' });
      expect(await stored(id)).toMatchObject({ version });
      expect(await writer.delete(id, { ifMatch: [version + 1, version] })).toEqual({
        status: 'deleted',
        version: version + 1,
      });
      expect(await writer.delete(id, { ifMatch: [version] })).toEqual({ status: 'precondition-failed' });
      expect(await writer.delete(id, { ifMatch: '*' })).toEqual({ status: 'precondition-failed' });
    });
  });

  describe('failures', () => {
    it('rejects with SOURCE_THROTTLED when DynamoDB throttles a PUT or a DELETE', async () => {
      const throttled = await writerVia(proxy.endpoint);
      proxy.fault = 'throttle';
      try {
        await expect(throttled.put(freshId(), LAMP, {})).rejects.toMatchObject({ code: 'SOURCE_THROTTLED' });
        await expect(throttled.delete(freshId(), {})).rejects.toMatchObject({ code: 'SOURCE_THROTTLED' });
      } finally {
        proxy.fault = 'none';
      }
    });

    it('rejects with SOURCE_UNAVAILABLE when nothing listens at the endpoint', async () => {
      const unreachable = await writerVia('http://127.0.0.1:9');
      await expect(unreachable.put(freshId(), LAMP, {})).rejects.toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
      });
    });

    it('rejects with InvalidProductError when DynamoDB refuses the item', async () => {
      const error = await writer.put(freshId(), { ...LAMP, tiny: 1e-200 }, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidProductError);
    });
  });
});
