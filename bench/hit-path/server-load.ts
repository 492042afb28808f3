import autocannon from 'autocannon';

export interface LoadBlock {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** One autocannon block of GETs cycling over `ids`, `connections` at once, for `seconds`. */
export async function loadBlock(
  url: string,
  ids: readonly string[],
  connections: number,
  seconds: number,
): Promise<LoadBlock> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          next = (next + 1) % ids.length;
          return { ...request, path: `/product/${ids[next]}` };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
