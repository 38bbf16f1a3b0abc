/**
 * The form schema of a block's exposed parameter: the JSON Schema of the inner parameter
 * it points at (through nested blocks), so an instance's override gets the same field and
 * the same checks as the parameter itself.
 */
import { findKind } from '../../../../../nodes/catalog.js';
import { BLOCK_KIND, MAX_BLOCK_DEPTH, getAt, splitParamPath, type ExposedParam } from '../../../../../nodes/blocks.js';
import type { BlockDefinition } from '../../../../../nodes/graph.js';
import { fieldKind, isRecord, optionFor, type JsonSchema } from '../inspector/json-schema.js';
import { jsonSchemaOf } from '../inspector/json-schema.js';

/** The sub-schema at `path`, choosing a union's option by the value found there. */
export function schemaAt(schema: JsonSchema, value: unknown, path: readonly string[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  let v = value;
  for (const key of path) {
    if (!s) return undefined;
    if (fieldKind(s) === 'union') s = optionFor(s, isRecord(v) ? v : s.default);
    s = s?.properties?.[key];
    v = isRecord(v) ? v[key] : undefined;
  }
  return s;
}

export function exposedSchema(def: BlockDefinition, exposed: ExposedParam, definitions: ReadonlyMap<string, BlockDefinition>, depth = 0): JsonSchema | undefined {
  const target = exposed.targets[0];
  const node = def.nodes.find((n) => n.id === target.node);
  if (!node || depth > MAX_BLOCK_DEPTH) return undefined;
  const path = splitParamPath(target.param);
  if (node.kind === BLOCK_KIND) {
    const inner = definitions.get(node.block);
    const innerExposed = inner?.params.find((p) => p.name === path[0]);
    return inner && innerExposed ? exposedSchema(inner, innerExposed, definitions, depth + 1) : undefined;
  }
  const kind = findKind(node.kind);
  return kind ? schemaAt(jsonSchemaOf(kind.params), node.params, path) : undefined;
}

/** The parameters of a node one can expose: every field and group of its form, as dotted paths. */
export function exposableParams(kindId: string, params: Record<string, unknown>): string[] {
  const kind = findKind(kindId);
  if (!kind) return [];
  const out: string[] = [];
  const walk = (schema: JsonSchema, value: unknown, path: string[]) => {
    if (path.length > 0) out.push(path.join('.'));
    const kindOf = fieldKind(schema);
    const s = kindOf === 'union' ? optionFor(schema, isRecord(value) ? value : schema.default) : kindOf === 'object' ? schema : undefined;
    for (const [key, sub] of Object.entries(s?.properties ?? {})) {
      if (kindOf === 'union' && sub.const !== undefined) continue; // the union's discriminator: change the whole value
      walk(sub, getAt(value, [key]), [...path, key]);
    }
  };
  walk(jsonSchemaOf(kind.params), params, []);
  return out;
}
