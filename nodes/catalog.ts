/** The explicit list of node kinds. Adding a kind means adding it here; tests check the engine builds each one. */
import { layerKind } from './kinds/layer.js';
import { denseKind } from './kinds/dense.js';
import { denseWithinKind } from './kinds/dense-within.js';
import { convKind } from './kinds/conv.js';
import { convWithinKind } from './kinds/conv-within.js';
import { clampKind } from './kinds/clamp.js';
import { datasetKind } from './kinds/dataset.js';
import { targetKind } from './kinds/target.js';
import { noiseKind } from './kinds/noise.js';
import { crossAttentionKind, hopfieldMemoryKind, selfAttentionKind } from './kinds/attention.js';
import { patchesKind } from './kinds/patches.js';
import { unpatchKind } from './kinds/unpatch.js';
import type { NodeKind } from './kind.js';

export const KINDS = [
  layerKind,
  denseKind,
  denseWithinKind,
  convKind,
  convWithinKind,
  selfAttentionKind,
  crossAttentionKind,
  hopfieldMemoryKind,
  patchesKind,
  unpatchKind,
  clampKind,
  datasetKind,
  targetKind,
  noiseKind,
] as const;

export type KindId = (typeof KINDS)[number]['id'];
export const KIND_IDS = KINDS.map((k) => k.id) as KindId[];

const byId = new Map<string, NodeKind>(KINDS.map((k) => [k.id, k as NodeKind]));

export function findKind(id: string): NodeKind | undefined {
  return byId.get(id);
}

export function isKindId(id: string): id is KindId {
  return byId.has(id);
}

export function defaultParams(id: KindId): Record<string, unknown> {
  return byId.get(id)!.params.parse({}) as Record<string, unknown>;
}

export const COUPLING_KINDS = ['dense', 'dense-within', 'conv', 'conv-within', 'self-attention', 'cross-attention', 'hopfield-memory'] as const satisfies readonly KindId[];
export type CouplingKindId = (typeof COUPLING_KINDS)[number];

export function isCouplingKind(id: string): id is CouplingKindId {
  return (COUPLING_KINDS as readonly string[]).includes(id);
}
