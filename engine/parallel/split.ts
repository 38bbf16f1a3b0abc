/** How a batch is cut into shards for the cores. */

/** Split a batch into `n` contiguous shards of near-equal size (the first ones one larger). */
export function splitBatch(indices: readonly number[], n: number): number[][] {
  const out: number[][] = [];
  let at = 0;
  for (let k = 0; k < n; k++) {
    const size = Math.floor(indices.length / n) + (k < indices.length % n ? 1 : 0);
    out.push(indices.slice(at, at + size));
    at += size;
  }
  return out.filter((s) => s.length > 0);
}
