import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface DynamoDbProcess {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/** Starts bench/infra/dynamodb-child.ts and resolves once its table holds the catalog. */
export function startDynamoDbProcess(tableName: string, catalogSize: number): Promise<DynamoDbProcess> {
  const child = fork('bench/infra/dynamodb-child.ts', [tableName, String(catalogSize)], {
    execArgv: ['--no-warnings', '--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dynalite did not start in time')), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`dynalite exited early (code ${code})`)));
    createInterface({ input: child.stdout as Readable }).once('line', (line) => {
      clearTimeout(timer);
      const { endpoint } = JSON.parse(line) as { endpoint: string };
      resolve({
        endpoint,
        async stop() {
          process.off('exit', killOnExit);
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
