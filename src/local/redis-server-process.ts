import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { findFreePort } from './free-port.js';

const READY_LINE = 'Ready to accept connections';
const START_TIMEOUT_MS = 10_000;
const OUTPUT_TAIL_CHARS = 2_000;
// A free port can be taken between probing and binding; a few fresh ports settle that race.
const MAX_PORT_ATTEMPTS = 5;

export interface RedisServerOptions {
  /** Bind this port instead of a free one (e.g. to restart a server where clients expect it). */
  readonly port?: number;
  /** Extra redis-server arguments, e.g. ['--cluster-enabled', 'yes'] or ['--requirepass', 'x']. */
  readonly args?: readonly string[];
}

export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Kills the server and resolves once it has exited; safe to call more than once. */
  stop(): Promise<void>;
}

/** True when a `redis-server` binary is on PATH. */
export function isRedisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Starts a throwaway `redis-server` on 127.0.0.1 (no persistence) and waits until it accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
  const attempts = options.port === undefined ? MAX_PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      return await spawnRedisServer(port, options.args ?? []);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function spawnRedisServer(port: number, extraArgs: readonly string[]): Promise<RedisServerProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    ...extraArgs,
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A server must not outlive the process that started it, also when that process exits on an error.
  // (Ctrl+C reaches the child directly: it shares the terminal's process group.)
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGKILL also ends a server frozen with SIGSTOP, and there is nothing to persist.
      child.kill('SIGKILL');
    }
    await exited;
  };

  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const timer = setTimeout(() => fail('did not become ready in time'), START_TIMEOUT_MS);
    const onOutput = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
      if (!settled && output.includes(READY_LINE)) {
        settled = true;
        clearTimeout(timer);
        resolve({ port, url: `redis://127.0.0.1:${port}`, child, stop });
      }
    };
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop().then(() =>
        reject(new Error(`redis-server on port ${port} ${reason}: ${output.trim() || '(no output)'}`)),
      );
    };
    // Keep draining both pipes for the server's whole life so it never blocks on a full pipe.
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}
