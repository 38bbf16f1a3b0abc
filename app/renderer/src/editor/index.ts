/**
 * The graph canvas. `createGraphEditor` mounts a Rete.js editor in `container` (which it
 * fills) and returns the GraphEditor interface of types.ts.
 *
 * Coordinates (`addNode`'s `at`, node positions) are graph coordinates: the space of
 * GraphNode.position, where a position is a node's top-left corner.
 */
export { createGraphEditor } from './create.js';
export type { ChangeReason, GraphEditor, GraphEditorOptions } from './types.js';
