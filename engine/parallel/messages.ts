/** Messages between the training loop and its gradient workers (structured-clone safe: no tensors). */
import type { GraphDoc } from '../../nodes/graph.js';
import type { TrainingConfig } from '../../nodes/config.js';
import type { BackendName } from '../backend/select.js';

export interface InitMessage {
  readonly type: 'init';
  readonly graph: GraphDoc;
  /** Folder that dataset paths are relative to. */
  readonly baseDir: string;
  readonly backend: BackendName;
  readonly config: TrainingConfig;
  readonly theta: number;
  /** The web mode's workspace: the worker reads data files only there (format/confine.ts). */
  readonly workspace?: string;
  /** The desktop run's granted folders: likewise (format/confine.ts confineRunTo). */
  readonly folders?: readonly string[];
}

export interface GradRequest {
  readonly type: 'grad';
  readonly id: number;
  readonly step: number;
  readonly shard: number;
  readonly indices: readonly number[];
  readonly params: Record<string, Float32Array>;
}

export type ToWorker = InitMessage | GradRequest | { readonly type: 'close' };

/** One shard's gradient: sums are weighted by `weight` (scored units) when shards are combined. */
export interface ShardResult {
  readonly loss: number;
  readonly weight: number;
  readonly grads: Record<string, Float32Array>;
  readonly tStar: number[];
  readonly cycle2: number;
  readonly tossed: number;
  readonly iterations: number;
  readonly adjointSteps: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | ({ readonly type: 'grad'; readonly id: number } & ShardResult)
  | { readonly type: 'error'; readonly id?: number; readonly message: string };
