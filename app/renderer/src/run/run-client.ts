/**
 * The renderer's end of the run protocol: commands through `api.call('engine.send')`,
 * events from `api.on('engine.event')` decoded (typed arrays back) and folded into one
 * RunState. Subscribers are told at most once per animation frame, however fast the
 * engine streams: React renders once per frame, charts redraw in place.
 */
import { useSyncExternalStore } from 'react';
import type { AttractorApi } from '../../../shared/api.js';
import { decode, isRunStart, type CheckpointInfo, type GradcheckStart, type RunCommand, type RunEvent, type SettleStart, type TrainStart } from '../../../../engine/protocol/run.js';
import { initialState, newGradcheckRun, newSettleRun, newTrainRun, reduce, type RunState } from './run-state.js';

type Listener = () => void;

let counter = 0;
function newRunId(kind: string): string {
  counter += 1;
  return `${kind}-${Date.now().toString(36)}-${counter}`;
}

export class RunClient {
  readonly state: RunState = initialState();
  private readonly listeners = new Set<Listener>();
  private frame = 0;
  private readonly off: () => void;
  private readonly replies = new Map<string, (ev: RunEvent) => void>();

  constructor(private readonly api: AttractorApi) {
    this.off = api.on('engine.event', (payload) => {
      let ev: RunEvent;
      try {
        ev = decode<RunEvent>(payload.event);
      } catch (err) {
        this.state.engineError = `an engine event could not be read: ${(err as Error).message}`;
        this.changed();
        return;
      }
      if (reduce(this.state, ev)) this.changed();
      const requestId = 'requestId' in ev ? ev.requestId : undefined;
      if (requestId !== undefined) {
        this.replies.get(requestId)?.(ev);
        this.replies.delete(requestId);
      }
    });
  }

  dispose(): void {
    this.off();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.listeners.clear();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The version number: changes whenever the state did (the state object itself is mutated in place). */
  getVersion = (): number => this.state.version;

  /** Coalesces a burst of events into one notification on the next frame. */
  private changed(): void {
    if (this.frame) return;
    const flush = () => {
      this.frame = 0;
      this.state.version += 1;
      for (const l of [...this.listeners]) l();
    };
    this.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(flush) : (setTimeout(flush, 16) as unknown as number);
  }

  async send(command: RunCommand): Promise<void> {
    try {
      await this.api.call('engine.send', { command });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (this.state.run && 'runId' in command && command.runId === this.state.run.runId) {
        this.state.run.error = message;
        if (isRunStart(command.type)) this.state.run.status = 'failed';
      } else this.state.engineError = message;
      this.changed();
    }
  }

  settle(command: Omit<SettleStart, 'type' | 'runId'>): Promise<void> {
    const runId = newRunId('settle');
    this.state.run = newSettleRun(runId);
    this.changed();
    return this.send({ type: 'settle.start', runId, ...command });
  }

  train(command: Omit<TrainStart, 'type' | 'runId'>): Promise<void> {
    const runId = newRunId('train');
    this.state.run = newTrainRun(runId, command.batches ?? 0);
    this.changed();
    return this.send({ type: 'train.start', runId, ...command });
  }

  gradcheck(command: Omit<GradcheckStart, 'type' | 'runId'>): Promise<void> {
    const runId = newRunId('gradcheck');
    this.state.run = newGradcheckRun(runId);
    this.changed();
    return this.send({ type: 'gradcheck.start', runId, ...command });
  }

  control(type: 'run.pause' | 'run.resume' | 'run.step' | 'run.cancel'): Promise<void> {
    const run = this.state.run;
    if (!run) return Promise.resolve();
    return this.send({ type, runId: run.runId });
  }

  /** Changes the learning rate, T or θ of the paused training run (answered by run.updated, or a run.error saying why not). */
  update(change: { lr?: number; steps?: number; theta?: number }): Promise<void> {
    const run = this.state.run;
    if (!run) return Promise.resolve();
    return this.send({ type: 'run.update', runId: run.runId, ...change });
  }

  /** The graph file's checkpoints (also kept in state.checkpoints); [] when the engine could not list them in time. */
  listCheckpoints(graphPath: string, timeoutMs = 15_000): Promise<CheckpointInfo[]> {
    const requestId = newRunId('ckpt');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replies.delete(requestId);
        resolve([]);
      }, timeoutMs);
      this.replies.set(requestId, (ev) => {
        clearTimeout(timer);
        resolve(ev.type === 'checkpoint.list' ? ev.checkpoints : []);
      });
      void this.send({ type: 'checkpoint.list', graphPath, requestId });
    });
  }

  /**
   * Another graph was opened: the finished run's results (layers, guarantee, attention) and
   * the checkpoint list belong to the old one and are dropped. A run still going keeps
   * showing, since it goes on.
   */
  forget(): void {
    if (isActive(this.state)) return;
    this.state.run = null;
    this.state.checkpoints = null;
    this.state.engineError = null;
    this.changed();
  }

  /** A message for the panel's error banner (e.g. nothing to resume from). */
  notice(message: string | null): void {
    this.state.engineError = message;
    this.changed();
  }

  info(): Promise<void> {
    return this.send({ type: 'engine.info', requestId: newRunId('info') });
  }
}

/** Re-renders the component when the run state changed (at most once per frame). */
export function useRunState(client: RunClient): RunState {
  useSyncExternalStore(client.subscribe, client.getVersion, client.getVersion);
  return client.state;
}

export function isActive(state: RunState): boolean {
  const s = state.run?.status;
  return s === 'starting' || s === 'running' || s === 'paused';
}
