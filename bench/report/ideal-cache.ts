/**
 * The share of reads a perfect TTL cache would still send to DynamoDB under independent Zipf reads:
 * item i, read `w·p_i` times per TTL, misses once per TTL plus the wait for its next read, so its miss
 * share is 1 / (1 + w·p_i). Used to read measured figures against the TTL they were scaled to.
 */
export function idealMissRatio(readsPerTtl: number, itemCount: number, exponent: number): number {
  let total = 0;
  for (let rank = 1; rank <= itemCount; rank++) total += 1 / rank ** exponent;
  let missRatio = 0;
  for (let rank = 1; rank <= itemCount; rank++) {
    const p = 1 / rank ** exponent / total;
    missRatio += p / (1 + readsPerTtl * p);
  }
  return missRatio;
}
