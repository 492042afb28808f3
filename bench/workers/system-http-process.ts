import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { HTTP_MODE_VARIABLE, HTTP_READY_PREFIX } from './worker-messages.js';

export interface SystemHttpProcess {
  readonly url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** A system's bundle serving HTTP in a process of its own: one process, many requests at once. */
export function startSystemHttpProcess(
  bundle: string,
  node: string,
  env: Readonly<Record<string, string>>,
): Promise<SystemHttpProcess> {
  const child = spawn(node, [bundle], {
    env: { ...env, [HTTP_MODE_VARIABLE]: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the system did not start serving in time')),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`the system exited early (code ${code})`)));
    const lines = createInterface({ input: child.stdout as Readable });
    lines.on('line', (line) => {
      if (!line.startsWith(HTTP_READY_PREFIX)) return;
      clearTimeout(timer);
      resolve({
        url: line.slice(HTTP_READY_PREFIX.length),
        async stop() {
          process.off('exit', killOnExit);
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
