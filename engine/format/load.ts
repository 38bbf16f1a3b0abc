/**
 * Opening graph files. Every way a file can be wrong comes back as a Problem with a
 * path into the file; nothing here throws on bad input.
 */
import { resolve } from 'node:path';
import { openRegularFile, OutsideWorkspaceError } from './confine.js';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../nodes/graph.js';
import { describeValue, type PathSegment, type Problem } from '../../nodes/problems.js';
import { validateGraph } from '../../nodes/validate.js';
import { findSyntaxError, nestingDepth, positionAt } from './json-text.js';
import { MIGRATIONS, migrate, pathInOriginal } from './migrate.js';
import { documentLimitProblems } from '../compile/limit-checks.js';

export type LoadResult = { ok: true; graph: GraphDoc; migratedFrom?: number } | { ok: false; problems: Problem[] };

/** Weights live in sidecar files, so a graph file this big is a mistake (or an attack). */
export const MAX_GRAPH_BYTES = 50 * 1024 * 1024;
/** A graph file nests about seven levels; the limit keeps hostile input from exhausting the stack. */
export const MAX_GRAPH_NESTING = 100;

const fail = (path: readonly PathSegment[], message: string): { ok: false; problems: Problem[] } => ({
  ok: false,
  problems: [{ severity: 'error', path, message }],
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const megabytes = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
const tooLarge = (source: string, size: number): { ok: false; problems: Problem[] } =>
  fail([], `${source} is too large for a graph file (${megabytes(size)}; the limit is ${megabytes(MAX_GRAPH_BYTES)}; weights belong in a sidecar file)`);

/** Parses and validates the text of a graph file; `source` names it in messages (a path, or e.g. "clipboard"). */
export function loadGraphText(text: string, source: string): LoadResult {
  const parsed = parseJsonFile(text, source, 'a graph file');
  return parsed.ok ? loadGraphJson(parsed.json, source) : parsed;
}

/**
 * The JSON value in the text of one of our files (a graph, a block library), or a problem
 * that says where the text breaks: too large, empty, nested too deep, or not JSON.
 */
export function parseJsonFile(text: string, source: string, what: string): { ok: true; json: unknown } | { ok: false; problems: Problem[] } {
  if (text.length > MAX_GRAPH_BYTES) return tooLarge(source, text.length);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return fail([], `${source} is empty`);

  const nesting = nestingDepth(body, MAX_GRAPH_NESTING);
  if (nesting.exceededAt !== undefined) {
    const at = positionAt(body, nesting.exceededAt);
    return fail([], `${source} nests more than ${MAX_GRAPH_NESTING} levels deep (at line ${at.line}, column ${at.column}); ${what} never needs that`);
  }

  try {
    // JSON has one zero as far as a graph is concerned; -0 would not survive a save (JSON.stringify writes "0").
    return { ok: true, json: JSON.parse(body, (_key, value: unknown) => (Object.is(value, -0) ? 0 : value)) };
  } catch (err) {
    const found = findSyntaxError(body);
    const where = found ? `at line ${found.line}, column ${found.column}: ${found.message}` : `(${(err as Error).message})`;
    return fail([], `${source} is not valid JSON ${where}`);
  }
}

/** The checks after parsing: an attractor graph, of a version this build reads, migrated and valid. */
export function loadGraphJson(json: unknown, source: string): LoadResult {
  if (!isRecord(json)) return fail([], `${source} is not an attractor graph: it holds ${describeValue(json)}, not a JSON object`);
  if (json.format !== GRAPH_FORMAT) {
    const got = 'format' in json ? `, got ${describeValue(json.format)}` : '';
    return fail(['format'], `not an attractor graph: expected "format": "${GRAPH_FORMAT}"${got}`);
  }
  const version = json.version;
  if (!('version' in json)) {
    return fail(['version'], `missing "version" (the format version, an integer; this build reads up to ${GRAPH_VERSION})`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return fail(['version'], `expected an integer format version, got ${describeValue(version)}`);
  }
  if (version > GRAPH_VERSION) {
    return fail(['version'], `written by a newer version (format version ${version}; this build reads up to ${GRAPH_VERSION})`);
  }
  // Counted before anything is validated: a file of a million nodes is refused at once.
  const tooMany = documentLimitProblems(json);
  if (tooMany.length > 0) return { ok: false, problems: tooMany };
  if (version === GRAPH_VERSION) {
    const checked = validateGraph(json);
    return checked.ok ? { ok: true, graph: checked.graph } : checked;
  }

  const oldest = Math.min(...MIGRATIONS.map((m) => m.from));
  if (version < oldest) {
    return fail(['version'], `unknown format version ${version} (this build reads versions ${oldest} to ${GRAPH_VERSION})`);
  }
  const migrated = migrate(json, version);
  if (!migrated.ok) return fail(['version'], migrated.message);
  const checked = validateGraph(migrated.doc);
  if (checked.ok) return { ok: true, graph: checked.graph, migratedFrom: version };
  const note = migrated.steps.every((m) => m.versionOnly) ? '' : ` (after upgrading from format version ${version})`;
  return {
    ok: false,
    problems: checked.problems.map((p) => ({ ...p, path: pathInOriginal(p.path, migrated.steps, migrated.history), message: `${p.message}${note}` })),
  };
}

function readFailure(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `no file at ${path}`;
    case 'ENOTDIR':
      return `no file at ${path} (part of the path is not a folder)`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${path}: permission denied`;
    case 'EISDIR':
      return `${path} is a folder, not a graph file`;
    case 'ELOOP':
      return `cannot read ${path}: too many symbolic links`;
    case 'ENOTREG':
      // A FIFO or device would block the read forever or never end.
      return `${path} is not a regular file`;
    default:
      return err instanceof OutsideWorkspaceError ? err.message : `cannot read ${path}${code ? ` (${code})` : ''}`;
  }
}

/** Reads and loads a graph file. A missing, unreadable, binary or oversized file is a problem, not an exception. */
export async function loadGraphFile(path: string): Promise<LoadResult> {
  let bytes: Buffer;
  try {
    // Confined to the workspace in the web mode (engine/format/confine.ts); only regular files.
    const { handle, stats } = await openRegularFile(resolve(path), path);
    try {
      if (stats.size > MAX_GRAPH_BYTES) return tooLarge(path, stats.size);
      bytes = await handle.readFile();
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (err) {
    return fail([], readFailure(err, path));
  }
  if (bytes.length > MAX_GRAPH_BYTES) return tooLarge(path, bytes.length);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail([], `${path} is UTF-16 text; graph files are UTF-8`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail([], `${path} is not UTF-8 text (is it a weights or image file?)`);
  }
  return loadGraphText(text, path);
}
