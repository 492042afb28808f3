import { afterEach, describe, expect, it } from 'vitest';
import {
  realElapse,
  startTestRedis,
  startTestRedisCluster,
  TEST_CONNECT_TIMEOUT_MS,
} from '../../support/redis-harness.js';
import {
  admin,
  FakeSecret,
  IDS,
  NEW,
  OLD,
  openStack,
  REFRESH_INTERVAL_MS,
  readUntilAllHit,
  secretEvents,
  startWarmStack,
  waitUntil,
  warm,
} from './support/rotation-stack.js';

describe('Redis token rotation without an outage (real redis-server)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('moves to the new token inside the call that meets the refusal: that call answers HIT or fills', async () => {
    const { redis, secret, events, engine, source } = await startWarmStack(cleanups);

    // The rotation: the user accepts both tokens, the secret moves to the new one, the old one goes,
    // and the server drops the connections (as a failover, an ACL reload or a network blip would).
    await redis.call('ACL', 'SETUSER', 'default', `>${NEW}`);
    secret.put(JSON.stringify({ token: NEW }));
    await redis.call('ACL', 'SETUSER', 'default', `<${OLD}`);
    // Secrets Manager is slow to answer, so a re-read outside a call would still be under way below.
    secret.hold();
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await waitUntil(() => events.includes('auth-failure'), 'the reconnect is refused');

    // On Lambda nothing runs between requests (the environment is frozen): a refused reconnect alone
    // reads nothing; the next call re-reads the secret, waits for it, and answers from the new client.
    await realElapse(100);
    expect(secret.reads).toEqual([]);
    const read = engine.get('p1');
    await waitUntil(() => secret.reads.length > 0, 'the call re-reads the secret');
    secret.release();
    expect((await read).outcome).toBe('HIT');
    for (const id of IDS) expect((await engine.get(id)).outcome, id).toBe('HIT');
    const first = await engine.get('p-new');
    expect(first).toMatchObject({ outcome: 'MISS', record: { value: 'value of p-new' } });
    expect((await engine.get('p-new')).outcome).toBe('HIT');
    expect(source.loads.filter((id) => id === 'p-new')).toEqual(['p-new']);
    // One re-read found the new token: no need for the previous version.
    expect(secretEvents(events)).toEqual(['read AWSCURRENT', 'changed AWSCURRENT']);
  });

  it('rotates between two users as Terraform does, and falls back to the previous version when the new user refuses', async () => {
    const server = await startTestRedis();
    cleanups.push(() => server.stop());
    const setup = admin(server);
    await setup.call('ACL', 'SETUSER', 'admin', 'on', '>admin-password-0123', '~*', '+@all');
    setup.disconnect();
    const redis = admin(server, 'admin-password-0123', 'admin');
    cleanups.push(async () => redis.disconnect());
    await redis.call('ACL', 'SETUSER', 'aside-a', 'on', `>${OLD}`, '~*', '+@all');
    // The inactive user, not yet given the token the secret is about to name (an apply that failed halfway).
    await redis.call('ACL', 'SETUSER', 'aside-b', 'on', '>not-the-token-yet-0123', '~*', '+@all');
    await redis.call('ACL', 'SETUSER', 'default', 'off');
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ username: 'aside-a', token: OLD }));
    secret.put(JSON.stringify({ username: 'aside-b', token: NEW }));

    // A cold start in that state reads aside-b's credentials, which Redis refuses: the connect itself
    // falls back to the previous version, which still works.
    const events: string[] = [];
    const { rotating, engine } = openStack(server.url, secret, events);
    cleanups.push(() => rotating.close());
    await rotating.connect(TEST_CONNECT_TIMEOUT_MS);
    expect(secretEvents(events)).toEqual(['read AWSCURRENT', 'read AWSPREVIOUS', 'changed AWSPREVIOUS']);
    await warm(engine);

    // The next apply completes the rotation, then a later one retires aside-a.
    await redis.call('ACL', 'SETUSER', 'aside-b', 'resetpass', `>${NEW}`);
    await readUntilAllHit(engine);
    await redis.call('ACL', 'SETUSER', 'aside-a', 'off');
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');

    const seen = await readUntilAllHit(engine);
    expect([...seen].filter((outcome) => outcome !== 'HIT' && outcome !== 'BYPASS')).toEqual([]);
    expect(events.filter((event) => event.startsWith('changed'))).toEqual([
      'changed AWSPREVIOUS',
      'changed AWSCURRENT',
    ]);
  });

  it('reads a wrong secret again at most once per interval of its clock, and recovers once the secret is right', async () => {
    let nowMs = 0;
    const { redis, secret, events, engine } = await startWarmStack(cleanups, { now: () => nowMs });

    // The server moves to a token the secret does not hold.
    secret.put(JSON.stringify({ token: 'wrong-token-0123456789' }));
    await redis.call('ACL', 'SETUSER', 'default', 'resetpass', `>${NEW}`);
    await redis.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await waitUntil(() => events.includes('auth-failure'), 'the reconnect is refused');

    const rereads = () => events.filter((event) => event === 'read AWSCURRENT').length;
    const readsAt = async (atMs: number) => {
      nowMs = atMs;
      for (let round = 0; round < 5; round++) {
        const read = await engine.get('p1');
        expect(read.outcome).toBe('BYPASS');
        expect(read.record?.value).toBe('value of p1');
      }
      return rereads();
    };
    // The first refusal re-reads at once; calls within the interval do not, the first one past it does.
    expect(await readsAt(0)).toBe(1);
    expect(await readsAt(REFRESH_INTERVAL_MS - 1)).toBe(1);
    expect(await readsAt(REFRESH_INTERVAL_MS)).toBe(2);
    expect(await readsAt(2 * REFRESH_INTERVAL_MS - 1)).toBe(2);
    expect(await readsAt(2 * REFRESH_INTERVAL_MS)).toBe(3);
    expect(events.filter((event) => event === 'auth-failure').length).toBeGreaterThan(15);

    secret.put(JSON.stringify({ token: NEW }));
    nowMs = 3 * REFRESH_INTERVAL_MS;
    for (const id of IDS) expect((await engine.get(id)).outcome, id).toBe('HIT');
  });

  it('starts without the secret (the cold-start read failed) and picks the token up in the connect that meets NOAUTH', async () => {
    const server = await startTestRedis(['--requirepass', NEW]);
    cleanups.push(() => server.stop());
    const secret = new FakeSecret();
    const events: string[] = [];
    const { rotating, engine } = openStack(server.url, secret, events);
    cleanups.push(() => rotating.close());
    secret.put(JSON.stringify({ token: NEW }));

    await rotating.connect(TEST_CONNECT_TIMEOUT_MS);
    expect(events).toContain('auth-failure');
    expect(secretEvents(events)).toEqual(['read AWSCURRENT', 'changed AWSCURRENT']);
    await warm(engine);
  });

  it('follows a rotation on every node of a cluster, inside the calls that meet it', async () => {
    const cluster = await startTestRedisCluster();
    cleanups.push(() => cluster.stop());
    const admins = cluster.nodes.map((node) => admin(node));
    cleanups.push(async () => {
      for (const node of admins) node.disconnect();
    });
    for (const node of admins) await node.call('ACL', 'SETUSER', 'default', 'resetpass', `>${OLD}`);
    const secret = new FakeSecret();
    secret.put(JSON.stringify({ token: OLD }));
    const events: string[] = [];
    const { rotating, engine } = openStack(cluster.url, secret, events, { mode: 'cluster' });
    cleanups.push(() => rotating.close());
    await rotating.connect(5_000);
    await warm(engine);

    for (const node of admins) await node.call('ACL', 'SETUSER', 'default', `>${NEW}`);
    secret.put(JSON.stringify({ token: NEW }));
    for (const node of admins) {
      await node.call('ACL', 'SETUSER', 'default', `<${OLD}`);
      await node.call('CLIENT', 'KILL', 'TYPE', 'normal');
    }
    await waitUntil(() => events.includes('auth-failure'), 'a node reconnect is refused');

    for (const id of IDS) expect((await engine.get(id)).outcome, id).toBe('HIT');
    expect(events.filter((event) => event.startsWith('changed'))).toEqual(['changed AWSCURRENT']);
  });
});
