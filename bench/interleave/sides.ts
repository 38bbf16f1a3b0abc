/**
 * Which sides one example's rounds have, and the command that starts each: ours on every
 * backend asked for (by default each one that runs here: tensorflow where it loads,
 * webgpu on a hardware adapter, wasm, and wasm with each batch split across the cores),
 * and the PyTorch reference with 1 and 2 threads (and CUDA where torch sees a GPU).
 * A side that cannot run says why when it starts; nothing is decided here by guessing.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '../../engine/backend/select.js';
import { workerCount } from '../../engine/run/train-setup.js';
import type { TrainingConfig } from '../../nodes/config.js';
import type { BenchExample } from '../examples.js';
import type { BenchOptions } from '../options.js';
import type { SideSpec } from './coordinator.js';

export interface ReferenceSetup {
  readonly available: boolean;
  readonly reason?: string;
  readonly python?: string;
  readonly dir?: string;
  /** The digits file the reference reads (export_mnist.js layout). */
  readonly mnist?: string;
  readonly torch?: string;
  readonly cuda?: boolean;
}

export interface SideContext {
  readonly root: string;
  readonly example: BenchExample;
  /** The example's training section with the run's overrides. */
  readonly training: TrainingConfig;
  readonly options: BenchOptions;
  readonly reference: ReferenceSetup;
}

/** The side that splits each batch across cores is named after its backend: "wasm×2". */
export function splitSideId(backend: BackendName, workers: number): string {
  return `${backend}×${workers + 1}`;
}

export function sideSpecs(ctx: SideContext): { specs: SideSpec[]; notRun: { id: string; reason: string }[] } {
  const { root, example, training, options } = ctx;
  const specs: SideSpec[] = [];
  const notRun: { id: string; reason: string }[] = [];
  const auto = options.backends === 'auto';
  const backends: readonly BackendName[] = auto ? ['tensorflow', 'webgpu', 'wasm'] : (options.backends as readonly BackendName[]);
  const ours = (id: string, backend: BackendName, extra: string[]): SideSpec => ({
    id,
    implementation: 'ours',
    command: {
      command: process.execPath,
      args: [
        join(root, 'dist', 'bench-side.mjs'),
        '--example',
        join(root, example.file),
        '--backend',
        backend,
        '--method',
        options.method,
        ...(options.batch ? ['--batch', String(options.batch)] : []),
        ...(options.steps ? ['--steps', String(options.steps)] : []),
        ...extra,
      ],
    },
  });
  for (const backend of backends) {
    specs.push(ours(backend, backend, auto && backend === 'webgpu' ? ['--hardware-only'] : []));
    if (!options.split || (backend !== 'wasm' && backend !== 'cpu')) continue;
    const workers = workerCount('auto', backend, { ...training, method: options.method });
    if (workers > 0) specs.push(ours(splitSideId(backend, workers), backend, ['--workers', String(workers)]));
    else notRun.push({ id: `${backend}×2`, reason: `no core to spare (${availableParallelism()} cores, batch ${training.batch})` });
  }
  if (!options.reference) return { specs, notRun };
  const ref = ctx.reference;
  if (!example.referenceArch) {
    notRun.push({ id: 'reference', reason: `the reference has no ${example.name} net` });
    return { specs, notRun };
  }
  if (!ref.available || !ref.python || !ref.dir || !ref.mnist) {
    notRun.push({ id: 'reference', reason: ref.reason ?? 'unavailable' });
    return { specs, notRun };
  }
  const referenceSide = (id: string, threads: number, device: string): SideSpec => ({
    id,
    implementation: 'reference',
    command: {
      command: ref.python!,
      args: [
        join(root, 'bench', 'side', 'ref_side.py'),
        '--ref-dir',
        ref.dir!,
        '--arch',
        example.referenceArch!,
        '--threads',
        String(threads),
        '--device',
        device,
        '--batch-size',
        String(training.batch),
        '--steps',
        String(training.steps),
      ],
      env: { ...process.env, ATTRACTOR_REF_MNIST: ref.mnist },
    },
  });
  for (const threads of options.referenceThreads) specs.push(referenceSide(`ref-${threads}t`, threads, 'cpu'));
  if (ref.cuda) specs.push(referenceSide('ref-cuda', 1, 'cuda'));
  return { specs, notRun };
}
