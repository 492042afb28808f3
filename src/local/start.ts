import { ConfigError } from '../config/config.js';
import type { LocalStack } from './local-stack.js';

// On Node 20, which the README supports, AWS SDK v3 prints a 10-line NodeVersionSupportWarning
// (it will require Node 22 from 2027). This is its documented opt-out for that warning alone
// (aws/aws-sdk-js-v3#7983); other warnings still show. It must be set before the SDK loads, hence
// the dynamic import below; a value the user sets (e.g. `false` to see it) wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startLocalStack } = await import('./local-stack.js');

/** `npm start`: the whole product on this machine; Ctrl-C stops every part it started. */
let stack: LocalStack;
try {
  stack = await startLocalStack();
} catch (error) {
  const message = startFailureMessage(error);
  if (message === undefined) throw error; // an unforeseen failure keeps its stack trace
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

process.stderr.write(`\nAside is running locally:\n`);
const nameWidth = Math.max(...stack.parts.map((part) => part.name.length)) + 1;
for (const part of stack.parts) process.stderr.write(`  ${part.name.padEnd(nameWidth)} ${part.where}\n`);
process.stderr.write(
  `\nTry: curl -i ${stack.url}/product/prod-0001\n     curl -s ${stack.url}/health\nCtrl-C stops everything.\n\n`,
);
// On stdout, so a script or a supervisor can wait for this one line.
process.stdout.write(`Aside listening on ${stack.url}\n`);

let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\n${signal}: stopping Aside…\n`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

/** One line for the failures a user causes and can fix (a taken port, a bad HOST or variable); else undefined. */
function startFailureMessage(error: unknown): string | undefined {
  if (error instanceof ConfigError) return `Aside cannot start: ${error.message}`;
  const listen = error as NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string };
  switch (listen?.code) {
    case 'EADDRINUSE': {
      const port = listen.port ?? 3000;
      const other = port === 3001 ? 3002 : 3001;
      return `Aside cannot start: port ${port} on ${listen.address} is already in use; choose another port with PORT=${other} npm start`;
    }
    case 'EACCES':
      return `Aside cannot start: no permission to listen on port ${listen.port} (ports below 1024 need privileges); choose another port with PORT=3001 npm start`;
    case 'EADDRNOTAVAIL':
      return `Aside cannot start: HOST ${listen.address} is not an address of this machine; leave HOST unset for 127.0.0.1, or HOST=0.0.0.0 for every interface`;
    case 'ENOTFOUND':
      return `Aside cannot start: HOST ${listen.hostname} does not resolve; leave HOST unset for 127.0.0.1, or HOST=0.0.0.0 for every interface`;
    default:
      return undefined;
  }
}
