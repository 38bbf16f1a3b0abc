/**
 * The sizes the engine accepts, in one place (README, "Limits"), and the checks that hold a
 * graph to them before anything is allocated. A graph that passes them can still be too
 * large for the machine: the run driver measures the same estimate against the memory the
 * backend has (engine/run/memory.ts) before it allocates, and the runtime's largest single
 * allocations check `ensureTensorFits` once more at the point they are made.
 *
 * Every refusal names the node and the path in the file, says what the graph would need
 * and what the limit is, so the fix is obvious. The checks themselves are in
 * limit-checks.ts; this file imports nothing, so the runtime's allocation guards can use it.
 */

export const LIMITS = {
  /** Nodes, edges and comments in one graph file. */
  nodes: 10_000,
  edges: 50_000,
  comments: 10_000,
  /** Units of one layer (a 4096×4096 grid, or 64 channels of 512×512). */
  layerUnits: 2 ** 24,
  /** Values of any one tensor the engine makes: a parameter, a mask, a layer's state for a batch (1 GiB of float32). */
  tensorValues: 2 ** 28,
  /** All free and fixed parameters of a graph together (2 GiB of float32). */
  parameterValues: 2 ** 29,
  /** Multiply-adds ×2 of one settle iteration for one example (≈ 1.7·10¹⁰: seconds per iteration on a CPU). */
  flopsPerExample: 2 ** 34,
  /** Examples settled together (settle.batch, --batch). */
  settleBatch: 4096,
  /** Examples per training batch (training.batch, --batch). */
  trainBatch: 65_536,
  /** Iterations of a settle, of a training unroll and of the adjoint series. */
  steps: 1_000_000,
  /** Values one dataset holds in memory (examples × values per example; 1 GiB of float32). */
  datasetValues: 2 ** 28,
  /** Bytes of one data file read whole (IDX, PNG; an IDX after gunzip). */
  fileBytes: 2 ** 30,
  /** Bytes of a CSV file (read as text; V8 strings hold at most about 2²⁹ characters). */
  textFileBytes: 2 ** 28,
  /** PNG files in one png-folder dataset. */
  folderFiles: 100_000,
  /** Pixels of one PNG image (a 4096×4096 picture). */
  imagePixels: 2 ** 24,
} as const;

/** A size the engine refuses, found at the point of allocation (after the plan checks passed): the user's input, not a bug. */
export class LimitError extends Error {
  override name = 'LimitError';
}

export const countText = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : String(v));

/** Bytes as a person reads them: "1.5 GiB". */
export function bytesText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (!Number.isFinite(v) || u === units.length - 1) return `${v.toExponential(1)} ${units[u]}`;
  return u === 0 ? `${Math.round(v)} bytes` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Refuses a single tensor of `values` float32 values before it is made; `what` says which, in the user's terms. */
export function ensureTensorFits(values: number, what: string): void {
  if (!(values <= LIMITS.tensorValues)) {
    throw new LimitError(`${what} would hold ${countText(values)} values (${bytesText(values * 4)}); one tensor holds at most ${countText(LIMITS.tensorValues)} (${bytesText(LIMITS.tensorValues * 4)})`);
  }
}
