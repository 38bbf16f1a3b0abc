/**
 * The interleaved benchmark's coordinator: starts every side of one example (each a
 * long-lived process with its net and data loaded), warms each up once, then runs rounds
 * in which every side in turn trains a few batches and settles a few batches while the
 * others wait. A side that fails is dropped with its reason; the others go on. After the
 * rounds every side has trained the same number of batches, so the held-out MSEs compare.
 */
import type { BatchSample, MemoryResult, QualityResult, SettleResult, SettleSample, SideInfo, TensorCount, TrainResult } from './protocol.js';
import type { MemoryTable } from '../suite.js';
import { startAnotherRound, turnOrder, type RoundBudget } from './schedule.js';
import { SideProcess, type SideCommand } from './side-process.js';

export interface SideSpec {
  /** Short name in tables: wasm, wasm×2, webgpu, tensorflow, ref-1t, ref-2t, ref-cuda. */
  readonly id: string;
  readonly implementation: 'ours' | 'reference';
  readonly command: SideCommand;
}

export interface RoundsPlan {
  readonly warmupBatches: number;
  readonly warmupSettles: number;
  readonly batchesPerTurn: number;
  readonly settlesPerTurn: number;
  readonly budget: RoundBudget;
  /** Longest a side may take to load before it is given up (lavapipe compiles shaders slowly). */
  readonly startTimeoutMs: number;
  /** Longest one request may take. */
  readonly requestTimeoutMs: number;
  /** Ask each side for its memory peak at the end (ours run one more, untimed, profiled batch). */
  readonly memory: boolean;
  /** The side (ours) asked for the memory-versus-T table at the very end, if any. */
  readonly memoryTableFrom?: string;
}

export interface Turn {
  readonly batches: BatchSample[];
  readonly settles: SettleSample[];
  /** Live tensors after the turn (ours). */
  readonly tensors?: TensorCount;
}

export interface SideRun {
  readonly id: string;
  readonly implementation: 'ours' | 'reference';
  info?: SideInfo;
  /** Why the side did not start, or stopped (its rounds until then are kept). */
  failed?: string;
  warmup?: Turn;
  /** rounds[r]: this side's turn in round r (absent once it failed). */
  readonly rounds: Turn[];
  trained: number;
  quality?: QualityResult;
  memory?: MemoryResult;
}

export interface InterleavedRun {
  readonly sides: SideRun[];
  readonly rounds: number;
  readonly seconds: number;
  readonly plan: RoundsPlan;
  readonly memoryTable?: { readonly side: string; readonly table?: MemoryTable; readonly error?: string };
}

type Live = { run: SideRun; process: SideProcess };

export async function runInterleaved(specs: readonly SideSpec[], plan: RoundsPlan, progress: (line: string) => void): Promise<InterleavedRun> {
  const started = performance.now();
  const runs: SideRun[] = specs.map((s) => ({ id: s.id, implementation: s.implementation, rounds: [], trained: 0 }));
  // Sides load in parallel: nothing is timed yet.
  const live: Live[] = [];
  await Promise.all(
    specs.map(async (spec, i) => {
      try {
        const { side, info } = await SideProcess.start(spec.id, spec.command, plan.startTimeoutMs);
        runs[i].info = info;
        live.push({ run: runs[i], process: side });
        progress(`${spec.id}: ${info.detail}`);
      } catch (err) {
        runs[i].failed = reason(err, spec.id);
        progress(`${spec.id}: not run (${runs[i].failed})`);
      }
    }),
  );
  // Keep the order of the specs (the start order was a race).
  live.sort((a, b) => runs.indexOf(a.run) - runs.indexOf(b.run));
  try {
    for (const side of [...live]) {
      const warm = await turn(side, plan.warmupBatches, plan.warmupSettles, plan.requestTimeoutMs);
      if (warm) side.run.warmup = warm;
      else drop(live, side, progress);
    }
    let rounds = 0;
    let slowest = 0;
    const roundsStarted = performance.now();
    while (live.length > 0 && startAnotherRound(plan.budget, rounds, performance.now() - roundsStarted, slowest)) {
      const t0 = performance.now();
      for (const side of turnOrder([...live], rounds)) {
        const t = await turn(side, plan.batchesPerTurn, plan.settlesPerTurn, plan.requestTimeoutMs);
        if (t) side.run.rounds.push(t);
        else drop(live, side, progress);
      }
      rounds++;
      slowest = Math.max(slowest, performance.now() - t0);
      progress(`round ${rounds}: ${live.map((s) => `${s.run.id} ${roundMedian(s.run.rounds[rounds - 1])}`).join(', ')} (${((performance.now() - t0) / 1e3).toFixed(1)} s)`);
    }
    for (const side of [...live]) {
      try {
        side.run.quality = await side.process.request<QualityResult>({ op: 'quality' }, plan.requestTimeoutMs);
      } catch (err) {
        side.run.failed = `held-out evaluation: ${reason(err, side.run.id)}`;
      }
    }
    if (plan.memory) {
      for (const side of live) {
        try {
          side.run.memory = await side.process.request<MemoryResult>({ op: 'memory' }, plan.requestTimeoutMs);
        } catch (err) {
          side.run.failed ??= `memory: ${reason(err, side.run.id)}`;
        }
      }
    }
    const memoryTable = plan.memoryTableFrom !== undefined ? await tableFrom(live, plan.memoryTableFrom, plan.requestTimeoutMs, progress) : undefined;
    return { sides: runs, rounds, seconds: (performance.now() - started) / 1e3, plan, ...(memoryTable ? { memoryTable } : {}) };
  } finally {
    await Promise.all(live.map((s) => s.process.close()));
  }
}

/** One turn of one side: its batches, then its settles; undefined (and `failed` set) when the side failed. */
async function turn(side: Live, batches: number, settles: number, timeoutMs: number): Promise<Turn | undefined> {
  try {
    const train = batches > 0 ? await side.process.request<TrainResult>({ op: 'train', batches }, timeoutMs) : undefined;
    if (train) side.run.trained = train.trained;
    const settle = settles > 0 ? await side.process.request<SettleResult>({ op: 'settle', settles }, timeoutMs) : undefined;
    const tensors = settle?.tensors ?? train?.tensors;
    return { batches: train?.samples ?? [], settles: settle?.samples ?? [], ...(tensors ? { tensors } : {}) };
  } catch (err) {
    side.run.failed = reason(err, side.run.id);
    return undefined;
  }
}

async function tableFrom(live: Live[], id: string, timeoutMs: number, progress: (line: string) => void): Promise<InterleavedRun['memoryTable']> {
  const side = live.find((s) => s.run.id === id);
  if (!side) return { side: id, error: 'the side is not running' };
  progress(`${id}: peak memory of one batch versus T (BPTT and recurrent backprop) ...`);
  try {
    return { side: id, table: await side.process.request<MemoryTable>({ op: 'memory-table' }, timeoutMs * 10) };
  } catch (err) {
    return { side: id, error: reason(err, id) };
  }
}

function drop(live: Live[], side: Live, progress: (line: string) => void): void {
  live.splice(live.indexOf(side), 1);
  side.process.kill();
  progress(`${side.run.id}: stopped (${side.run.failed})`);
}

function roundMedian(t: Turn | undefined): string {
  if (!t || t.batches.length === 0) return '-';
  const ms = t.batches.map((b) => b.ms).sort((a, b) => a - b);
  return `${ms[Math.floor(ms.length / 2)].toFixed(0)} ms`;
}

/** The error without the side's name in front (the tables name the side already). */
function reason(err: unknown, id: string): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.startsWith(`${id}: `) ? text.slice(id.length + 2) : text.startsWith(`${id} `) ? text.slice(id.length + 1) : text;
}
