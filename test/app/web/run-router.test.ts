/**
 * Runs belong to their client (app/web/run-router.ts): with two browsers on one web host,
 * each sees and controls only its own runs; the other learns that the engine is busy.
 */
import { expect, it } from 'vitest';
import { RunRouter, type ClientId } from '../../../app/web/run-router.js';
import type { Encoded, RunCommand } from '../../../engine/protocol/run.js';

function setup() {
  const sent: RunCommand[] = [];
  const got: Record<ClientId, Record<string, Encoded>[]> = { A: [], B: [] };
  const router = new RunRouter({
    send: (c) => void sent.push(c),
    deliver: (client, ev) => void got[client].push(ev as Record<string, Encoded>),
    clients: () => ['A', 'B'],
  });
  return { router, sent, got };
}

const settle = (runId: string): RunCommand => ({ type: 'settle.start', runId, graphPath: 'g.attractor.json', examples: { count: 1 }, record: { activations: false, attention: false } });

it("a client's run is its own: events reach it alone under its id, and another client can neither cancel it nor start over it", () => {
  const { router, sent, got } = setup();
  router.send('A', settle('mine'));
  expect(sent).toHaveLength(1);
  const engineId = (sent[0] as { runId: string }).runId;
  expect(engineId).not.toBe('mine');

  router.route({ type: 'settle.iteration', runId: engineId, iter: 0 });
  expect(got.A).toEqual([{ type: 'settle.iteration', runId: 'mine', iter: 0 }]);
  expect(got.B).toEqual([]);

  // B guesses A's id, or the engine's: refused, nothing reaches the engine.
  router.send('B', { type: 'run.cancel', runId: 'mine' });
  router.send('B', { type: 'run.cancel', runId: engineId });
  expect(sent).toHaveLength(1);
  expect(got.B.map((e) => e.message)).toEqual([
    `run.cancel: no run "mine" of yours is in progress (the engine is busy with another client's run)`,
    `run.cancel: no run "${engineId}" of yours is in progress (the engine is busy with another client's run)`,
  ]);
  router.send('B', settle('theirs'));
  expect(got.B.at(-1)).toMatchObject({ type: 'run.error', runId: 'theirs', ended: true, message: "the engine is busy with another client's settle run: wait for it to end" });

  // engine.info: A sees its run, B only that the engine is busy.
  router.send('A', { type: 'engine.info', requestId: 'a1' });
  router.send('B', { type: 'engine.info', requestId: 'b1' });
  const [, infoA, infoB] = sent.map((c) => (c as { requestId?: string }).requestId);
  const run = { runId: engineId, kind: 'settle', paused: false };
  router.route({ type: 'engine.info', requestId: infoA!, tensors: 0, run });
  router.route({ type: 'engine.info', requestId: infoB!, tensors: 0, run });
  expect(got.A.at(-1)).toMatchObject({ requestId: 'a1', run: { runId: 'mine', kind: 'settle' } });
  expect(got.B.at(-1)).toMatchObject({ requestId: 'b1', run: null, busy: { kind: 'settle', paused: false } });

  // A's cancel goes through under the engine id; a message naming the run reads as A's own id.
  router.send('A', { type: 'run.cancel', runId: 'mine' });
  expect(sent.at(-1)).toEqual({ type: 'run.cancel', runId: engineId });
  router.route({ type: 'run.cancelled', runId: engineId, at: 1 });
  expect(got.A.at(-1)).toEqual({ type: 'run.cancelled', runId: 'mine', at: 1 });
  // The engine is free: B may start.
  router.send('B', settle('theirs'));
  expect(sent.at(-1)).toMatchObject({ type: 'settle.start' });
});

it("a client that goes away has its runs cancelled, so a closed tab never holds the engine", () => {
  const { router, sent } = setup();
  router.send('A', settle('r'));
  const engineId = (sent[0] as { runId: string }).runId;
  router.clientGone('A');
  expect(sent.at(-1)).toEqual({ type: 'run.cancel', runId: engineId });
});
