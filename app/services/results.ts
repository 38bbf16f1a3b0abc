/**
 * Small pieces every service module shares: how a refusal looks, how a graph
 * file is named, and how a filesystem error reads to a user.
 */
import { basename } from 'node:path';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import type { Problem } from '../../nodes/problems.js';
import type { LoadResult } from '../../engine/format/load.js';
import type { Cancelled, OpenResult, RefusedGraph } from '../shared/api.js';

/** One problem about the file as a whole: the UI lists it like any validation problem. */
export function refused(source: string, message: string): RefusedGraph {
  return { ok: false, source, problems: [{ severity: 'error', path: [], message }] };
}

export function refusedWith(source: string, problems: readonly Problem[]): RefusedGraph {
  return { ok: false, source, problems };
}

/** An opened graph, carrying `migratedFrom` only when there was a migration. */
export function opened(path: string | null, name: string, loaded: Extract<LoadResult, { ok: true }>): OpenResult {
  const base = { ok: true as const, path, name, graph: loaded.graph };
  return loaded.migratedFrom === undefined ? base : { ...base, migratedFrom: loaded.migratedFrom };
}

export const CANCELLED: Cancelled = { ok: false, cancelled: true };

/** The title-bar name: `hopfield` for `…/hopfield.attractor.json` (plain `.json` is stripped too, for hand-made files). */
export function graphName(path: string): string {
  const file = basename(path);
  if (file.endsWith(GRAPH_EXTENSION) && file.length > GRAPH_EXTENSION.length) return file.slice(0, -GRAPH_EXTENSION.length);
  if (file.endsWith('.json') && file.length > '.json'.length) return file.slice(0, -'.json'.length);
  return file;
}

/** `name` with the graph extension, added only when missing. */
export function withGraphExtension(name: string): string {
  return name.endsWith(GRAPH_EXTENSION) ? name : `${name}${GRAPH_EXTENSION}`;
}

export function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A read that failed, in words (the raw errno text names syscalls, which users cannot act on). */
export function describeReadError(err: unknown, path: string): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return `no such file: ${path}`;
    case 'ENOTDIR':
      return `no such file: ${path} (part of the path is not a folder)`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${path}: permission denied`;
    case 'ELOOP':
      return `cannot read ${path}: too many symbolic links`;
    default:
      return `cannot read ${path}: ${errorMessage(err)}`;
  }
}
