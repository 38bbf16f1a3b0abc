/**
 * Autosave for crash recovery: while the document is dirty, every interval the
 * graph goes to `recovery.save` under this window's session id. The copy is
 * dropped when the document is saved (Studio.afterSave) or becomes clean again
 * (undone back to what is on disk), at once rather than at the next tick, so a
 * window closed right after an undo leaves nothing to offer.
 *
 * `?autosaveMs=500` in the page URL shortens the interval (end-to-end tests).
 */
import type { Studio } from './studio.js';

const DEFAULT_MS = 30_000;

export function autosaveInterval(search: string = window.location.search): number {
  const ms = Number(new URLSearchParams(search).get('autosaveMs'));
  return Number.isFinite(ms) && ms >= 100 ? ms : DEFAULT_MS;
}

export function installAutosave(studio: Studio, intervalMs = autosaveInterval()): () => void {
  let savedRevision = -1;
  let hasCopy = false;
  let busy = false;

  const save = async () => {
    const state = studio.doc.get();
    if (busy || !state.dirty || state.revision === savedRevision) return;
    busy = true;
    try {
      const ok = await studio.call('recovery.save', { sessionId: state.sessionId, name: state.name, path: state.path, graph: studio.graph() });
      if (ok) {
        savedRevision = state.revision;
        hasCopy = true;
      }
    } finally {
      busy = false;
    }
    // Clean again while the copy was being written: drop it after all.
    if (!studio.doc.get().dirty) void discard();
  };

  const discard = async () => {
    if (!hasCopy || busy) return;
    hasCopy = false;
    savedRevision = -1;
    await studio.call('recovery.discard', { sessionId: studio.doc.get().sessionId });
  };

  let wasDirty = studio.doc.get().dirty;
  const offDoc = studio.doc.subscribe(() => {
    const { dirty } = studio.doc.get();
    if (wasDirty && !dirty) void discard();
    wasDirty = dirty;
  });
  const timer = setInterval(() => void save(), intervalMs);
  return () => {
    clearInterval(timer);
    offDoc();
  };
}
