/** Attention blocks as attractor terms on token layers (DESIGN §4). */
import { z, positive, positiveInt } from '../schema.js';
import { defineKind, layerIn, summaryOf } from '../kind.js';

const count = (what: string) => z.number().int({ error: `expected ${what}` }).min(0, { error: `expected ${what}` });

/** N(i): which tokens token i attends to. */
export const attentionMaskSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('full') }).strict(),
    z.object({ kind: z.literal('local'), radius: count('a radius (integer ≥ 0)').default(2).describe('attend to tokens within this distance') }).strict(),
    z
      .object({
        kind: z.literal('local-global'),
        radius: count('a radius (integer ≥ 0)').default(2),
        global: count('a number of global tokens (integer ≥ 0)').default(1).describe('the first g tokens attend to and are seen by all'),
      })
      .strict(),
    z.object({ kind: z.literal('causal') }).strict(),
  ],
  { error: 'expected a mask with kind "full", "local", "local-global" or "causal"' },
);

export const positionalSchema = z
  .object({
    encoding: z.enum(['none', 'sinusoidal', 'learned']).default('none').describe('positional pathway: none, fixed sinusoids, or a learned table'),
    combine: z.enum(['add', 'concat']).default('add').describe('added to the token content, or concatenated to it, before queries and keys'),
    dim: positiveInt().default(8).describe('width of a concatenated encoding'),
  })
  .strict()
  .default({ encoding: 'none', combine: 'add', dim: 8 });

export const selfAttentionParams = z
  .object({
    heads: positiveInt().default(1),
    keyDim: positiveInt().default(16).describe('query/key width per head'),
    beta: positive().default(1).describe('inverse temperature β'),
    step: positive().default(0.1).describe('α: tokens move x ← (1−α)x + α·f(z)'),
    mask: attentionMaskSchema.default({ kind: 'full' }),
    positional: positionalSchema,
    gain: positive().default(1).describe('Glorot gain of W_Q and W_K'),
  })
  .strict();

export const selfAttentionKind = defineKind({
  id: 'self-attention',
  title: 'Energy self-attention',
  category: 'couplings',
  doc: 'Tokens attend to tokens: E = −β⁻¹ Σ_h Σ_i log Σ_{j∈N(i)} exp(β k_j·q_i), weights tied across iterations.',
  inputs: [layerIn('layer', 'tokens', 'the token layer (or a vector/grid seen as one token)')],
  outputs: [],
  params: selfAttentionParams,
  summary: (p) => summaryOf(`${p.heads} head${p.heads === 1 ? '' : 's'}`, `β ${p.beta}`, p.mask.kind),
});

export const hopfieldMemoryParams = z
  .object({
    patterns: positiveInt().default(16).describe('P stored patterns (learned, or taken from a dataset)'),
    beta: positive().default(8).describe('inverse temperature β: large retrieves one pattern, small a mixture'),
    source: z.enum(['learned', 'dataset']).default('learned').describe('patterns as parameters, or the first P examples of the dataset on the "patterns" input'),
    projection: positiveInt().optional().describe('compare in a learned space of this width: scores β (ξW_Q)·(yW_K)'),
    gain: positive().default(1),
  })
  .strict();

export const hopfieldMemoryKind = defineKind({
  id: 'hopfield-memory',
  title: 'Hopfield memory',
  category: 'couplings',
  doc: 'Modern Hopfield memory: E = −β⁻¹ log Σ_μ exp(β y_μ·ξ), update ξ ← Yᵀ softmax(βYξ) (with a linear layer).',
  inputs: [
    layerIn('layer', 'query', 'the layer (or tokens) that retrieves'),
    { name: 'patterns', label: 'patterns', socket: 'data', doc: 'stored patterns when source is "dataset"' },
  ],
  outputs: [],
  params: hopfieldMemoryParams,
  summary: (p) => summaryOf(`${p.patterns} patterns`, `β ${p.beta}`, p.source === 'dataset' && 'from data'),
});

export const crossAttentionParams = z
  .object({
    heads: positiveInt().default(1),
    keyDim: positiveInt().default(16).describe('query/key width per head'),
    beta: positive().default(1).describe('inverse temperature β'),
    mask: attentionMaskSchema.default({ kind: 'full' }).describe('N(i) over the key tokens (windows and causal need equal lengths)'),
    gain: positive().default(1),
  })
  .strict();

export const crossAttentionKind = defineKind({
  id: 'cross-attention',
  title: 'Cross-attention',
  category: 'couplings',
  doc: 'One-way flow: query tokens attend to another layer\'s tokens, E = −β⁻¹ Σ_h Σ_i log Σ_j exp(β k_j·q_i); only the queries move.',
  inputs: [
    layerIn('queries', 'queries', 'the token layer that attends and is updated'),
    layerIn('keys', 'keys', 'the token layer attended to (it does not feel this block)'),
  ],
  outputs: [],
  params: crossAttentionParams,
  summary: (p) => summaryOf(`${p.heads} head${p.heads === 1 ? '' : 's'}`, `β ${p.beta}`, p.mask.kind),
});
