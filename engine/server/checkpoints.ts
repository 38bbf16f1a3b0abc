/**
 * The checkpoints a graph has, for the UI's list: its sidecar folder (NAME.weights), the
 * folder its `weights` field names, and sibling folders holding a checkpoint of the same
 * graph. Only manifests are read (small JSON), never the tensors.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ensureInside, openRegularFile } from '../format/confine.js';
import { CHECKPOINT_FORMAT, MANIFEST_FILE, sidecarDirFor } from '../train/checkpoint.js';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import type { CheckpointInfo } from '../protocol/run.js';

/**
 * In the web mode the graph and every folder looked at must be in the workspace: a graph
 * outside is refused (OutsideWorkspaceError), a candidate folder leading out is skipped.
 */
export async function listCheckpoints(graphPath: string): Promise<CheckpointInfo[]> {
  await ensureInside(graphPath, graphPath);
  const folder = dirname(graphPath);
  const sidecar = sidecarDirFor(graphPath);
  const graph = await readJson(graphPath);
  const name = isRecord(graph) && typeof graph.name === 'string' ? graph.name : undefined;
  const named = new Set<string>([sidecar]);
  if (isRecord(graph) && typeof graph.weights === 'string') named.add(resolve(folder, graph.weights));
  const candidates = new Set(named);
  const stem = basename(graphPath).replace(GRAPH_EXTENSION, '').replace(/\.json$/, '');
  const siblings = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const d of siblings) if (d.isDirectory()) candidates.add(join(folder, d.name));
  // Each recorded train run keeps its last checkpoint in its run folder (engine/experiments/records.ts).
  const runs = join(folder, `${stem}.runs`);
  for (const d of await readdir(runs, { withFileTypes: true }).catch(() => [])) if (d.isDirectory()) named.add(join(runs, d.name, 'checkpoint'));
  for (const dir of named) candidates.add(dir);

  const out: CheckpointInfo[] = [];
  for (const dir of candidates) {
    if (!(await ensureInside(dir, dir).then(() => true, () => false))) continue;
    const m = await readJson(join(dir, MANIFEST_FILE));
    if (!isRecord(m) || m.format !== CHECKPOINT_FORMAT || typeof m.step !== 'number') continue;
    const meta = isRecord(m.meta) ? m.meta : {};
    // A sibling folder counts when it is this graph's: by its name or by the graph name it recorded.
    const ours = named.has(dir) || basename(dir).startsWith(`${stem}.`) || (name !== undefined && meta.graph === name);
    if (!ours) continue;
    out.push({
      dir,
      step: m.step,
      epoch: typeof m.epoch === 'number' ? m.epoch : 0,
      method: typeof m.method === 'string' ? m.method : 'unknown',
      created: typeof m.created === 'string' ? m.created : '',
      loss: typeof meta.loss === 'number' ? meta.loss : null,
      isDefault: dir === sidecar,
    });
  }
  // The default folder first, then the newest.
  return out.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || b.created.localeCompare(a.created));
}

/** Small JSON files only (a graph, a manifest), confined and regular; anything else reads as nothing. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

async function readJson(path: string): Promise<unknown> {
  try {
    const { handle, stats } = await openRegularFile(path, path);
    try {
      return stats.size > MAX_JSON_BYTES ? undefined : (JSON.parse(await handle.readFile('utf8')) as unknown);
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
