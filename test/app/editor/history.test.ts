/**
 * Undo steps: the Recorder on a real rete-history-plugin stack, with actions that log
 * what they do and a probe standing in for the canvas snapshot.
 */
import { describe, expect, it, vi } from 'vitest';
import { HistoryPlugin } from 'rete-history-plugin';
import { CompositeAction, Recorder, type StepProbe, type StepReason } from '../../../app/renderer/src/editor/history.js';

function setup(probe?: StepProbe<number>) {
  const log: string[] = [];
  const commits: StepReason[] = [];
  const state = { value: 0 };
  const recorder = new Recorder(
    new HistoryPlugin({ timing: 0 }),
    probe ?? { capture: () => 0, diff: () => ({ first: [], last: [] }) },
    (r) => commits.push(r),
  );
  const act = (name: string) => ({
    undo: () => void log.push(`undo ${name}`),
    redo: () => void log.push(`redo ${name}`),
  });
  return { log, commits, recorder, act, state };
}

describe('Recorder', () => {
  it('makes each record outside a step its own undo step', async () => {
    const { recorder, act, log, commits } = setup();
    recorder.record(act('a'), 'structure');
    recorder.record(act('b'), 'params');
    expect(commits).toEqual(['structure', 'params']);
    await recorder.undo();
    expect(log).toEqual(['undo b']);
    expect(recorder.canUndo()).toBe(true);
    expect(recorder.canRedo()).toBe(true);
  });

  it('groups everything between begin and end (nested) into one step, undone in reverse', async () => {
    const { recorder, act, log, commits } = setup();
    await recorder.batch(async () => {
      recorder.record(act('a'), 'position');
      await recorder.batch(() => recorder.record(act('b'), 'structure'));
      recorder.record(act('c'), 'params');
    });
    expect(commits).toEqual(['structure']);
    await recorder.undo();
    expect(log).toEqual(['undo c', 'undo b', 'undo a']);
    expect(recorder.canUndo()).toBe(false);
    await recorder.redo();
    expect(log.slice(3)).toEqual(['redo a', 'redo b', 'redo c']);
    expect(recorder.canRedo()).toBe(false);
  });

  it('records nothing for an empty step', async () => {
    const { recorder, commits } = setup();
    await recorder.batch(() => undefined);
    expect(commits).toEqual([]);
    expect(recorder.canUndo()).toBe(false);
  });

  it('steps merge regardless of time, and separate steps stay separate however fast', async () => {
    vi.useFakeTimers();
    try {
      const { recorder, act, log } = setup();
      recorder.begin();
      recorder.record(act('a'), 'structure');
      vi.advanceTimersByTime(5000);
      recorder.record(act('b'), 'structure');
      recorder.end();
      recorder.record(act('c'), 'structure');
      await recorder.undo();
      await recorder.undo();
      expect(log).toEqual(['undo c', 'undo b', 'undo a']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('adds what the probe finds: first actions run last on undo', async () => {
    let value = 0;
    const probe: StepProbe<number> = {
      capture: () => value,
      diff: (before, after) =>
        before === after
          ? { first: [], last: [] }
          : {
              first: [{ action: { undo: () => void log.push('undo first'), redo: () => void log.push('redo first') }, reason: 'comment' }],
              last: [{ action: { undo: () => void log.push('undo last'), redo: () => void log.push('redo last') }, reason: 'position' }],
            },
    };
    const { recorder, act, log, commits } = setup(probe);
    await recorder.batch(() => {
      value = 1;
      recorder.record(act('own'), 'params');
    });
    expect(commits).toEqual(['params']);
    await recorder.undo();
    expect(log).toEqual(['undo last', 'undo own', 'undo first']);
    await recorder.batch(() => void (value = 2));
    expect(commits).toEqual(['params', 'position']);
  });

  it('does not record while replaying or loading', async () => {
    const { recorder, commits, log } = setup();
    const inner = { undo: () => void log.push('undo x'), redo: () => void log.push('redo x') };
    // An action whose undo causes a change that would be recorded, as Rete's events do.
    recorder.record({ undo: () => recorder.record(inner, 'structure'), redo: () => undefined }, 'structure');
    await recorder.undo();
    expect(recorder.canUndo()).toBe(false);
    await recorder.silently(() => recorder.record(inner, 'structure'));
    expect(recorder.canUndo()).toBe(false);
    expect(commits).toEqual(['structure']);
  });

  it('a new step clears the redo stack; clear empties both', async () => {
    const { recorder, act } = setup();
    recorder.record(act('a'), 'structure');
    await recorder.undo();
    recorder.record(act('b'), 'structure');
    expect(recorder.canRedo()).toBe(false);
    recorder.clear();
    expect(recorder.canUndo()).toBe(false);
    expect(await recorder.undo()).toBe(false);
    expect(await recorder.redo()).toBe(false);
  });

  it('undo closes a step left open by an unfinished gesture', async () => {
    const { recorder, act, log } = setup();
    recorder.begin();
    recorder.record(act('a'), 'structure');
    expect(await recorder.undo()).toBe(true);
    expect(log).toEqual(['undo a']);
  });

  it('discard drops an open step unrecorded', () => {
    const { recorder, act, commits } = setup();
    recorder.begin();
    recorder.record(act('a'), 'structure');
    recorder.discard();
    recorder.end();
    expect(commits).toEqual([]);
    expect(recorder.canUndo()).toBe(false);
  });

  it('a failing part does not jam the history', async () => {
    const { recorder, act, log } = setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await recorder.batch(() => {
      recorder.record(act('a'), 'structure');
      recorder.record({ undo: () => Promise.reject(new Error('boom')), redo: () => undefined }, 'structure');
    });
    recorder.record(act('b'), 'structure');
    await recorder.undo();
    await recorder.undo();
    expect(log).toEqual(['undo b', 'undo a']);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});

describe('CompositeAction', () => {
  it('runs parts forward on redo and backward on undo, awaiting each', async () => {
    const order: string[] = [];
    const part = (n: string) => ({
      undo: async () => {
        await Promise.resolve();
        order.push(`u${n}`);
      },
      redo: () => void order.push(`r${n}`),
    });
    const c = new CompositeAction([part('1'), part('2')]);
    await c.undo();
    await c.redo();
    expect(order).toEqual(['u2', 'u1', 'r1', 'r2']);
  });
});
