import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

/** How long `npm start` may take to seed dynalite, start redis-server and listen, on a busy machine. */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

interface StartProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal), or rejects after `ms`. */
  exited(ms: number): Promise<number | null>;
}

const started: ChildProcess[] = [];

/** `npm start` as a user runs it, but without npm in between: the signals reach start.ts itself. */
function startAside(env: Record<string, string>): StartProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The embedded parts, whatever this machine's shell has set; and start.ts must silence the SDK's
  // Node version warning on its own, so the test does not set that variable for it.
  for (const name of [
    'TABLE_NAME',
    'REDIS_URL',
    'DYNAMODB_ENDPOINT',
    'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  ]) {
    delete childEnv[name];
  }
  // Its own process group, so afterEach can also kill the redis-server child if a test fails midway.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/start.ts'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close', not 'exit': the output is complete only once the pipes have closed.
  const closed = once(child, 'close').then(([code]) => code as number | null);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: (ms) => withTimeout(closed, ms, () => `did not exit within ${ms} ms\nstderr: ${stderr}`),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitFor(condition: () => boolean, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start (src/local/start.ts) as a process', () => {
  let held: Server | undefined;

  afterEach(async () => {
    for (const child of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(-child.pid, 'SIGKILL');
      }
    }
    if (held) await new Promise<void>((resolve) => held?.close(() => resolve()));
    held = undefined;
  });

  it('exits with code 1 and one plain line naming the port when the port is taken', async () => {
    held = createServer();
    held.listen(0, '127.0.0.1');
    await once(held, 'listening');
    const address = held.address();
    if (address === null || typeof address === 'string') throw new Error('no port held');
    const port = address.port;

    const aside = startAside({ PORT: String(port), HOST: '127.0.0.1' });

    expect(await aside.exited(START_TIMEOUT_MS)).toBe(1);
    const lines = aside.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${port}`);
    expect(lines[0]).toContain('already in use');
    expect(lines[0]).toContain('PORT=3001 npm start');
    expect(aside.stderr()).not.toMatch(/^\s+at /m);
    expect(aside.stdout()).not.toContain('listening on');
  });

  it('prints the listening line on stdout, answers there, and stops on SIGTERM', async () => {
    const aside = startAside({ PORT: '0', HOST: '127.0.0.1' });
    const listening = /^Aside listening on (http:\/\/127\.0\.0\.1:\d+)$/m;
    await waitFor(
      () => listening.test(aside.stdout()) || aside.child.exitCode !== null,
      START_TIMEOUT_MS,
      () =>
        `no listening line within ${START_TIMEOUT_MS} ms\nstdout: ${aside.stdout()}\nstderr: ${aside.stderr()}`,
    );
    const url = aside.stdout().match(listening)?.[1];
    expect(url, aside.stderr()).toBeDefined();

    const response = await fetch(`${url}/product/prod-0001`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
    // The parts list is still there, on stderr.
    expect(aside.stderr()).toContain('Aside is running locally:');
    expect(aside.stderr()).toMatch(/^ {2}API\s+http:\/\/127\.0\.0\.1:\d+\/product\/\{productId\}$/m);

    aside.child.kill('SIGTERM');
    expect(await aside.exited(STOP_TIMEOUT_MS)).toBe(0);
    expect(aside.stderr()).not.toContain('NodeVersionSupportWarning');
    expect(aside.stderr()).not.toMatch(/^\s+at /m);
  });
});
