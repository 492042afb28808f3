import { type ChildProcess, fork } from 'node:child_process';
import type { LoadReply, LoadRequest, WorkerMessage, WorkerReply, WorkerRequest } from './worker-messages.js';

const INIT_TIMEOUT_MS = 60_000;
const OUTPUT_TAIL_CHARS = 2_000;

/** One Lambda-like execution environment: a process serving one request at a time. */
export interface WorkerHandle {
  call(request: WorkerRequest): Promise<WorkerReply>;
  /** Many reads at once inside the worker (the steady-state phase), answered when they are done. */
  load(request: LoadRequest): Promise<LoadReply>;
}

export interface WorkerPool {
  readonly workers: readonly WorkerHandle[];
  /** Each worker's init: from process start to its adapter being ready. */
  readonly initMs: readonly number[];
  stop(): Promise<void>;
}

export interface WorkerPoolOptions {
  readonly count: number;
  readonly bundle: string;
  readonly node: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * N worker processes of one system, each with its own clients, all ready before this resolves so the
 * first requests really are concurrent. Children get only the environment given, and die with us.
 */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  const started = Array.from({ length: options.count }, () => startWorker(options, children));
  try {
    const ready = await Promise.all(started);
    return {
      workers: ready.map((worker) => worker.handle),
      initMs: ready.map((worker) => worker.initMs),
      async stop() {
        const exits = children
          .filter((child) => child.exitCode === null && child.signalCode === null)
          .map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
        killAll();
        await Promise.all(exits);
        process.off('exit', killAll);
      },
    };
  } catch (error) {
    killAll();
    process.off('exit', killAll);
    throw error;
  }
}

function startWorker(
  options: WorkerPoolOptions,
  children: ChildProcess[],
): Promise<{ handle: WorkerHandle; initMs: number }> {
  const child = fork(options.bundle, [], {
    execPath: options.node,
    execArgv: [],
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  children.push(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let pending: ((reply: WorkerReply | LoadReply) => void) | undefined;
  let failPending: ((error: Error) => void) | undefined;
  // The worker answers each request with the reply of its kind: a read or write with a WorkerReply, a
  // load with a LoadReply.
  const ask = <Reply extends WorkerReply | LoadReply>(request: WorkerRequest | LoadRequest) =>
    new Promise<Reply>((resolve, reject) => {
      if (pending) throw new Error('a worker serves one request at a time');
      pending = resolve as (reply: WorkerReply | LoadReply) => void;
      failPending = reject;
      child.send(request);
    });
  const handle: WorkerHandle = {
    call: (request) => ask<WorkerReply>(request),
    load: (request) => ask<LoadReply>(request),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`a worker took over ${INIT_TIMEOUT_MS} ms to start`)),
      INIT_TIMEOUT_MS,
    );
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ handle, initMs: message.initMs });
      } else if (message.type === 'init-error') {
        clearTimeout(timer);
        reject(new Error(`worker init failed: ${message.message}`));
      } else {
        const answer = pending;
        pending = undefined;
        failPending = undefined;
        answer?.(message);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const error = new Error(`worker exited (code ${code}, signal ${signal}): ${output}`);
      failPending?.(error);
      reject(error);
    });
  });
}
