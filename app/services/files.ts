/**
 * Opening and saving graph files. Bad content and unreadable files come back
 * as a RefusedGraph (the UI lists the problems and keeps the current graph);
 * only a request the mode cannot serve at all (Open without a path in the web
 * mode) throws, which the dispatcher turns into an error message.
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadGraphFile, loadGraphText } from '../../engine/format/load.js';
import { saveGraphFile } from '../../engine/format/save.js';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import { validateGraph } from '../../nodes/validate.js';
import type { OpenResult, SaveResult } from '../shared/api.js';
import type { RecentFiles } from './recent.js';
import { CANCELLED, describeReadError, errorMessage, graphName, opened, refused, refusedWith, withGraphExtension } from './results.js';
import type { Dialogs } from './types.js';
import type { Workspace } from './workspace.js';

export interface FileContext {
  readonly mode: 'electron' | 'web';
  readonly dialogs?: Dialogs;
  /** Set in the web mode: every path must lie inside it. */
  readonly workspace?: Workspace;
  readonly recent: RecentFiles;
}

export class FileService {
  constructor(private readonly ctx: FileContext) {}

  async open(path: string | undefined): Promise<OpenResult> {
    if (path !== undefined) return this.openPath(path);
    if (this.ctx.mode === 'web' || !this.ctx.dialogs) {
      throw new Error(
        this.ctx.mode === 'web'
          ? 'the web mode has no Open dialog: pick a graph from the workspace list, or upload a file from this computer'
          : 'no Open dialog is available: file.open needs a path',
      );
    }
    const picked = await this.ctx.dialogs.openGraph();
    return picked === null ? CANCELLED : this.openPath(picked);
  }

  openText(name: string, text: string): OpenResult {
    const loaded = loadGraphText(text, name);
    return loaded.ok ? opened(null, graphName(name), loaded) : refusedWith(name, loaded.problems);
  }

  async save(path: string, graph: unknown): Promise<SaveResult> {
    if (!basename(path).endsWith(GRAPH_EXTENSION) || basename(path) === GRAPH_EXTENSION) {
      return refused(path, `cannot save as ${basename(path)}: graph files are named like "name${GRAPH_EXTENSION}"`);
    }
    const target = await this.locate(path);
    if (!target.ok) return refused(path, target.message);

    const checked = validateGraph(graph);
    if (!checked.ok) return refusedWith(target.path, checked.problems);

    try {
      await saveGraphFile(target.path, checked.graph);
    } catch (err) {
      // The engine's messages already say what failed (a newer format version in the way,
      // a full disk) and that the old file is unchanged.
      return refused(target.path, errorMessage(err));
    }
    await this.remember(target.path);
    return { ok: true, path: target.path, name: graphName(target.path) };
  }

  async saveAs(graph: unknown, suggestedName: string | undefined, name: string | undefined): Promise<SaveResult> {
    if (this.ctx.mode === 'web') return this.saveInWorkspace(graph, name);
    if (!this.ctx.dialogs) throw new Error('no Save dialog is available: use file.save with a path');
    const picked = await this.ctx.dialogs.saveGraph(suggestedName ?? nameOf(graph));
    return picked === null ? CANCELLED : this.save(withGraphExtension(picked), graph);
  }

  private async saveInWorkspace(graph: unknown, name: string | undefined): Promise<SaveResult> {
    const workspace = this.ctx.workspace;
    if (!workspace) throw new Error('the web mode has no workspace folder configured');
    if (name === undefined) throw new Error('Save As in the web mode needs a file name for the workspace');
    const bad = badFileName(name);
    if (bad) return refused(name, bad);
    const file = withGraphExtension(name);
    const path = join(workspace.root, file);
    // No overwrite prompt reaches the browser through this channel, so Save As never replaces a file:
    // overwriting an existing graph takes opening it and saving (file.save).
    if (await stat(path).then(() => true, () => false)) {
      return refused(path, `${file} already exists in the workspace; choose another name (or open it and save)`);
    }
    return this.save(path, graph);
  }

  private async openPath(path: string): Promise<OpenResult> {
    const target = await this.locate(path);
    if (!target.ok) return refused(path, target.message);
    try {
      await stat(target.path);
    } catch (err) {
      return refused(target.path, describeReadError(err, target.path));
    }
    const loaded = await loadGraphFile(target.path);
    if (!loaded.ok) return refusedWith(target.path, loaded.problems);
    await this.remember(target.path);
    return opened(target.path, graphName(target.path), loaded);
  }

  /** The absolute path to use: anywhere in the desktop app, only inside the workspace in the web mode. */
  private async locate(path: string): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
    if (this.ctx.mode !== 'web') return { ok: true, path: resolve(path) };
    if (!this.ctx.workspace) return { ok: false, message: 'the web mode has no workspace folder configured' };
    return this.ctx.workspace.resolve(path);
  }

  private async remember(path: string): Promise<void> {
    // The file itself was opened or saved; a recent list that cannot be written must not turn that into a failure.
    await this.ctx.recent.add(path).catch((err: unknown) => console.warn(`could not update the recent files list: ${errorMessage(err)}`));
  }
}

/** Why `name` is not a bare file name for the workspace, or undefined when it is one. */
export function badFileName(name: string): string | undefined {
  if (/[/\\]/.test(name)) return `"${name}" is not a plain file name: it must not contain / or \\`;
  if (name.includes('..')) return `"${name}" is not a plain file name: it must not contain ".."`;
  // Hidden files are left out of the workspace list, so a graph saved as one would seem to vanish.
  if (name.startsWith('.')) return `"${name}" would be a hidden file: start the name with a letter or digit`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f]/.test(name)) return `"${name}" contains control characters`;
  if (withGraphExtension(name).length > 255) return `"${name}" is too long for a file name`;
  return undefined;
}

/** The graph's own name, as the Save dialog's suggestion when the UI gives none. */
function nameOf(graph: unknown): string {
  const name = (graph as { name?: unknown }).name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : 'untitled';
}
