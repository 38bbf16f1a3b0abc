/** Shared by the service tests: throwaway folders, services over them, and graphs from the bundled examples. */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices, type Dialogs, type Handlers, type WindowControl } from '../../../app/services/index.js';
import type { OpenResult, SaveResult } from '../../../app/shared/api.js';
import type { GraphDoc } from '../../../nodes/graph.js';
import { problemLine } from '../../../nodes/problems.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

export async function tempFolder(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'attractor-services-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The text of a bundled example (a valid graph file). */
export function exampleText(id = 'hopfield'): Promise<string> {
  return readFile(join(EXAMPLES_DIR, `${id}.attractor.json`), 'utf8');
}

export async function exampleGraph(id = 'hopfield'): Promise<GraphDoc> {
  return JSON.parse(await exampleText(id)) as GraphDoc;
}

export interface Setup {
  readonly handlers: Handlers;
  readonly dataDir: string;
  readonly workspace: string;
}

/** Web-mode services with a workspace and a data folder inside `dir`. */
export async function webServices(dir: string): Promise<Setup> {
  const workspace = join(dir, 'workspace');
  const dataDir = join(dir, 'data');
  await mkdir(workspace, { recursive: true });
  const handlers = createServices({ mode: 'web', version: '9.9.9', dataDir, examplesDir: EXAMPLES_DIR, workspace });
  return { handlers, dataDir, workspace };
}

/** Desktop-mode services; `dialogs` stands in for the native ones (answers chosen by the test). */
export function electronServices(dir: string, extra: { dialogs?: Dialogs; window?: WindowControl } = {}): Setup {
  const dataDir = join(dir, 'data');
  const handlers = createServices({ mode: 'electron', version: '9.9.9', dataDir, examplesDir: EXAMPLES_DIR, ...extra });
  return { handlers, dataDir, workspace: dir };
}

/** The opened graph, or a failure that lists the problems. */
export function expectOpened(r: OpenResult): Extract<OpenResult, { ok: true }> {
  if (r.ok) return r;
  throw new Error('cancelled' in r ? 'cancelled' : `refused ${r.source}:\n${r.problems.map(problemLine).join('\n')}`);
}

/** The messages of a refused open or save (empty when it succeeded or was cancelled). */
export function messages(r: OpenResult | SaveResult): string[] {
  return !r.ok && 'problems' in r ? r.problems.map((p) => p.message) : [];
}
