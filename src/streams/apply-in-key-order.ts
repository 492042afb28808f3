/** One unit of work of a batch, named by its key; `position` is its place in the batch. */
export interface KeyedStep {
  readonly key: string;
  readonly position: number;
  run(): Promise<void>;
}

/**
 * Runs the steps of each key strictly in batch order, and different keys concurrently, at most
 * `concurrency` keys at a time, earliest keys first. No step after the earliest failure so far is
 * started: a later step of the failed key must not be applied before the failed one is retried, and
 * those of other keys are delivered again anyway, since Lambda retries the batch from that failure.
 * Resolves with the position of the earliest failed step, or undefined when every step succeeded;
 * `onFailure` hears each failure.
 */
export async function applyInKeyOrder(
  steps: readonly KeyedStep[],
  concurrency: number,
  onFailure: (step: KeyedStep, error: unknown) => void,
): Promise<number | undefined> {
  const chains = new Map<string, KeyedStep[]>();
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const chain = chains.get(step.key);
    if (chain) chain.push(step);
    else chains.set(step.key, [step]);
  }
  const queue = [...chains.values()];
  let earliestFailure: number | undefined;

  const runChain = async (chain: readonly KeyedStep[]) => {
    for (const step of chain) {
      if (earliestFailure !== undefined && step.position > earliestFailure) return;
      try {
        await step.run();
      } catch (error) {
        onFailure(step, error);
        earliestFailure = Math.min(earliestFailure ?? step.position, step.position);
      }
    }
  };
  const worker = async () => {
    for (let chain = queue.shift(); chain; chain = queue.shift()) await runChain(chain);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), queue.length) }, worker));
  return earliestFailure;
}
