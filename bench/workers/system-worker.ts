import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { CreateSystem, SystemAdapter } from '../systems/system-adapter.js';
import { runReadLoad } from './read-load.js';
import { serveRequest } from './serve-request.js';
import {
  HTTP_MODE_VARIABLE,
  HTTP_READY_PREFIX,
  type LoadRequest,
  REQUEST_TIMEOUT_VARIABLE,
  type WorkerMessage,
  type WorkerRequest,
} from './worker-messages.js';

const DEFAULT_DEADLINE_MS = 2_000;

/**
 * The child side: builds the system's adapter once (init), then serves it either to the parent over
 * IPC, one request at a time (a Lambda-like environment) or one read load at a time (many callers
 * inside the worker), or over HTTP to many callers at once.
 * Bundled with each system (bench/workers/system-bundles.ts) so `node` runs it without a loader.
 */
export async function runWorker(createSystem: CreateSystem): Promise<void> {
  const deadlineMs = Number(process.env[REQUEST_TIMEOUT_VARIABLE] ?? DEFAULT_DEADLINE_MS);
  let adapter: SystemAdapter;
  try {
    adapter = await createSystem();
  } catch (error) {
    send({
      type: 'init-error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  }
  if (process.env[HTTP_MODE_VARIABLE] === '1') return serveHttp(adapter);
  // Without the parent there is no one to serve.
  process.on('disconnect', () => process.exit(0));
  let busy = false;
  process.on('message', async (request: WorkerRequest | LoadRequest) => {
    if (busy) throw new Error('a second request arrived before the first was answered');
    busy = true;
    const reply =
      request.type === 'load'
        ? await runReadLoad(adapter, request)
        : await serveRequest(adapter, request, deadlineMs);
    busy = false;
    send(reply);
  });
  // performance.now() counts from process start: Node's boot, loading the bundle and building clients.
  send({ type: 'ready', initMs: performance.now() });
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function serveHttp(adapter: SystemAdapter): void {
  const server = createServer(async (request, response) => {
    const id = decodeURIComponent(request.url?.match(/^\/product\/([^/?]+)/)?.[1] ?? '');
    if (request.method !== 'GET' || id === '') {
      response.writeHead(404).end();
      return;
    }
    try {
      const read = await adapter.read(id);
      response
        .writeHead(read.status, {
          'content-type': 'application/json',
          'x-cache': read.cacheOutcome.toUpperCase(),
        })
        .end(read.body);
    } catch (error) {
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: String(error) }));
    }
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${HTTP_READY_PREFIX}http://127.0.0.1:${port}\n`);
  });
}
