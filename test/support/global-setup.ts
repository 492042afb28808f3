import { spawnSync } from 'node:child_process';

/** Fails the run up front, in plain words, when a tool the tests start is missing. */
export default function checkPrerequisites(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server is not on PATH. The tests start their own Redis servers on free ports.\n' +
        'Install it: apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS).',
    );
  }
}
