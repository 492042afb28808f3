import { LatencyHistogram } from './latency-histogram.js';
import { startLocalServer } from './local-server-process.js';

/**
 * `npx tsx bench/write-latency.ts`: PUT (create, replace) and DELETE through the local server, one at a
 * time, each answered after DynamoDB's conditional write and the cache step; and the GET right after a
 * PUT (a HIT: the write went through to the cache). WRITE_BENCH_ITEMS sets how many ids (default 200).
 */
const ITEMS = Number(process.env.WRITE_BENCH_ITEMS ?? 200);
const REPLACES_PER_ITEM = 3;

const server = await startLocalServer({});
try {
  const create = new LatencyHistogram();
  const replace = new LatencyHistogram();
  const remove = new LatencyHistogram();
  const readBack = new LatencyHistogram();
  let readBackHits = 0;
  const put = (id: string, round: number) =>
    fetch(`${server.url}/product/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench ${round}`, price: round }),
    }).then(expectStatus(round === 0 ? 201 : 200));
  for (let i = 0; i < ITEMS; i++) {
    const id = `bench-write-${i}`;
    await create.time(() => put(id, 0));
    for (let round = 1; round <= REPLACES_PER_ITEM; round++) await replace.time(() => put(id, round));
    await readBack.time(async () => {
      const answer = await fetch(`${server.url}/product/${id}`);
      if (answer.headers.get('x-cache') === 'HIT') readBackHits += 1;
      await answer.arrayBuffer();
    });
    await remove.time(() =>
      fetch(`${server.url}/product/${id}`, { method: 'DELETE' }).then(expectStatus(204)),
    );
  }
  const rows = [
    ['PUT (create)', create],
    ['PUT (replace)', replace],
    ['DELETE', remove],
    ['GET right after a PUT', readBack],
  ] as const;
  process.stdout.write(`## Writes through the local server, one at a time (${ITEMS} ids)\n\n`);
  process.stdout.write(
    '| request | count | p50 ms | p99 ms | mean ms |\n| --- | ---: | ---: | ---: | ---: |\n',
  );
  for (const [label, histogram] of rows) {
    const { count, p50Us, p99Us, meanUs } = histogram.summary();
    process.stdout.write(`| ${label} | ${count} | ${ms(p50Us)} | ${ms(p99Us)} | ${ms(meanUs)} |\n`);
  }
  process.stdout.write(
    `\nGET right after a PUT answered HIT ${readBackHits} of ${ITEMS} times (write-through).\n`,
  );
} finally {
  await server.stop();
}

function expectStatus(status: number) {
  return async (answer: Response) => {
    await answer.arrayBuffer();
    if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}`);
  };
}

function ms(us: number): string {
  return (us / 1000).toFixed(2);
}
