/**
 * Whether a run fits the memory its backend has, decided before the first tensor is made.
 * The plan's limits (compile/limits.ts) bound each size alone; this adds the parts a run
 * holds at once (compile/limit-checks.ts `estimateRun`, deliberately generous) and compares
 * them with what the backend can hold: wasm addresses at most 4 GiB, and no backend more
 * than the machine's memory. A refusal names the largest parts, their nodes and paths, so
 * the fix (fewer examples together, smaller layers) is plain.
 */
import { totalmem } from 'node:os';
import { pathText } from '../../nodes/problems.js';
import type { BackendName } from '../backend/select.js';
import { estimateRun, totalBytes, type RunNeeds } from '../compile/limit-checks.js';
import { bytesText, countText } from '../compile/limits.js';
import type { Plan } from '../compile/plan.js';
import { RunInputError } from './input-error.js';

/** wasm32: tfjs-backend-wasm's heap grows to at most 4 GiB. */
const WASM_BYTES = 2 ** 32;

/** What a run on `backend` may allocate in all: the smaller of what the backend addresses and most of the machine's memory. */
export function backendMemoryBytes(backend: BackendName, machine: number = totalmem()): number {
  const usable = Math.floor(machine * 0.8);
  return backend === 'wasm' ? Math.min(WASM_BYTES, usable) : usable;
}

/** What a run is doing, for the message: "settling 4,096 examples together". */
export function doingText(verb: string, batch: number): string {
  return `${verb} ${countText(batch)} example${batch === 1 ? '' : 's'} together`;
}

/** Refuses a run of `plan` that would need more than `available` bytes; `doing` says what the run is ("settling 4,096 examples"). */
export function ensureRunFits(plan: Plan, needs: RunNeeds, backend: BackendName, doing: string, available: number = backendMemoryBytes(backend)): void {
  const items = estimateRun(plan, needs);
  const need = totalBytes(items);
  if (need <= available) return;
  // The parts that matter: the largest, and any other of at least a tenth of the need.
  const largest = items.filter((i, k) => k === 0 || i.bytes >= need / 10).slice(0, 3).map((i) => {
    const where = i.nodeId !== undefined ? ` (node "${i.nodeId}"${i.path && i.path.length > 0 ? `, ${pathText(i.path)}` : ''})` : '';
    return `${i.what}: ${bytesText(i.bytes)}${where}`;
  });
  throw new RunInputError(
    `${doing} would need about ${bytesText(need)}, more than the ${backend} backend can hold (${bytesText(available)}); largest: ${largest.join('; ')}. Use fewer examples together or smaller layers`,
  );
}
