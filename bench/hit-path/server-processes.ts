import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ServerProcess {
  readonly url: string;
  /** The server's own process (Node runs it directly, no shell or npm in between). */
  readonly pid: number;
  /** The server's stdout (EMF documents for Aside), for the caller to read. */
  readonly stdout: Readable;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * A server in a process of its own (so it has its own event loop, as in production), ready once `stream`
 * prints a line that `ready` finds the URL in.
 */
export function startServerProcess(
  node: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  readyOn: 'stdout' | 'stderr',
  ready: RegExp,
): Promise<ServerProcess> {
  const child = spawn(node, ['--no-warnings', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const watched = readyOn === 'stdout' ? child.stdout : child.stderr;
  const other = readyOn === 'stdout' ? child.stderr : child.stdout;
  other.resume();
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('the server did not start in time')), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output.slice(-2000)}`));
    };
    child.once('exit', (code) => fail(new Error(`the server exited (code ${code})`)));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = ready.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      watched.off('data', onData);
      if (readyOn === 'stderr') watched.resume();
      resolve({ url, pid: child.pid as number, stdout: child.stdout, stop: () => stop(child, killOnExit) });
    };
    watched.on('data', onData);
  });
}

/** SIGTERM (Aside's server flushes its metrics and stops its parts), SIGKILL after a grace period. */
function stop(child: ChildProcess, killOnExit: () => void): Promise<void> {
  process.off('exit', killOnExit);
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const grace = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(grace);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
