import { performance } from 'node:perf_hooks';

/** One read as the client saw it. Times are ms on the drill's clock (performance.now()). */
export interface DrillResponse {
  readonly id: string;
  readonly startedAtMs: number;
  readonly latencyMs: number;
  /** 0 when no HTTP answer came (connection error, or the client gave up). */
  readonly status: number;
  readonly xCache: string | null;
  readonly retryAfter: string | null;
  /** The JSON body's `message`, when there is one (errors and 404s). */
  readonly message: string | undefined;
  /** Why no HTTP answer came. */
  readonly error: string | undefined;
}

/** A read that takes this long is a hang: it is recorded as an error rather than awaited further. */
const GIVE_UP_MS = 15_000;

/**
 * `concurrency` loops, each reading one id after another (the ids taken in turn from a list that can
 * grow), recording every answer. Reads go over real HTTP with keep-alive, as a load balancer would.
 */
export class DrillLoad {
  readonly responses: DrillResponse[] = [];
  readonly #url: string;
  readonly #ids: string[];
  readonly #loops: Promise<void>[];
  #next = 0;
  #stopped = false;

  constructor(url: string, concurrency: number, ids: readonly string[]) {
    this.#url = url;
    this.#ids = [...ids];
    this.#loops = Array.from({ length: concurrency }, () => this.#loop());
  }

  /** From now on, these ids are read too. */
  add(ids: readonly string[]): void {
    this.#ids.push(...ids);
  }

  /** Stops starting reads and waits for those in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const id = this.#ids[this.#next++ % this.#ids.length] as string;
      this.responses.push(await this.#read(id));
    }
  }

  async #read(id: string): Promise<DrillResponse> {
    const startedAtMs = performance.now();
    const answered = (fields: Omit<DrillResponse, 'id' | 'startedAtMs' | 'latencyMs'>): DrillResponse => ({
      id,
      startedAtMs,
      latencyMs: performance.now() - startedAtMs,
      ...fields,
    });
    try {
      const response = await fetch(`${this.#url}/product/${id}`, { signal: AbortSignal.timeout(GIVE_UP_MS) });
      const body = (await response.json()) as { message?: unknown };
      return answered({
        status: response.status,
        xCache: response.headers.get('x-cache'),
        retryAfter: response.headers.get('retry-after'),
        message: typeof body.message === 'string' ? body.message : undefined,
        error: undefined,
      });
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return answered({ status: 0, xCache: null, retryAfter: null, message: undefined, error: reason });
    }
  }
}
