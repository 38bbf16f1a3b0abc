/**
 * The open document: the graph as last read from the canvas, where it lives,
 * and whether it differs from what was last opened or saved.
 *
 * Dirty is a comparison, not a flag set by edits: an edit undone back to the
 * saved state is clean again. The viewport (`editor`: pan and zoom) is left out
 * of the comparison because looking around is not a change to the network.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, graphEnvelopeSchema, type GraphDoc } from '../../../../../nodes/graph.js';
import { createStore } from './store.js';
import { stableJson } from './stable-json.js';

/** Where the document came from decides what Save does: only a file of our own is saved in place. */
export type Origin = 'new' | 'file' | 'example' | 'recovery';

/** The graph-level settings the inspector edits; the canvas does not own them, so the shell keeps them. */
export type GraphMeta = Pick<GraphDoc, 'name' | 'description' | 'settle' | 'training'>;

export interface DocumentState {
  readonly graph: GraphDoc;
  readonly path: string | null;
  /** Shown in the title bar: the file name, or the example's / new graph's name. */
  readonly name: string;
  readonly origin: Origin;
  readonly dirty: boolean;
  /** Names this window's autosaves: new per page, or the restored session's. */
  readonly sessionId: string;
  /** Bumps on every change, so autosave can tell whether anything happened since it last ran. */
  readonly revision: number;
  /** Bumps when another document replaces the canvas (open, new, restore): what was shown for the last one is stale. */
  readonly openings: number;
}

export function emptyGraph(): GraphDoc {
  return graphEnvelopeSchema.parse({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'untitled', nodes: [] }) as GraphDoc;
}

export function metaOf(graph: GraphDoc): GraphMeta {
  return { name: graph.name, description: graph.description, settle: graph.settle, training: graph.training };
}

function fingerprint(graph: GraphDoc): string {
  const { editor: _viewport, ...rest } = graph;
  void _viewport;
  return stableJson(rest);
}

function newSessionId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export function createDocumentStore() {
  const store = createStore<DocumentState>({
    graph: emptyGraph(),
    path: null,
    name: 'untitled',
    origin: 'new',
    dirty: false,
    sessionId: newSessionId(),
    revision: 0,
    openings: 0,
  });
  let baseline = fingerprint(store.get().graph);
  let meta: GraphMeta = metaOf(store.get().graph);

  const withMeta = (graph: GraphDoc): GraphDoc => ({ ...graph, ...meta });
  const changed = (canvasGraph: GraphDoc) => {
    const graph = withMeta(canvasGraph);
    store.set((s) => ({ ...s, graph, dirty: fingerprint(graph) !== baseline, revision: s.revision + 1 }));
  };

  return {
    ...store,
    /** A document replaced the canvas; `dirty` for restored autosaves, which were never saved. */
    opened(graph: GraphDoc, at: { path: string | null; name: string; origin: Origin; dirty?: boolean }) {
      meta = metaOf(graph);
      baseline = at.dirty ? '' : fingerprint(graph);
      store.set((s) => ({ ...s, graph, path: at.path, name: at.name, origin: at.origin, dirty: !!at.dirty, revision: s.revision + 1, openings: s.openings + 1 }));
    },
    /** The canvas changed: `graph` is its toGraph(); the graph-level settings are laid over it. */
    changed,
    setMeta(patch: Partial<GraphMeta>) {
      meta = { ...meta, ...patch };
      changed(store.get().graph);
    },
    /** Restored work keeps the session it was autosaved under, so its copy is never missing in between. */
    adoptSession(sessionId: string) {
      store.set((s) => ({ ...s, sessionId }));
    },
    /** The current graph is on disk at `path`: it becomes the new baseline. */
    saved(path: string, name: string) {
      baseline = fingerprint(store.get().graph);
      store.set((s) => ({ ...s, path, name, origin: 'file', dirty: false }));
    },
    /** What Save, autosave and the checker send: the canvas read fresh, settings laid over. */
    current(canvasGraph: GraphDoc): GraphDoc {
      return withMeta(canvasGraph);
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
