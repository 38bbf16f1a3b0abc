/** Ending a worker thread of the engine (the run-protocol server's, the gradient pool's) without tearing a GPU device down mid-read. */
import type { Worker } from 'node:worker_threads';

/** How long a worker gets to exit by itself before it is terminated. */
const SHUTDOWN_GRACE_MS = 3000;

/**
 * Ends a worker thread: asked to exit first, so the process-exit hook closes a GPU device
 * (terminating a thread with GPU reads in flight can abort the whole process in Dawn),
 * terminated only when it does not exit within the grace period.
 */
export async function endWorker(worker: Worker, ask: unknown): Promise<void> {
  // Already gone (threadId −1): nothing to ask.
  if (worker.threadId < 0) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(ask);
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), SHUTDOWN_GRACE_MS).unref());
  if ((await Promise.race([exited, timer])) === 'late') await worker.terminate();
}
