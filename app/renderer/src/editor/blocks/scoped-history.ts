/**
 * Undo across blocks. Every undo step remembers the scope it was made in (the top level,
 * or a block opened through a path of instances); undoing or redoing it first brings that
 * scope back onto the canvas, so the change is undone where it was made, in front of the
 * person. Changes to the definitions themselves (made a block, renamed one, exposed a
 * parameter, imported a library) are steps too.
 */
import type { HistoryAction, HistoryPlugin } from 'rete-history-plugin';
import type { HistoryStack } from '../history.js';
import type { EditorBlock } from '../faces.js';
import type { Schemes } from '../schemes.js';
import type { BlockScopes, ScopePath } from './scopes.js';

export class ScopedAction implements HistoryAction {
  constructor(
    readonly path: ScopePath,
    readonly inner: HistoryAction,
    private readonly scopes: BlockScopes,
  ) {}

  async undo(): Promise<void> {
    await this.scopes.goTo(this.path);
    await this.inner.undo();
  }

  async redo(): Promise<void> {
    await this.scopes.goTo(this.path);
    await this.inner.redo();
  }
}

export class DefinitionsAction implements HistoryAction {
  constructor(
    private readonly scopes: BlockScopes,
    private readonly before: readonly EditorBlock[],
    private readonly after: readonly EditorBlock[],
  ) {}

  undo(): Promise<void> {
    return this.scopes.setDefinitions(this.before);
  }

  redo(): Promise<void> {
    return this.scopes.setDefinitions(this.after);
  }
}

/** The history plugin as the Recorder's stack, each step tagged with the scope it is made in. */
export function scopedStack(history: HistoryPlugin<Schemes>, scopes: () => BlockScopes): HistoryStack {
  return {
    add: (action) => history.add(new ScopedAction(scopes().path(), action, scopes())),
    undo: () => history.undo(),
    redo: () => history.redo(),
    clear: () => history.clear(),
    getHistorySnapshot: () => history.getHistorySnapshot(),
  };
}
