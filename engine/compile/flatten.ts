/**
 * Blocks flattened away before compiling: every block instance is replaced by the nodes
 * of its definition, with ids that are paths through the instances ("stage2/conv"), the
 * instance's overrides written into their params, and the wires that reached the
 * instance's ports moved onto the inner ports they stand for. What the compiler then
 * reports about a flattened node is mapped back to where the person finds it in the
 * file: the definition's node, or the instance's override that set the value.
 *
 * Pure data (no TensorFlow.js): it runs in Electron's main process with the compiler.
 */
import type { BlockDefinition, DocNode, Edge, FlatGraph, GraphDoc, GraphNode } from '../../nodes/graph.js';
import { isBlockInstance, joinPath, paramsInside, splitParamPath, type BlockInstanceNode } from '../../nodes/blocks.js';
import type { PathSegment, Problem } from '../../nodes/problems.js';

type Path = readonly PathSegment[];

/** A flattened graph is refused beyond this many nodes: blocks inside blocks multiply quickly. */
export const MAX_FLAT_NODES = 5000;

/** One block instance of the flattened graph, as `attractor compile` lists it. */
export interface BlockUse {
  /** Its path: "stage2", or "net/stage2" inside another block. */
  readonly path: string;
  readonly block: string;
  readonly name?: string;
  /** The exposed parameters this instance sets (as written in the file). */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Catalog nodes it brings into the graph, nested blocks' included. */
  readonly nodes: number;
}

export interface Flattened {
  readonly graph: FlatGraph;
  readonly blocks: readonly BlockUse[];
  /** Maps a problem about the flattened graph back to the file. */
  readonly mapProblem: (p: Problem) => Problem;
}

interface NodeOrigin {
  readonly file: Path;
  /** Params set by instances, innermost first: a path inside the node's params, and the override in the file that set it. */
  readonly overrides: readonly { readonly param: readonly string[]; readonly file: Path }[];
}

interface Scope {
  readonly nodes: readonly DocNode[];
  readonly edges: readonly Edge[];
  /** Instance path of this scope ("" at the top). */
  readonly prefix: string;
  /** Where the scope's nodes and edges are in the file: [] at the top, ["blocks", d] inside a definition. */
  readonly file: Path;
  readonly origins: ReadonlyMap<string, NodeOrigin>;
}

const portKey = (node: string, port: string) => `${node}\u0000${port}`;

export function flattenGraph(doc: GraphDoc): Flattened | { problems: Problem[] } {
  const { blocks: definitions, ...rest } = doc;
  if (!doc.nodes.some(isBlockInstance)) {
    return { graph: { ...rest, nodes: doc.nodes as GraphNode[] }, blocks: [], mapProblem: (p) => p };
  }
  const defs = new Map(definitions.map((d, i) => [d.id, { def: d, index: i }]));
  const size = countNodes(doc.nodes, defs);
  if (size > MAX_FLAT_NODES) {
    return {
      problems: [{ severity: 'error', path: ['nodes'], message: `the graph expands to ${size.toLocaleString('en-US')} nodes through its blocks (at most ${MAX_FLAT_NODES.toLocaleString('en-US')})` }],
    };
  }

  const nodes: GraphNode[] = [];
  const edges: Edge[] = [];
  const nodeOrigins = new Map<string, NodeOrigin>();
  const edgeOrigins: Path[] = [];
  const uses: BlockUse[] = [];
  /** Inner inputs a block input port stands for, and whether a wire reached that port. */
  const blockInputs = new Map<string, { instance: string; port: string; fed: boolean }>();

  const defOf = (inst: BlockInstanceNode) => defs.get(inst.block)!;

  /** The flat ports a wire into (node, port) of `scope` lands on. */
  const targets = (scope: Scope, node: string, port: string): { node: string; port: string }[] => {
    const n = scope.nodes.find((x) => x.id === node);
    if (!n || !isBlockInstance(n)) return [{ node: joinPath(scope.prefix, node), port }];
    const { def, index } = defOf(n);
    const input = def.inputs.find((p) => p.name === port);
    if (!input) return [];
    const inner = innerScope(scope, n, def, index);
    return input.to.flatMap((t) => targets(inner, t.node, t.port));
  };

  /** The flat port a wire from (node, port) of `scope` leaves. */
  const source = (scope: Scope, node: string, port: string): { node: string; port: string } | undefined => {
    const n = scope.nodes.find((x) => x.id === node);
    if (!n || !isBlockInstance(n)) return { node: joinPath(scope.prefix, node), port };
    const { def, index } = defOf(n);
    const from = def.outputs.find((p) => p.name === port)?.from;
    return from && source(innerScope(scope, n, def, index), from.node, from.port);
  };

  const innerScope = (outer: Scope, inst: BlockInstanceNode, def: BlockDefinition, index: number): Scope => {
    const prefix = joinPath(outer.prefix, inst.id);
    const instOrigin = outer.origins.get(inst.id) ?? { file: [...outer.file, 'nodes', outer.nodes.indexOf(inst)], overrides: [] };
    const overrideFile = (name: string): Path => {
      // An override forwarded from the enclosing instance is found where that one was written.
      const forwarded = [...instOrigin.overrides].reverse().find((o) => o.param.length === 1 && o.param[0] === name);
      return forwarded?.file ?? [...instOrigin.file, 'params', name];
    };
    const nodes = def.nodes.map((n) => ({ ...n, params: paramsInside(def, n.id, inst.params) }) as DocNode);
    const origins = new Map<string, NodeOrigin>();
    def.nodes.forEach((n, j) => {
      const overrides = def.params.flatMap((exposed) =>
        Object.hasOwn(inst.params, exposed.name)
          ? exposed.targets.filter((t) => t.node === n.id).map((t) => ({ param: splitParamPath(t.param), file: overrideFile(exposed.name) }))
          : [],
      );
      origins.set(n.id, { file: ['blocks', index, 'nodes', j], overrides });
    });
    return { nodes, edges: def.edges, prefix, file: ['blocks', index], origins };
  };

  const expand = (scope: Scope): void => {
    scope.nodes.forEach((n, i) => {
      const origin = scope.origins.get(n.id) ?? { file: [...scope.file, 'nodes', i], overrides: [] };
      if (!isBlockInstance(n)) {
        const id = joinPath(scope.prefix, n.id);
        nodes.push({ ...n, id } as GraphNode);
        nodeOrigins.set(id, origin);
        return;
      }
      const { def, index } = defOf(n);
      const inner = innerScope(scope, n, def, index);
      const path = joinPath(scope.prefix, n.id);
      const before = nodes.length;
      const use = { path, block: def.id, ...(def.name !== undefined ? { name: def.name } : {}), overrides: n.params };
      const at = uses.push({ ...use, nodes: 0 }) - 1;
      for (const input of def.inputs) {
        for (const t of input.to.flatMap((r) => targets(inner, r.node, r.port))) {
          // The outermost port a flat input stands for is the one to name.
          if (!blockInputs.has(portKey(t.node, t.port))) blockInputs.set(portKey(t.node, t.port), { instance: path, port: input.name, fed: false });
        }
      }
      expand(inner);
      uses[at] = { ...use, nodes: nodes.length - before };
    });
    scope.edges.forEach((e, k) => {
      const from = source(scope, e.from.node, e.from.port);
      if (!from) return;
      for (const to of targets(scope, e.to.node, e.to.port)) {
        edges.push({ from, to });
        edgeOrigins.push([...scope.file, 'edges', k]);
        const input = blockInputs.get(portKey(to.node, to.port));
        if (input) input.fed = true;
      }
    });
  };

  expand({ nodes: doc.nodes, edges: doc.edges, prefix: '', file: [], origins: new Map() });

  const mapProblem = (p: Problem): Problem => {
    const [head, index, ...tail] = p.path;
    let path: PathSegment[] = [...p.path];
    if (head === 'nodes' && typeof index === 'number' && nodes[index]) {
      const origin = nodeOrigins.get(nodes[index].id)!;
      path = [...origin.file, ...tail];
      if (tail[0] === 'params') {
        const inParams = tail.slice(1);
        const set = [...origin.overrides].reverse().find((o) => o.param.every((seg, i) => inParams[i] === seg));
        if (set) path = [...set.file, ...inParams.slice(set.param.length)];
      }
    } else if (head === 'edges' && typeof index === 'number' && edgeOrigins[index]) {
      path = [...edgeOrigins[index], ...tail];
    }
    const input = p.nodeId !== undefined && p.port !== undefined ? blockInputs.get(portKey(p.nodeId, p.port)) : undefined;
    const note = input && !input.fed ? ` (it is input "${input.port}" of block "${input.instance}", which nothing feeds)` : '';
    return { ...p, path, message: `${p.message}${note}` };
  };

  return { graph: { ...rest, nodes, edges }, blocks: uses, mapProblem };
}

/** How many catalog nodes `nodes` expand to, counted without expanding anything (validation has ruled out cycles). */
function countNodes(nodes: readonly DocNode[], defs: ReadonlyMap<string, { def: BlockDefinition }>, memo = new Map<string, number>()): number {
  let n = 0;
  for (const node of nodes) {
    if (!isBlockInstance(node)) {
      n++;
      continue;
    }
    let inner = memo.get(node.block);
    if (inner === undefined) {
      const def = defs.get(node.block)?.def;
      inner = def ? countNodes(def.nodes, defs, memo) : 0;
      memo.set(node.block, inner);
    }
    n += inner;
  }
  return n;
}
