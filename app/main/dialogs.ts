/**
 * The native Open and Save dialogs behind `file.open` / `file.saveAs`
 * (the Dialogs of app/services/types.ts). Electron's dialog functions come in
 * bound to the parent window (index.ts), so this module stays free of Electron
 * values and the file-name handling is unit tested.
 */
import { dirname, join } from 'node:path';
import type { OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import type { Dialogs } from '../services/index.js';

/** Graph files are `<name>.attractor.json`; plain `.json` is offered too (files renamed by other tools, Windows' one extension). */
export const GRAPH_FILTERS = [{ name: 'Attractor graph', extensions: ['attractor.json', 'json'] }];

export interface DialogDeps {
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  /** Where the first dialog opens (the user's documents folder). */
  readonly defaultDir: string;
  /** The user picked this file in a dialog (path-grants.ts lets the engine use it and its folder). */
  readonly chosen?: (path: string) => void;
}

/**
 * A file name for the Save dialog from a graph's name: characters that are
 * not allowed in file names on some platform become '-', and the graph
 * extension is added unless the name already ends in `.json`.
 */
export function suggestedFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').replace(/^[\s.]+|\s+$/g, '').slice(0, 200);
  const base = cleaned === '' ? 'untitled' : cleaned;
  return base.toLowerCase().endsWith('.json') ? base : `${base}${GRAPH_EXTENSION}`;
}

export function createDialogs(deps: DialogDeps): Dialogs {
  // Each dialog starts where the last one ended, as editors do.
  let lastDir = deps.defaultDir;
  return {
    async openGraph() {
      const r = await deps.showOpenDialog({
        title: 'Open Graph',
        defaultPath: lastDir,
        properties: ['openFile'],
        filters: GRAPH_FILTERS,
      });
      const picked = r.canceled ? undefined : r.filePaths[0];
      if (!picked) return null;
      lastDir = dirname(picked);
      deps.chosen?.(picked);
      return picked;
    },
    async saveGraph(suggestedName) {
      const r = await deps.showSaveDialog({
        title: 'Save Graph',
        defaultPath: join(lastDir, suggestedFileName(suggestedName)),
        filters: GRAPH_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (r.canceled || !r.filePath) return null;
      lastDir = dirname(r.filePath);
      deps.chosen?.(r.filePath);
      // The service adds the graph extension when the user typed a bare name.
      return r.filePath;
    },
  };
}
