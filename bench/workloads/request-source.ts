import type { ProductAttributes } from '../systems/system-adapter.js';
import type { WorkerReply, WorkerRequest } from '../workers/worker-messages.js';

export interface PlannedRequest {
  readonly request: WorkerRequest;
  /** For a read: the newest write of its id acknowledged before it was sent. */
  readonly minimumSeq: number;
}

// One counter for the whole run, so a write always outranks every earlier one, whichever system made it.
let lastSeq = 0;

/**
 * Reads of ids drawn by `nextId`, with a share of writes mixed in. A write carries a new `benchSeq`;
 * once acknowledged, a read of that id sent afterwards must not return an older one. At most one write
 * per id is in flight, so DynamoDB's last writer is always the newest acknowledged one.
 */
export class RequestSource {
  readonly #acknowledged = new Map<string, number>();
  readonly #writing = new Set<string>();

  constructor(
    private readonly nextId: () => string,
    private readonly writeFraction = 0,
    private readonly random: () => number = Math.random,
  ) {}

  next(): PlannedRequest {
    const id = this.nextId();
    if (this.writeFraction > 0 && this.random() < this.writeFraction && !this.#writing.has(id)) {
      this.#writing.add(id);
      lastSeq += 1;
      return { request: { type: 'write', id, attributes: writeAttributes(id, lastSeq) }, minimumSeq: 0 };
    }
    return { request: { type: 'read', id }, minimumSeq: this.#acknowledged.get(id) ?? 0 };
  }

  settle(planned: PlannedRequest, reply: WorkerReply): void {
    const { request } = planned;
    if (request.type !== 'write') return;
    this.#writing.delete(request.id);
    const seq = request.attributes.benchSeq as number;
    if (reply.status >= 200 && reply.status < 300) {
      this.#acknowledged.set(request.id, Math.max(seq, this.#acknowledged.get(request.id) ?? 0));
    }
  }
}

function writeAttributes(id: string, seq: number): ProductAttributes {
  return { name: `Benchmark item ${id}`, price: seq % 1000, currency: 'USD', benchSeq: seq };
}
