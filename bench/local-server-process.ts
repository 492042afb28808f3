import { type ChildProcess, spawn } from 'node:child_process';
import { EmfTotals } from './emf-totals.js';

export interface LocalServerProcess {
  readonly url: string;
  /** The server's EMF metrics (hits, misses, DynamoDB read units), summed as it writes them. */
  readonly metrics: EmfTotals;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * `npm start` in a child process, so the server has its own event loop (and core) and the load
 * generator in this process does not share it. Its stdout carries the EMF metrics, as on Lambda.
 */
export function startLocalServer(
  env: Record<string, string>,
  node: string = process.execPath,
): Promise<LocalServerProcess> {
  const child = spawn(node, ['--no-warnings', '--import', 'tsx', 'src/local/start.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const metrics = new EmfTotals();
  if (child.stdout) metrics.follow(child.stdout);
  return new Promise((resolve, reject) => {
    let banner = '';
    const timer = setTimeout(
      () => fail(new Error(`server did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${banner}`));
    };
    child.once('exit', (code) => fail(new Error(`server exited with code ${code}`)));
    const onOutput = (chunk: Buffer) => {
      banner += chunk.toString();
      const match = banner.match(/API\s+(http:\/\/[\d.:]+)\/product/);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stderr?.off('data', onOutput).resume();
      resolve({ url: match[1], metrics, stop: () => stopChild(child) });
    };
    child.stderr?.on('data', onOutput);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
