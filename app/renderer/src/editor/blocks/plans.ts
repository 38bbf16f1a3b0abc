/**
 * Make block and ungroup as plain data: what the canvas should hold afterwards, computed
 * from records and edges, so the rules are tested without a DOM.
 *
 * Make block: the selected nodes become a definition; each wire that crossed the
 * selection's border becomes a port. Wires from one outside output into the selection
 * share one input port (it feeds every inner input they reached); wires leaving one inner
 * output share one output port.
 */
import { BLOCK_KIND, paramsInside } from '../../../../../nodes/blocks.js';
import type { Edge } from '../../../../../nodes/graph.js';
import { deepCopy, type NodeRecord } from '../document.js';
import type { EditorBlock } from '../faces.js';
import { nextId } from '../ids.js';

export interface MakeBlockPlan {
  readonly definition: EditorBlock;
  readonly instance: NodeRecord;
  /** Wires between the instance's ports and the nodes outside, replacing those that crossed the border. */
  readonly edges: Edge[];
}

const key = (r: { node: string; port: string }) => `${r.node}\u0000${r.port}`;

/** A port name free among `taken`: the preferred one, else node-qualified, else numbered. */
function portName(preferred: string, qualified: string, taken: Set<string>): string {
  let name = taken.has(preferred) ? qualified : preferred;
  for (let n = 2; taken.has(name); n++) name = `${qualified}-${n}`;
  taken.add(name);
  return name;
}

export function planMakeBlock(
  selected: readonly NodeRecord[],
  edges: readonly Edge[],
  takenNodeIds: ReadonlySet<string>,
  definitions: readonly EditorBlock[],
  outputsOf: (node: NodeRecord) => readonly string[],
): MakeBlockPlan {
  const inside = new Set(selected.map((n) => n.id));
  const left = Math.min(...selected.map((n) => n.position.x));
  const top = Math.min(...selected.map((n) => n.position.y));
  const id = nextId('block', new Set(definitions.map((d) => d.id)));

  const inputs: EditorBlock['inputs'] = [];
  const inputOf = new Map<string, string>();
  const inputNames = new Set<string>();
  const outputs: NonNullable<EditorBlock['outputs']> = [];
  const outputOf = new Map<string, string>();
  const outputNames = new Set<string>();
  const innerEdges: Edge[] = [];
  const outer: { from: { node: string; port: string } | 'instance'; to: { node: string; port: string } | 'instance'; port: string }[] = [];

  for (const e of edges) {
    const fromIn = inside.has(e.from.node);
    const toIn = inside.has(e.to.node);
    if (fromIn && toIn) innerEdges.push(deepCopy(e));
    else if (toIn) {
      let name = inputOf.get(key(e.from));
      if (name === undefined) {
        name = portName(e.to.port, `${e.to.node}-${e.to.port}`, inputNames);
        inputOf.set(key(e.from), name);
        inputs.push({ name, to: [] });
      }
      inputs.find((p) => p.name === name)!.to.push({ node: e.to.node, port: e.to.port });
      if (!outer.some((o) => o.to === 'instance' && o.port === name)) outer.push({ from: { ...e.from }, to: 'instance', port: name });
    } else if (fromIn) {
      let name = outputOf.get(key(e.from));
      if (name === undefined) {
        const source = selected.find((n) => n.id === e.from.node)!;
        const only = outputsOf(source).length <= 1;
        name = portName(only ? e.from.node : `${e.from.node}-${e.from.port}`, `${e.from.node}-${e.from.port}`, outputNames);
        outputOf.set(key(e.from), name);
        outputs.push({ name, from: { node: e.from.node, port: e.from.port } });
      }
      outer.push({ from: 'instance', to: { ...e.to }, port: name });
    }
  }

  const number = id.slice('block-'.length);
  const definition: EditorBlock = {
    id,
    name: `Block ${number}`,
    description: '',
    nodes: selected.map((n) => ({ ...deepCopy(n), position: { x: n.position.x - left, y: n.position.y - top } })),
    edges: innerEdges,
    inputs,
    outputs,
    params: [],
  };
  const free = new Set([...takenNodeIds].filter((t) => !inside.has(t)));
  const instanceId = free.has(id) ? nextId(id, free) : id;
  const instance: NodeRecord = { id: instanceId, kind: BLOCK_KIND, block: id, params: {}, position: { x: left, y: top } };
  const wires = outer.map(({ from, to, port }) =>
    from === 'instance' ? { from: { node: instanceId, port }, to: to as Edge['to'] } : { from, to: { node: instanceId, port } },
  );
  return { definition, instance, edges: wires };
}

export interface UngroupPlan {
  readonly nodes: NodeRecord[];
  readonly edges: Edge[];
}

/**
 * An instance replaced by a copy of its definition's nodes (the instance's overrides
 * written into their params, ids prefixed with the instance's), and the wires that
 * reached its ports moved onto the inner ports they stood for.
 */
export function planUngroup(instance: NodeRecord, definition: EditorBlock, edges: readonly Edge[], takenNodeIds: ReadonlySet<string>): UngroupPlan {
  const taken = new Set([...takenNodeIds].filter((t) => t !== instance.id));
  const rename = new Map<string, string>();
  for (const n of definition.nodes) {
    let id = `${instance.id}_${n.id}`.slice(0, 64);
    if (taken.has(id)) id = nextId(id.slice(0, 58), taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const nodes = definition.nodes.map((n) => ({
    ...deepCopy(n),
    id: rename.get(n.id)!,
    params: deepCopy(paramsInside(definition, n.id, instance.params)),
    position: { x: instance.position.x + n.position.x, y: instance.position.y + n.position.y },
  }));
  const inner = (r: { node: string; port: string }) => ({ node: rename.get(r.node)!, port: r.port });
  const out: Edge[] = definition.edges.map((e) => ({ from: inner(e.from), to: inner(e.to) }));
  for (const e of edges) {
    if (e.to.node === instance.id && e.from.node !== instance.id) {
      const input = definition.inputs.find((p) => p.name === e.to.port);
      for (const t of input?.to ?? []) out.push({ from: { ...e.from }, to: inner(t) });
    } else if (e.from.node === instance.id && e.to.node !== instance.id) {
      const from = definition.outputs.find((p) => p.name === e.from.port)?.from;
      if (from) out.push({ from: inner(from), to: { ...e.to } });
    }
  }
  return { nodes, edges: out };
}
