/**
 * The services behind the UI's API (app/shared/api.ts), one handler per
 * request channel. Both hosts build them with `createServices` and route every
 * request through `dispatch`; what differs between the hosts (native dialogs,
 * the window, the web mode's workspace) comes in through ServiceOptions.
 */
import { resolve } from 'node:path';
import { checkGraph } from '../../engine/compile/check.js';
import { loadBlockLibraryText } from '../../engine/format/block-library.js';
import { refusedWith } from './results.js';
import { Examples } from './examples.js';
import { ExperimentService, installedCli } from './experiments.js';
import { FileService } from './files.js';
import { RecentFiles } from './recent.js';
import { RecoveryStore } from './recovery.js';
import type { Handlers, ServiceOptions } from './types.js';
import { isInside, Workspace } from './workspace.js';

export { dispatch, type DispatchResult } from './dispatch.js';
export type { Dialogs, EngineLink, Handlers, ServiceOptions, WindowControl } from './types.js';
export { createGraphChecker, type GraphChecker } from './graph-check.js';

export function createServices(options: ServiceOptions): Handlers {
  if (options.mode === 'web' && !options.workspace) {
    throw new Error('the web mode needs a workspace folder (ServiceOptions.workspace)');
  }
  const workspace = options.mode === 'web' && options.workspace ? new Workspace(options.workspace) : undefined;
  const recent = new RecentFiles({
    dataDir: options.dataDir,
    // The list is shared with other workspaces (and the desktop app); the web mode shows only what it may open.
    visible: workspace ? (path) => isInside(workspace.root, resolve(path)) : undefined,
  });
  const files = new FileService({ mode: options.mode, dialogs: options.dialogs, workspace, recent });
  const examples = new Examples(options.examplesDir);
  const recovery = new RecoveryStore(options.dataDir);
  const experiments = new ExperimentService({ cli: options.cli ?? installedCli(), workspace });

  return {
    'app.info': async () => ({
      mode: options.mode,
      version: options.version,
      platform: process.platform,
      ...(workspace ? { workspace: workspace.root } : {}),
    }),
    'graph.check': async ({ graph }) => (options.checker ? options.checker.check(graph) : checkGraph(graph)),

    'file.open': ({ path }) => files.open(path),
    'file.openText': async ({ name, text }) => files.openText(name, text),
    'file.save': ({ path, graph }) => files.save(path, graph),
    'file.saveAs': ({ graph, suggestedName, name }) => files.saveAs(graph, suggestedName, name),
    'file.recent': () => recent.list(),
    'file.clearRecent': () => recent.clear(),
    'file.workspace': async () => (workspace ? workspace.list() : []),

    'examples.list': () => examples.list(),
    'examples.open': ({ id }) => examples.open(id),
    'blocks.openText': async ({ name, text }) => {
      const loaded = loadBlockLibraryText(text, name);
      return loaded.ok ? { ok: true, name, blocks: loaded.library.blocks } : refusedWith(name, loaded.problems);
    },

    'recovery.save': ({ sessionId, name, path, graph }) => recovery.save(sessionId, name, path, graph),
    'recovery.list': () => recovery.list(),
    'recovery.restore': ({ sessionId }) => recovery.restore(sessionId),
    'recovery.discard': ({ sessionId }) => recovery.discard(sessionId),

    // Block bodies: a void answer must stay void on the wire, whatever the window's methods return.
    'window.setState': async ({ title, dirty }) => {
      options.window?.setState(title, dirty);
    },
    'window.close': async () => {
      options.window?.close();
    },
    'engine.send': async ({ command }) => {
      if (!options.engine) throw new Error('the engine is not running in this host');
      options.engine.send(command);
    },
    'engine.configure': async ({ backend, check }) => {
      if (!options.engine) throw new Error('the engine is not running in this host');
      await options.engine.configure(backend, { check: check ?? false });
    },

    'runs.list': (p) => experiments.list(p),
    'runs.curves': (p) => experiments.curves(p),
    'runs.log': (p) => experiments.log(p),
    'sweep.start': (p) => experiments.start(p),
    'sweep.cancel': (p) => experiments.cancel(p),
    'sweep.resume': (p) => experiments.resume(p),
  };
}
