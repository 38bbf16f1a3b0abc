/**
 * Pause, step, resume and cancel for one run: the gate of the run driver's loops. A loop
 * calls `gate()` before each unit of work (an iteration when settling, a batch when
 * training); the server's commands and the CLI's Ctrl-C only flip flags and wake a waiting
 * gate, so they take effect between units and never inside one.
 */
import type { RunEvent, RunKind, RunUpdate } from '../protocol/run.js';

/** What a run.update may change; only what it names. */
export type SettingsChange = Omit<RunUpdate, 'type' | 'runId'>;

/** A loop that takes run.update: checks a change (a refusal's reason, or undefined) and keeps it for its next unit. */
export interface Updater {
  take(change: SettingsChange): string | undefined;
}

/** Yield to the event loop so queued messages (pause, cancel) are handled before the next unit. */
export function tick(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  // Browsers: a MessageChannel task runs after pending messages, unlike a clamped setTimeout.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** What the loop may do next: run a unit, run one unit as a step while paused, or stop. */
export type Gate = 'run' | 'step' | 'cancel';

export class RunControl {
  /** Units done: iterations (settle), batches (train) or finite differences (gradcheck); the `at` of pause events. */
  position = 0;
  private pauseRequested = false;
  private announced = false;
  private cancelled = false;
  private steps = 0;
  private wake: (() => void) | undefined;
  private readonly aborter = new AbortController();
  /** Set by a loop whose settings may change while it is paused (training). */
  updater: Updater | undefined;

  constructor(
    readonly runId: string,
    readonly kind: RunKind,
    private readonly emit: (ev: RunEvent) => void,
  ) {}

  get paused(): boolean {
    return this.pauseRequested;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** Aborted by cancel(): what stops work that runs before the loop's gates, such as reading data files. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  pause(): void {
    if (this.cancelled || this.pauseRequested) return;
    this.pauseRequested = true;
    this.notify();
  }

  resume(): void {
    if (!this.pauseRequested) return;
    this.pauseRequested = false;
    this.steps = 0;
    // A pause the loop never reached was never announced: nothing to take back.
    if (this.announced) this.emit({ type: 'run.resumed', runId: this.runId, at: this.position });
    this.announced = false;
    this.notify();
  }

  /** One unit while paused; false when the run is not paused (the caller refuses the command). */
  step(): boolean {
    if (!this.pauseRequested || this.cancelled) return false;
    this.steps++;
    this.notify();
    return true;
  }

  /**
   * A change of settings while paused, handed to the loop's updater (it applies it before
   * its next unit); the reason it is refused otherwise.
   */
  update(change: SettingsChange): string | undefined {
    if (this.cancelled) return 'the run is being cancelled';
    if (!this.pauseRequested) return 'pause the run first: settings change between batches, while it is paused';
    if (!this.updater) return `a ${this.kind} run's settings are fixed once it starts: cancel it and start again with the new ones`;
    return this.updater.take(change);
  }

  cancel(): void {
    this.cancelled = true;
    this.aborter.abort();
    this.notify();
  }

  /**
   * Called before each unit: yields to the event loop, then waits while paused. A pause is
   * announced (run.paused) once the loop has actually stopped, and again after every step.
   */
  async gate(): Promise<Gate> {
    await tick();
    for (;;) {
      if (this.cancelled) return 'cancel';
      if (!this.pauseRequested) return 'run';
      if (this.steps > 0) {
        this.steps--;
        this.announced = false;
        return 'step';
      }
      if (!this.announced) {
        this.announced = true;
        this.emit({ type: 'run.paused', runId: this.runId, at: this.position });
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
