/**
 * Validation of block definitions (`blocks[i]`) and of block instances' overrides. Every
 * problem names its path in the file: a definition's node is `blocks[0].nodes[2]`, an
 * instance's bad override `nodes[5].params.kernel`, and the message says which inner
 * parameter the value was meant for.
 */
import { findKind } from './catalog.js';
import {
  MAX_BLOCK_DEPTH,
  blockDefinitionEnvelopeSchema,
  getAt,
  isBlockInstance,
  setAt,
  splitParamPath,
  type BlockInstanceNode,
  type ExposedParam,
} from './blocks.js';
import { innerPort } from './block-ports.js';
import type { BlockDefinition, DocNode } from './graph.js';
import { problemsFromZod, type PathSegment, type Problem } from './problems.js';
import { checkScope, closest, listOf, type DefinitionNames } from './validate-scope.js';

type Path = readonly PathSegment[];

export interface CheckedDefinitions {
  /** The definitions that parsed, in file order. */
  readonly list: BlockDefinition[];
  readonly byId: ReadonlyMap<string, BlockDefinition>;
  readonly names: DefinitionNames;
}

export function checkDefinitions(raw: unknown, problems: Problem[]): CheckedDefinitions {
  type Envelope = ReturnType<typeof blockDefinitionEnvelopeSchema.parse>;
  const envelopes: { index: number; env: Envelope }[] = [];
  const firstIndex = new Map<string, number>();
  listOf(raw).forEach((item, i) => {
    const parsed = blockDefinitionEnvelopeSchema.safeParse(item, { reportInput: true });
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error, ['blocks', i]));
      return;
    }
    const seen = firstIndex.get(parsed.data.id);
    if (seen !== undefined) {
      problems.push({ severity: 'error', path: ['blocks', i, 'id'], message: `duplicate block id "${parsed.data.id}" (first used by blocks[${seen}])` });
      return;
    }
    firstIndex.set(parsed.data.id, i);
    envelopes.push({ index: i, env: parsed.data });
  });
  // Instances may name a definition whose own contents are broken: its ports are still known.
  const names: DefinitionNames = {
    ids: () => envelopes.map((e) => e.env.id),
    ports(id) {
      const found = envelopes.find((e) => e.env.id === id);
      return found && { inputs: found.env.inputs.map((p) => p.name), outputs: found.env.outputs.map((p) => p.name) };
    },
  };

  const list: BlockDefinition[] = [];
  const indexOfDef = new Map<string, number>();
  const nodeIndex = new Map<string, ReadonlyMap<string, number>>();
  for (const { index, env } of envelopes) {
    const scope = checkScope(env.nodes, env.edges, ['blocks', index], names, problems);
    list.push({ ...env, nodes: scope.nodes });
    indexOfDef.set(env.id, index);
    nodeIndex.set(env.id, scope.indexOf);
  }
  const byId = new Map(list.map((d) => [d.id, d]));
  for (const def of list) checkInterface(def, ['blocks', indexOfDef.get(def.id)!], byId, problems);
  for (const def of list) {
    const at = ['blocks', indexOfDef.get(def.id)!];
    const indexOf = nodeIndex.get(def.id)!;
    for (const node of def.nodes) {
      if (isBlockInstance(node)) checkOverrides(node, [...at, 'nodes', indexOf.get(node.id)!], byId, problems);
    }
  }
  checkNesting(list, indexOfDef, nodeIndex, problems);
  return { list, byId, names };
}

/** Ports and exposed parameters must point at nodes and ports that exist inside. */
function checkInterface(def: BlockDefinition, at: Path, defs: ReadonlyMap<string, BlockDefinition>, problems: Problem[]): void {
  const error = (path: Path, message: string) => problems.push({ severity: 'error', path: [...at, ...path], message: `${message} (block "${def.id}")` });
  const nodeById = new Map(def.nodes.map((n) => [n.id, n]));
  const ids = () => def.nodes.map((n) => `"${n.id}"`).join(', ') || 'none';

  for (const side of ['inputs', 'outputs'] as const) {
    const seen = new Set<string>();
    def[side].forEach((port, p) => {
      if (seen.has(port.name)) error([side, p, 'name'], `duplicate ${side === 'inputs' ? 'input' : 'output'} port "${port.name}"`);
      seen.add(port.name);
      const refs =
        'to' in port ? port.to.map((r, k) => ({ r, path: [side, p, 'to', k] })) : port.from ? [{ r: port.from, path: [side, p, 'from'] }] : [];
      const sockets = new Set<string>();
      for (const { r, path } of refs) {
        if (!nodeById.has(r.node)) {
          error([...path, 'node'], `no node "${r.node}" inside (its nodes: ${ids()})`);
          continue;
        }
        const spec = innerPort(def, r, side === 'inputs' ? 'input' : 'output', defs);
        if (!spec) error([...path, 'port'], `node "${r.node}" has no ${side === 'inputs' ? 'input' : 'output'} "${r.port}"`);
        else sockets.add(spec.socket);
      }
      if (sockets.size > 1) error([side, p, 'to'], `input port "${port.name}" feeds both layer and data inputs; split it in two`);
    });
  }

  const seen = new Set<string>();
  def.params.forEach((exposed, k) => {
    if (seen.has(exposed.name)) error(['params', k, 'name'], `duplicate exposed parameter "${exposed.name}"`);
    seen.add(exposed.name);
    exposed.targets.forEach((target, t) => {
      const node = nodeById.get(target.node);
      const path = ['params', k, 'targets', t];
      if (!node) {
        error([...path, 'node'], `no node "${target.node}" inside (its nodes: ${ids()})`);
        return;
      }
      const why = targetProblem(node, target.param, defs);
      if (why) error([...path, 'param'], why);
    });
  });
}

/** Why `param` is not a parameter of `node`, or undefined when it is. */
function targetProblem(node: DocNode, param: string, defs: ReadonlyMap<string, BlockDefinition>): string | undefined {
  const path = splitParamPath(param);
  if (isBlockInstance(node)) {
    const inner = defs.get(node.block);
    if (!inner) return undefined; // reported on the node
    const names = inner.params.map((p) => p.name);
    if (path.length === 1 && names.includes(path[0])) return undefined;
    const hint = closest(path[0], names);
    return `block "${node.id}" (${node.block}) exposes no parameter "${param}" (${hint ? `did you mean "${hint}"?` : names.length > 0 ? `it exposes ${names.map((n) => `"${n}"`).join(', ')}` : 'it exposes none'})`;
  }
  if (getAt(node.params, path) !== undefined) return undefined;
  const keys = schemaKeys(node.kind);
  if (path.length === 1 && keys.includes(path[0])) return undefined; // optional, unset
  // A hint for the segment that went wrong, among the keys where it was looked for.
  const parent = path.length > 1 ? getAt(node.params, path.slice(0, -1)) : undefined;
  const among = parent !== null && typeof parent === 'object' ? Object.keys(parent) : path.length === 1 ? keys : [];
  const hint = closest(path[path.length - 1], among);
  const guess = hint !== undefined ? [...path.slice(0, -1), hint].join('.') : undefined;
  return `${node.kind} node "${node.id}" has no parameter "${param}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
}

function schemaKeys(kindId: string): string[] {
  const params = findKind(kindId)?.params as unknown as { shape?: Record<string, unknown> } | undefined;
  return params?.shape ? Object.keys(params.shape) : [];
}

/** Problems of an instance's overrides: each must be a parameter the definition exposes, with a value every target accepts. */
export function checkOverrides(inst: BlockInstanceNode, at: Path, defs: ReadonlyMap<string, BlockDefinition>, problems: Problem[]): void {
  const def = defs.get(inst.block);
  if (!def) return; // reported on the node
  for (const [name, value] of Object.entries(inst.params)) {
    const path = [...at, 'params', name];
    const exposed = def.params.find((p) => p.name === name);
    if (!exposed) {
      const names = def.params.map((p) => p.name);
      const hint = closest(name, names);
      const known = hint ? `did you mean "${hint}"?` : names.length > 0 ? `it exposes ${names.map((n) => `"${n}"`).join(', ')}` : 'it exposes none';
      problems.push({ severity: 'error', path, nodeId: inst.id, message: `block "${def.id}" exposes no parameter "${name}" (${known})` });
      continue;
    }
    const seen = new Set<string>();
    for (const p of valueProblems(def, exposed, value, defs, 0)) {
      const key = `${p.path.join('.')}\u0000${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ severity: 'error', path: [...path, ...p.path], nodeId: inst.id, message: p.message });
    }
  }
}

/** What is wrong with `value` at each target of `exposed`; paths are inside the value. */
function valueProblems(
  def: BlockDefinition,
  exposed: ExposedParam,
  value: unknown,
  defs: ReadonlyMap<string, BlockDefinition>,
  depth: number,
): { path: PathSegment[]; message: string }[] {
  const out: { path: PathSegment[]; message: string }[] = [];
  if (depth > MAX_BLOCK_DEPTH) return out;
  for (const target of exposed.targets) {
    const node = def.nodes.find((n) => n.id === target.node);
    // A target that is itself wrong is reported on the definition; the values aimed at it say nothing more.
    if (!node || targetProblem(node, target.param, defs) !== undefined) continue;
    const path = splitParamPath(target.param);
    if (isBlockInstance(node)) {
      const inner = defs.get(node.block);
      const innerExposed = inner?.params.find((p) => p.name === path[0]);
      if (inner && innerExposed && path.length === 1) out.push(...valueProblems(inner, innerExposed, value, defs, depth + 1));
      continue;
    }
    const kind = findKind(node.kind);
    if (!kind) continue;
    const parsed = kind.params.safeParse(setAt(node.params, path, value), { reportInput: true });
    if (parsed.success) continue;
    for (const p of problemsFromZod(parsed.error)) {
      const inside = path.every((seg, i) => p.path[i] === seg) ? p.path.slice(path.length) : [];
      out.push({ path: [...inside], message: `${p.message} (for ${node.id}.${target.param} in block "${def.id}")` });
    }
  }
  return out;
}

/** No definition may contain itself, directly or through others, and nesting stays within MAX_BLOCK_DEPTH. */
function checkNesting(
  list: readonly BlockDefinition[],
  indexOfDef: ReadonlyMap<string, number>,
  nodeIndex: ReadonlyMap<string, ReadonlyMap<string, number>>,
  problems: Problem[],
): void {
  const byId = new Map(list.map((d) => [d.id, d]));
  const depth = new Map<string, number>();
  const onPath: string[] = [];
  const visit = (def: BlockDefinition): number => {
    const known = depth.get(def.id);
    if (known !== undefined) return known;
    onPath.push(def.id);
    let deepest = 0;
    for (const node of def.nodes) {
      if (!isBlockInstance(node)) continue;
      const inner = byId.get(node.block);
      if (!inner) continue;
      if (onPath.includes(inner.id)) {
        const cycle = [...onPath.slice(onPath.indexOf(inner.id)), inner.id].join(' → ');
        problems.push({
          severity: 'error',
          path: ['blocks', indexOfDef.get(def.id)!, 'nodes', nodeIndex.get(def.id)?.get(node.id) ?? 0, 'block'],
          nodeId: node.id,
          message: `block "${inner.id}" contains itself (${cycle})`,
        });
        continue;
      }
      deepest = Math.max(deepest, visit(inner));
    }
    onPath.pop();
    const d = deepest + 1;
    depth.set(def.id, d);
    // Reported once a chain, where it first goes too deep.
    if (d === MAX_BLOCK_DEPTH + 1) {
      problems.push({ severity: 'error', path: ['blocks', indexOfDef.get(def.id)!], message: `blocks nest ${d} deep inside "${def.id}" (at most ${MAX_BLOCK_DEPTH})` });
    }
    return d;
  };
  for (const def of list) visit(def);
}

