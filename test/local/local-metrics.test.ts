import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalStack } from '../../src/local/local-stack.js';

/**
 * The long-running server aggregates its metrics: counts summed and written about once a second, and
 * what is left when it stops, as CloudWatch's embedded metric format. Over real HTTP, the documents it
 * writes must add up to exactly what it answered.
 */
describe('the local server’s metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('writes far fewer documents than requests, whose counts add up to the X-Cache of every answer', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const documents: Record<string, unknown>[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      const text = String(chunk);
      if (text.startsWith('{"_aws"')) {
        documents.push(JSON.parse(text));
        return true;
      }
      return write(chunk, ...(rest as []));
    });
    const stack = await startLocalStack({ PORT: '0', LOG_LEVEL: 'SILENT', REDIS_COMMAND_TIMEOUT_MS: '1000' });
    const answered: Record<string, number> = {};
    try {
      for (let i = 0; i < 60; i++) {
        const id = ['prod-0001', 'prod-0002', 'prod-0003', 'no-such-product'][i % 4];
        const response = await fetch(`${stack.url}/product/${id}`);
        await response.arrayBuffer();
        const outcome = response.headers.get('x-cache') ?? '(none)';
        answered[outcome] = (answered[outcome] ?? 0) + 1;
      }
    } finally {
      await stack.stop();
    }
    const total = (name: string) =>
      documents.reduce((sum, document) => sum + (typeof document[name] === 'number' ? document[name] : 0), 0);
    expect(answered).toEqual({ MISS: 4, HIT: 56 });
    expect(total('CacheMisses')).toBe(4);
    expect(total('CacheHits')).toBe(56);
    expect(total('NegativeCacheHits')).toBe(14);
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.length).toBeLessThan(10);
    for (const document of documents) {
      expect(document._aws).toMatchObject({
        CloudWatchMetrics: [{ Namespace: 'Aside', Dimensions: [['service']] }],
      });
    }
  });
});
