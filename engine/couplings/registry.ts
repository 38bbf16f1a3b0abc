/**
 * The explicit list of coupling kinds. Typed against the catalog's COUPLING_KINDS: a kind
 * in the catalog without an entry here, or an entry for a kind the catalog lacks, does not
 * compile. Adding a coupling kind = its nodes/kinds file, its file in this folder, an entry
 * here and in the catalog, tests.
 *
 * Generic passes look entries up with `couplingKind(spec)`; the order of the list is the
 * order the guarantee's notes are said in.
 */
import type { CouplingKindId } from '../../nodes/catalog.js';
import type { CouplingSpecBase } from '../compile/plan-parts.js';
import type { CouplingKind } from './kind.js';
import { dense } from './dense.js';
import { denseWithin } from './dense-within.js';
import { conv } from './conv.js';
import { convWithin } from './conv-within.js';
import { hopfieldMemory } from './hopfield-memory.js';
import { crossAttention } from './cross-attention.js';
import { selfAttention } from './self-attention.js';

export const COUPLINGS = {
  dense,
  'dense-within': denseWithin,
  conv,
  'conv-within': convWithin,
  'hopfield-memory': hopfieldMemory,
  'cross-attention': crossAttention,
  'self-attention': selfAttention,
} as const satisfies { readonly [K in CouplingKindId]: CouplingKind<K, CouplingSpecBase<K>> };

type Registry = typeof COUPLINGS;
type SpecOfKind<K extends CouplingKindId> = Registry[K] extends CouplingKind<K, infer S> ? S : never;

/** Every coupling spec, one per kind: the union the plan holds. */
export type CouplingSpec = { [K in CouplingKindId]: SpecOfKind<K> }[CouplingKindId];

/**
 * The entry for a spec. TypeScript cannot relate `COUPLINGS[spec.kind]` to the spec's own
 * type (a correlated union), so the lookup says it once here, where it holds by construction.
 */
export function couplingKind<S extends CouplingSpec>(spec: S): CouplingKind<S['kind'], S> {
  return COUPLINGS[spec.kind] as unknown as CouplingKind<S['kind'], S>;
}

/** The entry for a catalog kind, to resolve a node of that kind. */
export function couplingKindOf<K extends CouplingKindId>(kind: K): CouplingKind<K, SpecOfKind<K>> {
  return COUPLINGS[kind] as unknown as CouplingKind<K, SpecOfKind<K>>;
}

export const COUPLING_ENTRIES: readonly CouplingKind<CouplingKindId, CouplingSpec>[] = Object.values(COUPLINGS) as unknown as CouplingKind<CouplingKindId, CouplingSpec>[];
