/**
 * The graph check on a thread of its own (bundled to dist/check-worker.mjs for the web
 * host, out/main/check-worker.js for the desktop app): validating and compiling a large
 * graph takes a while, and the host's main thread serves every client (graph-check.ts).
 */
import { parentPort } from 'node:worker_threads';
import { checkGraph } from '../../engine/compile/check.js';

const port = parentPort;
if (!port) throw new Error('the graph check worker runs as a worker thread');
port.on('message', (msg: { id: number; graph: unknown }) => {
  port.postMessage({ id: msg.id, result: checkGraph(msg.graph) });
});
