/**
 * Graph parameters set by path (`--set PATH=VALUE`, a sweep's configuration): the
 * graph's `training` and `settle` sections, or a node's parameters by node id. The
 * document with the values set is validated as a file is, so a value out of range or a
 * parameter the kind does not have is refused with the path it came from.
 */
import type { GraphDoc } from '../../nodes/graph.js';
import { problemLine } from '../../nodes/problems.js';
import { loadGraphJson } from '../format/load.js';
import { paramPathSchema, type SweepValue } from '../protocol/sweeps.js';

const SECTIONS = new Set(['training', 'settle']);

export class OverrideError extends Error {
  override name = 'OverrideError';
}

/** `PATH=VALUE` as typed on a command line: the path and the raw value text. */
export function splitAssignment(text: string, option = '--set'): { path: string; raw: string } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new OverrideError(`${option} ${JSON.stringify(text)}: expected PATH=VALUE, e.g. training.optimizer.lr=0.01 or W.init.gain=0.5`);
  const path = text.slice(0, at).trim();
  const checked = paramPathSchema.safeParse(path);
  if (!checked.success) throw new OverrideError(`${option} ${JSON.stringify(text)}: ${checked.error.issues[0]?.message}`);
  return { path, raw: text.slice(at + 1).trim() };
}

/** One value typed on a command line: a number, true/false, JSON, else text. */
export function parseValue(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (raw.startsWith('{') || raw.startsWith('[') || raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where `path` lands in the document: [the object to set in, the key], creating missing objects on the way. */
function locate(doc: Record<string, unknown>, path: string, nodeIds: readonly string[]): { holder: Record<string, unknown>; key: string } {
  const parts = path.split('.');
  let at: Record<string, unknown>;
  let rest: string[];
  if (SECTIONS.has(parts[0])) {
    at = doc;
    rest = parts;
  } else {
    const nodes = doc.nodes as Record<string, unknown>[];
    const node = nodes.find((n) => n.id === parts[0]);
    if (!node) {
      const shown = nodeIds.length > 12 ? `${nodeIds.slice(0, 12).join(', ')}, …` : nodeIds.join(', ');
      throw new OverrideError(`${path}: no node "${parts[0]}" in the graph (a path starts with training, settle or a node id: ${shown})`);
    }
    if (!isObject(node.params)) node.params = {};
    at = node.params as Record<string, unknown>;
    rest = parts.slice(1);
  }
  for (const part of rest.slice(0, -1)) {
    const next = at[part];
    if (next === undefined) at[part] = {};
    else if (!isObject(next)) throw new OverrideError(`${path}: "${part}" holds ${JSON.stringify(next)}, not an object of parameters`);
    at = at[part] as Record<string, unknown>;
  }
  return { holder: at, key: rest[rest.length - 1] };
}

/**
 * The graph with each path set to its value, validated; `source` names the graph in
 * messages. Values are set in the document with its defaults filled in, so a setting
 * inside a section the file left out (`training.optimizer.lr`) lands in a complete one.
 */
export function applyOverrides(graph: GraphDoc, set: Readonly<Record<string, unknown>>, source: string): GraphDoc {
  if (Object.keys(set).length === 0) return graph;
  const doc = structuredClone(graph) as unknown as Record<string, unknown>;
  const ids = graph.nodes.map((n) => n.id);
  for (const [path, value] of Object.entries(set)) {
    const { holder, key } = locate(doc, path, ids);
    holder[key] = value;
  }
  const loaded = loadGraphJson(doc, source);
  if (!loaded.ok) {
    const lines = loaded.problems.slice(0, 5).map((p) => problemLine(p));
    throw new OverrideError(`${source} with ${describeSet(set)}: ${lines.join('; ')}`);
  }
  return loaded.graph;
}

/** "training.optimizer.lr=0.01, W.init.gain=0.5" */
export function describeSet(set: Readonly<Record<string, unknown>>): string {
  return Object.entries(set)
    .map(([p, v]) => `${p}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** A sweep value as a CLI `--set` argument gives it back (strings stay strings even when they read as numbers). */
export function assignment(path: string, value: SweepValue): string {
  return `${path}=${typeof value === 'string' && parseValue(value) !== value ? JSON.stringify(value) : String(value)}`;
}
