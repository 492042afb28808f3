import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ): 100 on the Linux builds Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in µs, or undefined where there is no /proc (not
 * Linux). On a busy machine a server's CPU per request is steadier than its throughput, which also depends
 * on how much of the machine the other processes leave it.
 */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count from its closing parenthesis. utime and stime are
    // fields 14 and 15, so the 12th and 13th after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU used across load blocks, per request served: start() before a block, stop(requests) after it. */
export class CpuPerRequest {
  #micros = 0;
  #requests = 0;
  #startedAt: number | undefined;
  #measurable = true;

  constructor(private readonly pid: number) {}

  start(): void {
    this.#startedAt = processCpuMicros(this.pid);
  }

  stop(requests: number): void {
    const now = processCpuMicros(this.pid);
    if (this.#startedAt === undefined || now === undefined) this.#measurable = false;
    else this.#micros += now - this.#startedAt;
    this.#requests += requests;
  }

  /** µs per request, or undefined when a reading was missing. */
  get microsPerRequest(): number | undefined {
    return this.#measurable && this.#requests > 0 ? this.#micros / this.#requests : undefined;
  }
}
