/**
 * The application's state and the file operations on it, outside React: one
 * object the commands, the dialogs and the tests' user actions all go through.
 * Components render from its stores and call its methods; they hold no
 * document logic of their own.
 */
import { wireShapes } from '../editor/wire-shapes.js';
import type { AppInfo, AttractorApi, OpenResult, RequestChannel, RequestPayload, Response } from '../../../shared/api.js';
import { GRAPH_EXTENSION, type GraphDoc } from '../../../../nodes/graph.js';
import type { BlockScope, GraphEditor } from '../editor/types.js';
import { createDocumentStore, emptyGraph, type GraphMeta, type Origin } from './state/document.js';
import { createUiStore } from './state/ui.js';
import { createLiveCheck } from './state/live-check.js';
import { createStore } from './state/store.js';

export class Studio {
  readonly doc = createDocumentStore();
  readonly ui = createUiStore();
  /** The blocks open on the canvas, outermost first (empty: the top level); the inspector follows it. */
  readonly blockPath = createStore<readonly BlockScope[]>([]);
  editor: GraphEditor | null = null;
  private readonly checker = createLiveCheck({
    check: (graph) => this.api.call('graph.check', { graph }),
    onResult: (r) => {
      this.ui.setCheck({ problems: r.problems, plan: r.plan, pending: false });
      this.editor?.setProblems(r.problems);
      this.editor?.setShapes(wireShapes(r.plan));
    },
    onPending: (pending) => this.ui.setCheck({ ...this.ui.get().check, pending }),
    onError: (message) => this.ui.notify(`Could not check the graph: ${message}`, 'error'),
  });

  constructor(
    readonly api: AttractorApi,
    readonly info: AppInfo,
  ) {}

  get isElectron(): boolean {
    return this.info.mode === 'electron';
  }

  /** Calls the API; a failure becomes an error notice and `undefined`, so callers only handle success. */
  async call<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<Response<C> | undefined> {
    try {
      return await this.api.call(channel, payload);
    } catch (err) {
      this.ui.notify(err instanceof Error ? err.message : String(err), 'error');
      return undefined;
    }
  }

  /** The graph as it is now: the canvas read fresh, with the graph-level settings. */
  graph(): GraphDoc {
    return this.editor ? this.doc.current(this.editor.toGraph()) : this.doc.get().graph;
  }

  attachEditor(editor: GraphEditor): () => void {
    this.editor = editor;
    const offChange = editor.onChange(() => this.canvasChanged());
    const offSelection = editor.onSelectionChange((ids) => this.ui.setSelection(ids));
    const offBlocks = editor.onBlockPathChange((path) => this.blockPath.set(path));
    return () => {
      offChange();
      offSelection();
      offBlocks();
      this.checker.dispose();
      this.editor = null;
    };
  }

  /** Something about the document changed: remember it and have the engine look at it. */
  canvasChanged(): void {
    if (this.editor) this.doc.changed(this.editor.toGraph());
    this.checker.schedule(() => this.graph());
  }

  /** Graph-level settings (the inspector with nothing selected). Not on the canvas's undo stack. */
  setMeta(patch: Partial<GraphMeta>): void {
    this.doc.setMeta(patch);
    this.checker.schedule(() => this.graph());
  }

  // ---- replacing the document ---------------------------------------------

  private async load(graph: GraphDoc, at: { path: string | null; name: string; origin: Origin; dirty?: boolean }) {
    if (!this.editor) return;
    // The settings must be in place before load() fires its change event.
    this.doc.opened(graph, at);
    await this.editor.load(graph);
    this.doc.opened(this.doc.current(this.editor.toGraph()), at);
    this.ui.setSelection([]);
    this.checker.schedule(() => this.graph());
  }

  /** Asks before unsaved work is thrown away; false when the user cancelled. */
  async confirmDiscard(action: string): Promise<boolean> {
    if (!this.doc.get().dirty) return true;
    const choice = await this.ui.confirm(
      'Unsaved changes',
      `"${this.doc.get().name}" has unsaved changes. Save them before you ${action}?`,
      [
        { id: 'save', label: 'Save', primary: true },
        { id: 'discard', label: "Don't save", danger: true },
        { id: 'cancel', label: 'Cancel' },
      ],
    );
    if (choice === 'save') return this.save();
    return choice === 'discard';
  }

  async newGraph(): Promise<void> {
    if (!(await this.confirmDiscard('start a new graph'))) return;
    await this.load(emptyGraph(), { path: null, name: 'untitled', origin: 'new' });
  }

  /**
   * Shows why a file was refused, or loads it. Asks about unsaved work only
   * once the file has loaded, so a broken file never costs the current graph.
   */
  async applyOpen(result: OpenResult | undefined, origin: Origin): Promise<boolean> {
    if (!result) return false;
    if (!result.ok) {
      if ('cancelled' in result) return false;
      this.ui.show({ kind: 'fileError', title: 'Could not open the file', source: result.source, problems: result.problems });
      return false;
    }
    if (!(await this.confirmDiscard(`open "${result.name}"`))) return false;
    this.ui.close();
    await this.load(result.graph, { path: origin === 'example' ? null : result.path, name: result.name, origin });
    if (result.migratedFrom !== undefined) {
      this.ui.notify(`Migrated from format version ${result.migratedFrom}: saving writes the current version.`);
    }
    return true;
  }

  /** Electron: the native Open dialog. Web: the in-app one (workspace, recent, upload). */
  async open(): Promise<void> {
    if (this.isElectron) await this.applyOpen(await this.call('file.open', {}), 'file');
    else this.ui.show({ kind: 'open' });
  }

  async openPath(path: string): Promise<boolean> {
    return this.applyOpen(await this.call('file.open', { path }), 'file');
  }

  async openText(name: string, text: string): Promise<boolean> {
    // An uploaded copy has no path on the host: saving it asks for a name.
    const result = await this.call('file.openText', { name, text });
    return this.applyOpen(result && result.ok ? { ...result, path: null } : result, 'file');
  }

  async openExample(id: string): Promise<boolean> {
    return this.applyOpen(await this.call('examples.open', { id }), 'example');
  }

  /** A file dropped on the window: by path in Electron, by content in a browser. */
  async openDropped(file: File): Promise<void> {
    const path = this.api.pathForFile(file);
    if (path) await this.openPath(path);
    else await this.openText(file.name, await file.text());
  }

  // ---- saving ---------------------------------------------------------------

  /** True when the graph is on disk afterwards. Examples and new graphs go through Save As. */
  async save(): Promise<boolean> {
    const { path, origin } = this.doc.get();
    if (!path || origin !== 'file') return this.saveAs();
    const graph = this.graph();
    const result = await this.call('file.save', { path, graph });
    return this.afterSave(result);
  }

  /** Electron: the native dialog. Web: the in-app dialog, which calls saveAsName(). */
  async saveAs(): Promise<boolean> {
    if (!this.isElectron) {
      this.ui.show({ kind: 'saveAs' });
      return false;
    }
    const suggestedName = `${baseName(this.doc.get().name)}${GRAPH_EXTENSION}`;
    return this.afterSave(await this.call('file.saveAs', { graph: this.graph(), suggestedName }));
  }

  /** Web mode: save into the host's workspace folder under this file name. */
  async saveAsName(name: string): Promise<boolean> {
    const fileName = name.endsWith('.json') ? name : `${name}${GRAPH_EXTENSION}`;
    const saved = await this.afterSave(await this.call('file.saveAs', { graph: this.graph(), name: fileName }));
    if (saved) this.ui.close();
    return saved;
  }

  private async afterSave(result: Response<'file.save'> | undefined): Promise<boolean> {
    if (!result) return false;
    if (!result.ok) {
      if ('cancelled' in result) return false;
      this.ui.show({ kind: 'fileError', title: 'Could not save the graph', source: result.source, problems: result.problems });
      return false;
    }
    this.doc.saved(result.path, result.name);
    this.ui.notify(`Saved ${result.path}`);
    await this.call('recovery.discard', { sessionId: this.doc.get().sessionId });
    return true;
  }

  /** The graph as a file in the browser's downloads (web mode: the workspace is on the host). */
  download(name: string): void {
    const fileName = name.endsWith('.json') ? name : `${name}${GRAPH_EXTENSION}`;
    const blob = new Blob([`${JSON.stringify(this.graph(), null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // ---- start, recovery and closing -------------------------------------------

  /** A fresh graph, then the newest autosave left by a session that did not save, if any. */
  async start(): Promise<void> {
    await this.load(emptyGraph(), { path: null, name: 'untitled', origin: 'new' });
    const recoveries = (await this.call('recovery.list', {})) ?? [];
    const newest = [...recoveries].sort((a, b) => b.savedAt.localeCompare(a.savedAt))[0];
    if (newest && newest.sessionId !== this.doc.get().sessionId) this.ui.show({ kind: 'recovery', recovery: newest });
  }


  async restore(sessionId: string): Promise<void> {
    this.ui.close();
    const result = await this.call('recovery.restore', { sessionId });
    if (!result || !result.ok) {
      await this.applyOpen(result, 'recovery');
      return;
    }
    await this.load(result.graph, { path: result.path, name: result.name, origin: result.path ? 'file' : 'recovery', dirty: true });
    // Carry on under the restored session: autosave overwrites its copy, and saving drops it.
    this.doc.adoptSession(sessionId);
  }

  async discardRecovery(sessionId: string): Promise<void> {
    this.ui.close();
    await this.call('recovery.discard', { sessionId });
  }

  /** Electron: save (or not), then close for real; main asked the user already for saveAndClose. */
  async closeWindow(saveFirst: boolean): Promise<void> {
    if (saveFirst && !(await this.save())) return;
    if (!saveFirst && !(await this.confirmDiscard('close the window'))) return;
    await this.call('recovery.discard', { sessionId: this.doc.get().sessionId });
    await this.call('window.close', {});
  }
}

/** `mnist.attractor.json` → `mnist` */
export function baseName(name: string): string {
  const file = name.split(/[\\/]/).pop() ?? name;
  return file.endsWith(GRAPH_EXTENSION) ? file.slice(0, -GRAPH_EXTENSION.length) : file.replace(/\.json$/, '');
}
