/**
 * `graph.check` off the host's main thread. The editor checks the graph as it is edited;
 * a check is near-linear in the graph's size (engine/compile/limits.ts caps that size), yet
 * a large graph still takes long enough to stall every other client of the web host, or the
 * desktop app's whole UI, if it ran on the main thread. So checks run on one worker thread,
 * one at a time, each with a time limit: a check that overruns it ends the worker (a fresh
 * one takes the next) and answers with a problem that says so. Where no worker script is
 * built, checks run in the calling thread, as before.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { checkGraph } from '../../engine/compile/check.js';
import type { CheckResult } from '../../engine/protocol/check.js';

export const CHECK_TIMEOUT_MS = 20_000;

export interface GraphChecker {
  check(graph: unknown): Promise<CheckResult>;
  close(): Promise<void>;
}

interface Pending {
  readonly id: number;
  readonly graph: unknown;
  readonly resolve: (r: CheckResult) => void;
}

const timedOut = (ms: number): CheckResult => ({
  problems: [{ severity: 'error', path: [], message: `checking this graph took longer than ${ms / 1000} s and was stopped; it is too large to check as a whole (the size limits are in the README)` }],
});

/** A checker on a worker thread running `script`; in-thread when `script` is undefined or missing. */
export function createGraphChecker(script: string | undefined, timeoutMs = CHECK_TIMEOUT_MS): GraphChecker {
  if (!script || !existsSync(script)) return { check: async (graph) => checkGraph(graph), close: async () => undefined };
  let worker: Worker | undefined;
  let next = 0;
  const queue: Pending[] = [];
  let busy: { pending: Pending; timer: NodeJS.Timeout; worker: Worker } | undefined;

  const finish = (result: CheckResult) => {
    if (!busy) return;
    clearTimeout(busy.timer);
    const { pending } = busy;
    busy = undefined;
    pending.resolve(result);
    pump();
  };

  const spawn = (): Worker => {
    const w = new Worker(script);
    w.unref();
    w.on('message', (m: { id: number; result: CheckResult }) => {
      if (busy?.worker === w && m.id === busy.pending.id) finish(m.result);
    });
    const lost = (why: string) => {
      if (worker === w) worker = undefined;
      // Only the check this very thread was running fails with it (a stopped thread's exit comes after its successor took over).
      if (busy?.worker === w) finish({ problems: [{ severity: 'error', path: [], message: `the graph check failed (${why}); it is tried again with the next edit` }] });
    };
    w.on('error', (err) => lost(err.message));
    w.on('exit', (code) => lost(`its thread exited with code ${code}`));
    return w;
  };

  function pump(): void {
    if (busy || queue.length === 0) return;
    const pending = queue.shift()!;
    worker ??= spawn();
    const w = worker;
    busy = {
      pending,
      worker: w,
      timer: setTimeout(() => {
        // A check past its time is stopped with its thread; the next check gets a new one.
        worker = undefined;
        finish(timedOut(timeoutMs));
        void w.terminate();
      }, timeoutMs),
    };
    w.postMessage({ id: pending.id, graph: pending.graph });
  }

  return {
    check: (graph) =>
      new Promise((resolve) => {
        queue.push({ id: ++next, graph, resolve });
        pump();
      }),
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
