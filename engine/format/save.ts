/**
 * Saving graph files: a stable text form (so files diff well and a save without
 * changes rewrites the same bytes) and an atomic write, so a crash or a full disk
 * mid-save never costs the previous version of the file.
 */
import { access, constants, open, readFile, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../nodes/graph.js';
import { problemLine } from '../../nodes/problems.js';
import { validateGraph } from '../../nodes/validate.js';
import { MAX_GRAPH_BYTES } from './load.js';
import { ensureInside } from './confine.js';
import { removeLeftoverTemps, tempFileFor } from './temp-files.js';

const TOP_KEYS = ['format', 'version', 'name', 'description', 'nodes', 'edges', 'blocks', 'settle', 'training', 'weights', 'comments', 'editor'] as const;
const NODE_KEYS = ['id', 'kind', 'block', 'label', 'params', 'position'] as const;
const BLOCK_KEYS = ['id', 'name', 'description', 'nodes', 'edges', 'inputs', 'outputs', 'params'] as const;

function pick(obj: object, keys: readonly string[]): Record<string, unknown> {
  const src = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  return out;
}

/**
 * The file text of a graph: top-level and node keys in a fixed order, params and
 * configs in their schema's order, 2-space indent, trailing newline.
 *
 * The graph is validated first (the same check loading runs) so that what is saved
 * can always be opened again; an invalid graph throws with its problems listed.
 */
export function serializeGraph(graph: GraphDoc): string {
  const checked = validateGraph(graph);
  if (!checked.ok) {
    const lines = checked.problems.slice(0, 10).map((p) => `  ${problemLine(p)}`);
    const more = checked.problems.length > 10 ? [`  … and ${checked.problems.length - 10} more`] : [];
    throw new Error(['cannot save an invalid graph:', ...lines, ...more].join('\n'));
  }
  // Parsing put params, settle and training in schema order; the envelope is ordered explicitly.
  const g = checked.graph;
  const doc = pick(
    {
      ...g,
      nodes: g.nodes.map((n) => pick(n, NODE_KEYS)),
      edges: g.edges.map(edgeText),
      // A graph without blocks is written as it was before blocks existed.
      blocks: g.blocks.length > 0 ? g.blocks.map(blockText) : undefined,
    },
    TOP_KEYS,
  );
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function edgeText(e: GraphDoc['edges'][number]) {
  return { from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } };
}

/** A definition with its empty parts left out (they read back as their defaults). */
function blockText(b: GraphDoc['blocks'][number]): Record<string, unknown> {
  const full: Record<string, unknown> = { ...b, nodes: b.nodes.map((n) => pick(n, NODE_KEYS)), edges: b.edges.map(edgeText) };
  for (const key of ['description', 'edges', 'inputs', 'outputs', 'params'] as const) {
    const v = full[key];
    if (v === '' || (Array.isArray(v) && v.length === 0)) delete full[key];
  }
  return pick(full, BLOCK_KEYS);
}

/** Saves a graph, refusing to replace a file written by a newer version of the format. */
export async function saveGraphFile(path: string, graph: GraphDoc): Promise<void> {
  const text = serializeGraph(graph);
  const newer = await newerVersionAt(path);
  if (newer !== undefined) {
    throw new Error(
      `refusing to overwrite ${path}: it was written by a newer version (format version ${newer}; this build writes ${GRAPH_VERSION}). Save under another name.`,
    );
  }
  await writeFileAtomic(path, text);
}

/** The format version of an existing graph file at `path` when it is newer than ours. */
async function newerVersionAt(path: string): Promise<number | undefined> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_GRAPH_BYTES) return undefined;
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // nothing there (or unreadable): the write itself will report real trouble
  }
  try {
    const json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
    const { format, version } = json as Record<string, unknown>;
    return format === GRAPH_FORMAT && typeof version === 'number' && version > GRAPH_VERSION ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces `path` with `data` all at once: a temp file in the same folder is written,
 * fsynced and renamed over the target, then the folder is fsynced so the rename itself
 * survives a power cut. On failure the old file is untouched and the temp file removed;
 * temp files that earlier writes of the same file left behind (a process killed mid-save)
 * are removed first (temp-files.ts). A symbolic link is followed, so the file it points at
 * is replaced, not the link — in the web mode only when that file is in the workspace.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = await realpath(path).catch(() => path);
  await ensureInside(target, path);
  const dir = dirname(target);
  await removeLeftoverTemps(dir, (name) => name === basename(target).slice(0, 160));
  const mode = await stat(target).then(
    (s) => (s.isFile() ? s.mode & 0o7777 : undefined),
    () => undefined,
  );
  // Renaming over a read-only file would succeed; a plain write would not, and that is what people expect.
  if (mode !== undefined) await access(target, constants.W_OK).catch((err: unknown) => Promise.reject(saveError(err, path)));
  // Hidden, and unique per call, so concurrent saves never share a temp file.
  const temp = tempFileFor(target);
  const tmp = temp.path;
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx', 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, target);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw saveError(err, path);
  } finally {
    temp.done();
  }
  await syncFolder(dir);
}

function saveError(err: unknown, path: string): Error {
  const e = err as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EFBIG: 'the file is too large for this system',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the disk is read-only',
    ENOENT: 'the folder does not exist',
    EISDIR: 'a folder is in the way',
    ENOTEMPTY: 'a folder is in the way',
  };
  const out = new Error(`could not save ${path}: ${(e.code && reason[e.code]) ?? e.message}; the previous file is unchanged`, { cause: err });
  if (e.code) (out as NodeJS.ErrnoException).code = e.code;
  return out;
}

/** Durability of the rename; some platforms (Windows) and filesystems cannot fsync a folder, which is not a failed save. */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (process.platform !== 'win32' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
