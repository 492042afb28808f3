import { startLocalStack } from './local-stack.js';

/** `npm start`: the whole product on this machine; Ctrl-C stops every part it started. */
const stack = await startLocalStack();

process.stderr.write(`\nAside is running locally:\n`);
const nameWidth = Math.max(...stack.parts.map((part) => part.name.length)) + 1;
for (const part of stack.parts) process.stderr.write(`  ${part.name.padEnd(nameWidth)} ${part.where}\n`);
process.stderr.write(`\nTry: curl -i ${stack.url}/product/prod-0001\nCtrl-C stops everything.\n\n`);

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
