/**
 * Data-parallel training on several cores: the main thread computes one shard of each
 * batch while each worker computes another, then the gradients are combined (weighted by
 * scored units, so the result is the gradient of the whole batch's loss) and applied once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { tf } from '../tf.js';
import { readValues } from '../runtime/readback.js';
import { endWorker } from '../worker-exit.js';
import type { FromWorker, InitMessage, ShardResult, ToWorker } from './messages.js';

/** The bundled worker: next to the CLI bundle, or in dist/ when running from source (tests). */
export function workerScript(): string | undefined {
  for (const rel of ['./train-worker.mjs', '../../dist/train-worker.mjs']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export class GradientPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: ShardResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: FromWorker) => {
        if (m.type !== 'grad' && m.type !== 'error') return;
        const waiter = m.id !== undefined ? this.pending.get(m.id) : undefined;
        if (!waiter) return;
        this.pending.delete(m.id!);
        if (m.type === 'error') waiter.reject(new Error(`gradient worker: ${m.message}`));
        else waiter.resolve(m);
      });
      w.on('error', (err) => this.failAll(err));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  static async start(count: number, init: Omit<InitMessage, 'type'>): Promise<GradientPool> {
    const script = workerScript();
    if (!script) throw new Error('parallel training needs the bundled worker (dist/train-worker.mjs): run `npm run build`');
    const workers = Array.from({ length: count }, () => new Worker(script));
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: FromWorker) => {
                if (m.type === 'ready') resolve();
                else if (m.type === 'error') reject(new Error(`gradient worker: ${m.message}`));
                else return;
                w.off('message', onMessage);
              };
              w.on('message', onMessage);
              w.once('error', reject);
              w.postMessage({ type: 'init', ...init } satisfies ToWorker);
            }),
        ),
      );
    } catch (err) {
      await Promise.all(workers.map((w) => endWorker(w, { type: 'close' } satisfies ToWorker)));
      throw err;
    }
    return new GradientPool(workers);
  }

  /** Shard k (k ≥ 1) goes to worker k − 1; `local` computes shard 0 here meanwhile. */
  async gradients(step: number, shards: readonly number[][], params: ReadonlyMap<string, tf.Variable>, local: () => Promise<ShardResult>): Promise<ShardResult[]> {
    const values: Record<string, Float32Array> = {};
    for (const [name, v] of params) values[name] = await readValues(v);
    const remote = shards.slice(1).map(
      (indices, k) =>
        new Promise<ShardResult>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.workers[k].postMessage({ type: 'grad', id, step, shard: k + 1, indices, params: values } satisfies ToWorker);
        }),
    );
    let mine: ShardResult;
    try {
      mine = await local();
    } catch (err) {
      // Let the workers finish first: an abandoned rejected promise would take the process down.
      await Promise.allSettled(remote);
      throw err;
    }
    return [mine, ...(await Promise.all(remote))];
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => endWorker(w, { type: 'close' } satisfies ToWorker)));
  }

  private failAll(err: Error): void {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }
}
