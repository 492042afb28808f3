import { spawnSync } from 'node:child_process';

/** What the tests start or call, and how a fresh machine gets it. */
const PREREQUISITES = [
  {
    command: 'redis-server',
    probe: ['--version'],
    why: 'the tests start their own Redis servers on free ports',
    install: 'apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS)',
  },
  {
    command: 'openssl',
    probe: ['version'],
    why: 'the TLS tests make their own certificates',
    install: 'apt-get install openssl (Debian/Ubuntu); macOS ships it',
  },
];

/** Stops the run up front, in plain words, when a tool the tests need is missing. */
export default function checkPrerequisites(): void {
  const missing = PREREQUISITES.filter(
    ({ command, probe }) => spawnSync(command, probe, { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length === 0) return;
  // Exiting here, not throwing, keeps vitest from burying the message under a stack trace.
  for (const { command, why, install } of missing) {
    process.stderr.write(`\nnpm test needs ${command} on PATH: ${why}.\nInstall it: ${install}.\n`);
  }
  process.stderr.write('\n');
  process.exit(1);
}
