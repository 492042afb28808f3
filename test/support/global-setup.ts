import { spawnSync } from 'node:child_process';

/** Stops the run up front, in plain words, when a tool the tests start is missing. */
export default function checkPrerequisites(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    // Exiting here, not throwing, keeps vitest from burying the message under a stack trace.
    process.stderr.write(
      '\nnpm test needs redis-server on PATH: the tests start their own Redis servers on free ports.\n' +
        'Install it: apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS).\n\n',
    );
    process.exit(1);
  }
}
