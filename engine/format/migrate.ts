/**
 * Migrations of graph files from older format versions, applied one step at a time
 * until the document reaches GRAPH_VERSION; validation always runs on the result.
 *
 * A migration never throws on a malformed document: it converts what it recognises and
 * leaves the rest for validation to report. `pathBack` maps a problem's path in the
 * migrated document to where the person will find it in the file they opened.
 */
import { GRAPH_VERSION } from '../../nodes/graph.js';
import type { PathSegment } from '../../nodes/problems.js';

type Json = Record<string, unknown>;

export interface Migration {
  readonly from: number;
  readonly to: number;
  readonly describe: string;
  /** Changes nothing but the version number: problems found after it need no "after upgrading" note. */
  readonly versionOnly?: boolean;
  up(doc: Json): Json;
  pathBack?(path: readonly PathSegment[], before: Json): PathSegment[];
}

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const EDGE_FIELDS_V0 = { from: ['source', 'sourcePort'], to: ['target', 'targetPort'] } as const;

/**
 * v0, the pre-release draft: nodes said `type` where v1 says `kind`, edges were flat
 * `{ source, sourcePort, target, targetPort }`, and the settle section was a single
 * top-level `schedule` string.
 */
const v0ToV1: Migration = {
  from: 0,
  to: 1,
  describe: 'draft format: node "type" → "kind", flat edges → {from, to}, "schedule" → "settle.schedule"',
  up(doc) {
    const out: Json = { ...doc, version: 1 };
    if (Array.isArray(doc.nodes)) {
      out.nodes = doc.nodes.map((node) => {
        if (!isRecord(node) || !('type' in node) || 'kind' in node) return node;
        return renameKey(node, 'type', 'kind');
      });
    }
    if (Array.isArray(doc.edges)) {
      out.edges = doc.edges.map((edge) => {
        if (!isRecord(edge) || !('source' in edge) || 'from' in edge) return edge;
        const { source, sourcePort, target, targetPort, ...rest } = edge;
        return { from: { node: source, port: sourcePort }, to: { node: target, port: targetPort }, ...rest };
      });
    }
    if ('schedule' in doc && !('settle' in doc)) {
      const { schedule, ...rest } = out;
      return insertAfter(rest, 'edges', 'settle', { schedule });
    }
    return out;
  },
  pathBack(path, before) {
    const [head, index, field, sub] = path;
    if (head === 'nodes' && typeof index === 'number' && field === 'kind') {
      const node = Array.isArray(before.nodes) ? before.nodes[index] : undefined;
      if (isRecord(node) && 'type' in node && !('kind' in node)) return ['nodes', index, 'type', ...path.slice(3)];
    }
    if (head === 'edges' && typeof index === 'number' && (field === 'from' || field === 'to')) {
      const edge = Array.isArray(before.edges) ? before.edges[index] : undefined;
      if (isRecord(edge) && 'source' in edge && !('from' in edge)) {
        const [nodeKey, portKey] = EDGE_FIELDS_V0[field];
        if (sub === 'node') return ['edges', index, nodeKey];
        if (sub === 'port') return ['edges', index, portKey];
        return ['edges', index];
      }
    }
    if (head === 'settle' && 'schedule' in before && !('settle' in before)) {
      return index === 'schedule' ? ['schedule', ...path.slice(2)] : [];
    }
    return [...path];
  },
};

/** v1 → v2 added block definitions and block instances; a v1 file has neither, so only the version changes. */
const v1ToV2: Migration = {
  from: 1,
  to: 2,
  describe: 'blocks: the version only (version 1 files have no blocks)',
  versionOnly: true,
  up: (doc) => ({ ...doc, version: 2 }),
};

export const MIGRATIONS: readonly Migration[] = [v0ToV1, v1ToV2];

/** Keeps a renamed key where it was, so a migrated file keeps its author's field order. */
function renameKey(original: Json, from: string, to: string): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(original)) out[k === from ? to : k] = v;
  return out;
}

function insertAfter(doc: Json, after: string, key: string, value: unknown): Json {
  const out: Json = {};
  let placed = false;
  for (const [k, v] of Object.entries(doc)) {
    out[k] = v;
    if (k === after) {
      out[key] = value;
      placed = true;
    }
  }
  if (!placed) out[key] = value;
  return out;
}

export type MigrationResult =
  | { ok: true; doc: Json; steps: Migration[]; history: Json[] }
  | { ok: false; message: string };

/**
 * Runs the registry's steps from `version` up to GRAPH_VERSION. `history[i]` is the
 * document before `steps[i]`, kept so problem paths can be mapped back to the file.
 */
export function migrate(doc: Json, version: number, registry: readonly Migration[] = MIGRATIONS): MigrationResult {
  const steps: Migration[] = [];
  const history: Json[] = [];
  let current = doc;
  let at = version;
  while (at < GRAPH_VERSION) {
    const step = registry.find((m) => m.from === at);
    if (!step || step.to <= at) {
      return { ok: false, message: `cannot read format version ${version}: no migration from version ${at}` };
    }
    try {
      history.push(current);
      current = step.up(current);
    } catch (err) {
      return { ok: false, message: `migrating from format version ${at} to ${step.to} failed: ${(err as Error).message}` };
    }
    steps.push(step);
    at = step.to;
  }
  return { ok: true, doc: current, steps, history };
}

/** A path in the migrated document, as a path in the file before `steps` ran. */
export function pathInOriginal(path: readonly PathSegment[], steps: readonly Migration[], history: readonly Json[]): PathSegment[] {
  let p = [...path];
  for (let i = steps.length - 1; i >= 0; i--) {
    const back = steps[i].pathBack;
    if (back) p = back(p, history[i]);
  }
  return p;
}
