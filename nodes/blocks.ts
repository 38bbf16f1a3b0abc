/**
 * Blocks: reusable sub-graphs. A block definition (in the graph file's `blocks`) is a
 * small graph of its own with named input and output ports, each wired to ports of the
 * nodes inside, and exposed parameters, each pointing at parameters of nodes inside. A
 * block instance is a node of kind "block" that names its definition and overrides
 * exposed parameters in its `params`. The engine flattens instances before compiling
 * (engine/compile/flatten.ts); the nodes inside get ids that are paths, "stage2/conv".
 */
import { z } from './schema.js';
import { nodeIdSchema, portRefSchema, positionSchema, edgeSchema } from './graph-parts.js';

export const BLOCK_KIND = 'block';
/** Blocks inside blocks, at most this deep: deeper is a mistake (or a file built to exhaust the flattener). */
export const MAX_BLOCK_DEPTH = 8;
/** What separates the instance ids of a flattened node's path: "stage2/conv". Node ids never contain it. */
export const PATH_SEPARATOR = '/';

const portName = z
  .string({ error: 'expected a port name' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, { error: 'expected a port name (letters, digits, "_" or "-", starting with a letter or "_")' });

const paramName = z
  .string({ error: 'expected a parameter name' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: 'expected a parameter name (letters, digits or "_", starting with a letter or "_")' });

const paramPath = z
  .string({ error: 'expected a parameter path' })
  .max(200)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, { error: 'expected a parameter path such as "kernel" or "shape.channels"' });

export const blockInputSchema = z
  .object({
    name: portName,
    label: z.string().max(200).optional(),
    /** Inner inputs the port feeds; none leaves the port unused (a wire into it goes nowhere). */
    to: z.array(portRefSchema, { error: 'expected an array of inner inputs' }).default([]),
  })
  .strict();

export const blockOutputSchema = z
  .object({
    name: portName,
    label: z.string().max(200).optional(),
    /** The inner output that leaves the block; absent, the port gives nothing (what it feeds is unconnected). */
    from: portRefSchema.optional(),
  })
  .strict();

export const exposedParamSchema = z
  .object({
    name: paramName,
    label: z.string().max(200).optional(),
    doc: z.string().max(1000).optional(),
    targets: z
      .array(z.object({ node: nodeIdSchema, param: paramPath }).strict(), { error: 'expected an array of targets' })
      .min(1, { error: 'expected at least one target ({ "node", "param" })' }),
  })
  .strict();

/** A definition with its nodes left open: each is checked on its own, so every problem names its path. */
export const blockDefinitionEnvelopeSchema = z
  .object({
    id: nodeIdSchema,
    name: z.string().max(200).optional(),
    description: z.string().max(10_000).default(''),
    nodes: z.array(z.unknown(), { error: 'expected an array of nodes' }),
    edges: z.array(edgeSchema, { error: 'expected an array of edges' }).default([]),
    inputs: z.array(blockInputSchema, { error: 'expected an array of input ports' }).default([]),
    outputs: z.array(blockOutputSchema, { error: 'expected an array of output ports' }).default([]),
    params: z.array(exposedParamSchema, { error: 'expected an array of exposed parameters' }).default([]),
  })
  .strict();

export const blockInstanceSchema = z
  .object({
    id: nodeIdSchema,
    kind: z.literal(BLOCK_KIND),
    block: z.string({ error: 'expected the id of a block definition' }),
    label: z.string().max(200).optional(),
    params: z
      .record(z.string(), z.unknown(), { error: 'expected an object of parameter overrides' })
      .default({})
      .describe('values for the parameters the definition exposes'),
    position: positionSchema.default({ x: 0, y: 0 }),
  })
  .strict();

export type BlockInput = z.infer<typeof blockInputSchema>;
export type BlockOutput = z.infer<typeof blockOutputSchema>;
export type ExposedParam = z.infer<typeof exposedParamSchema>;
export type BlockInstanceNode = z.output<typeof blockInstanceSchema>;

/** A definition whose nodes are of type N (validated document nodes, or editor records). */
export type BlockDefinitionOf<N> = Omit<z.output<typeof blockDefinitionEnvelopeSchema>, 'nodes'> & { nodes: N[] };

export function isBlockInstance<N extends { kind: string }>(node: N): node is Extract<N, { kind: typeof BLOCK_KIND }> {
  return node.kind === BLOCK_KIND;
}

/** "stage2" + "conv" → "stage2/conv" */
export function joinPath(prefix: string, id: string): string {
  return prefix === '' ? id : `${prefix}${PATH_SEPARATOR}${id}`;
}

/** The name a definition is shown by: its name, else its id. */
export function blockTitle(def: { id: string; name?: string }): string {
  return def.name ?? def.id;
}

// ---- parameter paths ------------------------------------------------------

export function splitParamPath(path: string): string[] {
  return path.split('.');
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function getAt(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (!isRecord(v) || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return v;
}

/** A copy of `target` with `value` at `path`; objects along the way are copied, missing ones created. */
export function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  if (path.length === 0) return isRecord(value) ? { ...value } : target;
  const [key, ...rest] = path;
  const inner = isRecord(target[key]) ? (target[key] as Record<string, unknown>) : {};
  return { ...target, [key]: rest.length === 0 ? structuredClone(value) : setAt(inner, rest, value) };
}

/**
 * The params of node `nodeId` inside `def` as an instance with `overrides` sees them: each
 * overridden exposed parameter written at each of its targets on that node. A target that
 * is a block instance inside receives the value as an override of its own.
 */
export function paramsInside<N extends { id: string; kind: string; params: Record<string, unknown> }>(
  def: BlockDefinitionOf<N>,
  nodeId: string,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const node = def.nodes.find((n) => n.id === nodeId);
  let params = node ? node.params : {};
  for (const exposed of def.params) {
    if (!Object.hasOwn(overrides, exposed.name)) continue;
    for (const target of exposed.targets) {
      if (target.node === nodeId) params = setAt(params, splitParamPath(target.param), overrides[exposed.name]);
    }
  }
  return params;
}

/** The value an exposed parameter has when an instance does not override it: the value at its first target. */
export function exposedDefault<N extends { id: string; kind: string; params: Record<string, unknown> }>(
  def: BlockDefinitionOf<N>,
  exposed: ExposedParam,
  definitions: ReadonlyMap<string, BlockDefinitionOf<N>>,
  depth = 0,
): unknown {
  const target = exposed.targets[0];
  const node = def.nodes.find((n) => n.id === target.node);
  if (!node) return undefined;
  const path = splitParamPath(target.param);
  if (!isBlockInstance(node)) return getAt(node.params, path);
  if (Object.hasOwn(node.params, path[0])) return getAt(node.params, path);
  const inner = definitions.get((node as unknown as { block: string }).block);
  const innerExposed = inner?.params.find((p) => p.name === path[0]);
  if (!inner || !innerExposed || depth > MAX_BLOCK_DEPTH) return undefined;
  return getAt(exposedDefault(inner, innerExposed, definitions, depth + 1), path.slice(1));
}
