import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { build } from 'esbuild';
import { buildFunction } from '../../scripts/build-function.js';
import { LAMBDA_FUNCTIONS, LAMBDA_HANDLER } from '../../scripts/lambda-functions.js';
import type { ChildMessage, ParentMessage } from './lambda-worker-process.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./lambda-worker-process.ts', import.meta.url));
const DEFAULT_INIT_TIMEOUT_MS = 60_000;
const OUTPUT_TAIL_CHARS = 4_000;

/** The api function built as `npm run build` builds it, in a temp dir of its own. */
export interface ApiBundle {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function buildApiBundle(): Promise<ApiBundle> {
  const api = LAMBDA_FUNCTIONS.find((fn) => fn.name === 'api');
  if (!api) throw new Error('no api function in the manifest');
  const dir = await mkdtemp(join(tmpdir(), 'aside-bundle-'));
  await buildFunction(api.entry, dir, { absWorkingDir: PROJECT_ROOT });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface LambdaWorkersOptions {
  /** How many execution environments (child processes). */
  readonly count: number;
  /** A dir holding the built function (see buildApiBundle). */
  readonly bundleDir: string;
  /** Added to the base environment (and wins over it): REDIS_URL, DYNAMODB_ENDPOINT, … */
  readonly env?: Readonly<Record<string, string>>;
  /** How long every worker may take to finish init. */
  readonly initTimeoutMs?: number;
}

/** One answered invocation. */
export interface Invocation {
  readonly result: APIGatewayProxyResult;
  /** Which worker (0 … count-1) served it. */
  readonly worker: number;
  /** Time inside handler(), measured by the worker. */
  readonly handlerMs: number;
  /** From sending the event to the worker to receiving its answer (queueing excluded). */
  readonly roundTripMs: number;
}

export interface LambdaWorkers {
  readonly count: number;
  /** How long each worker's init (importing the bundle) took. */
  readonly initMs: readonly number[];
  /** Queues the event; the next idle worker serves it. */
  invoke(event: APIGatewayProxyEvent): Promise<Invocation>;
  /** Queues every event at once, in order (so the first `count` go out together); answers in the same order. */
  runAll(events: readonly APIGatewayProxyEvent[]): Promise<Invocation[]>;
  /** Kills every worker; pending invocations are rejected. Safe to call more than once. */
  stop(): Promise<void>;
}

interface Pending {
  readonly id: number;
  readonly event: APIGatewayProxyEvent;
  readonly resolve: (invocation: Invocation) => void;
  readonly reject: (error: Error) => void;
  sentAt?: number;
}

interface Worker {
  readonly index: number;
  readonly child: ChildProcess;
  current: Pending | undefined;
  alive: boolean;
  /** The last few thousand characters the worker wrote, to explain a crash. */
  output: string;
}

/**
 * N child processes, each a Lambda-like execution environment: it imports the built bundle once
 * (init), then serves one invocation at a time; a dispatcher hands the next queued event to whichever
 * worker is idle. Resolves once every worker has finished init, so the first `count` events really
 * are concurrent. Children get a clean environment (nothing from the caller's shell, such as a
 * REDIS_URL), and exit when the parent goes away.
 */
export async function startLambdaWorkers(options: LambdaWorkersOptions): Promise<LambdaWorkers> {
  const [file, exportName] = LAMBDA_HANDLER.split('.') as [string, string];
  const bundleFile = join(options.bundleDir, `${file}.mjs`);
  const workerDir = await mkdtemp(join(tmpdir(), 'aside-lambda-worker-'));
  const workerFile = join(workerDir, 'worker.mjs');
  try {
    await build({
      entryPoints: [WORKER_ENTRY],
      outfile: workerFile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      logLevel: 'warning',
    });
  } catch (error) {
    await rm(workerDir, { recursive: true, force: true });
    throw error;
  }

  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // The SDK must never wait on an instance metadata endpoint that is not there.
    AWS_EC2_METADATA_DISABLED: 'true',
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // Generous: with dozens of processes on a couple of cores, a slow answer is not a Redis fault.
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    ...options.env,
  };

  const queue: Pending[] = [];
  const workers: Worker[] = [];
  let nextId = 0;
  let stopped = false;
  let stopping: Promise<void> | undefined;

  const dispatch = () => {
    for (const worker of workers) {
      if (queue.length === 0) return;
      if (!worker.alive || worker.current) continue;
      const pending = queue.shift() as Pending;
      worker.current = pending;
      pending.sentAt = performance.now();
      const message: ParentMessage = { type: 'invoke', id: pending.id, event: pending.event };
      worker.child.send(message);
    }
  };

  const failQueued = (error: Error) => {
    for (const pending of queue.splice(0)) pending.reject(error);
  };

  const killAll = () => {
    for (const worker of workers) if (worker.alive) worker.child.kill('SIGKILL');
  };
  // If the parent exits without stop() (a crashed or timed-out run), take the children with it.
  process.on('exit', killAll);

  const initMs: number[] = [];
  const readiness: Promise<void>[] = [];
  for (let index = 0; index < options.count; index++) {
    const child = fork(workerFile, [bundleFile, exportName], {
      env,
      // Plain node: not the test runner's loaders or flags.
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const worker: Worker = { index, child, current: undefined, alive: true, output: '' };
    workers.push(worker);
    const keepOutput = (chunk: Buffer) => {
      worker.output = (worker.output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keepOutput);
    child.stderr?.on('data', keepOutput);

    readiness.push(
      new Promise<void>((resolve, reject) => {
        child.on('message', (message: ChildMessage) => {
          switch (message.type) {
            case 'ready':
              initMs[index] = message.initMs;
              resolve();
              return;
            case 'init-error':
              reject(new Error(`worker ${index} failed init: ${message.message}`));
              return;
            case 'result':
            case 'error': {
              const pending = worker.current;
              if (!pending || pending.id !== message.id) return;
              worker.current = undefined;
              if (message.type === 'result') {
                pending.resolve({
                  result: message.result,
                  worker: index,
                  handlerMs: message.handlerMs,
                  roundTripMs: performance.now() - (pending.sentAt ?? 0),
                });
              } else {
                pending.reject(new Error(`worker ${index}: ${message.message}`));
              }
              dispatch();
              return;
            }
          }
        });
        child.on('exit', () => {
          worker.alive = false;
        });
        // 'close' comes after the output pipes are drained, so the message has the worker's last words.
        child.on('close', (code, signal) => {
          if (stopped) return;
          const error = new Error(
            `worker ${index} exited (code ${code}, signal ${signal}); its last output:\n${worker.output}`,
          );
          reject(error);
          worker.current?.reject(error);
          worker.current = undefined;
          if (workers.every((other) => !other.alive)) failQueued(new Error('every worker has exited'));
        });
        child.on('error', reject);
      }),
    );
  }

  const stop = () => {
    stopping ??= (async () => {
      stopped = true;
      failQueued(new Error('the workers were stopped'));
      const exits = workers
        .filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null)
        .map((worker) => new Promise<void>((resolve) => worker.child.once('exit', () => resolve())));
      killAll();
      for (const worker of workers) worker.current?.reject(new Error('the workers were stopped'));
      await Promise.all(exits);
      process.off('exit', killAll);
      await rm(workerDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(readiness),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the workers did not all finish init within ${initTimeoutMs} ms`)),
          initTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const invoke = (event: APIGatewayProxyEvent) =>
    new Promise<Invocation>((resolve, reject) => {
      if (stopped) {
        reject(new Error('the workers were stopped'));
        return;
      }
      queue.push({ id: nextId++, event, resolve, reject });
      dispatch();
    });

  return {
    count: options.count,
    initMs,
    invoke,
    runAll: (events) => Promise.all(events.map(invoke)),
    stop,
  };
}
