/** Collects a host's events and waits for the ones a test expects (never on timing). */
import type { EventOf, RunError, RunEvent, RunEventType, SettleStart } from '../../../engine/protocol/run.js';

export class Recorder {
  readonly events: RunEvent[] = [];
  private waiters: { match: (ev: RunEvent) => boolean; resolve: (ev: RunEvent) => void }[] = [];

  readonly send = (ev: RunEvent): void => {
    this.events.push(ev);
    for (const w of [...this.waiters]) {
      if (!w.match(ev)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(ev);
    }
  };

  of<T extends RunEventType>(type: T, runId?: string): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type && (runId === undefined || ('runId' in e && e.runId === runId)));
  }

  /** The next event (from now on) of `type` that passes `where`. */
  next<T extends RunEventType>(type: T, where: (ev: EventOf<T>) => boolean = () => true): Promise<EventOf<T>> {
    return new Promise((resolve) => {
      this.waiters.push({ match: (ev) => ev.type === type && where(ev as EventOf<T>), resolve: (ev) => resolve(ev as EventOf<T>) });
    });
  }

  /** An event already seen, or the next one. */
  seen<T extends RunEventType>(type: T, where: (ev: EventOf<T>) => boolean = () => true): Promise<EventOf<T>> {
    const found = this.events.find((e): e is EventOf<T> => e.type === type && where(e as EventOf<T>));
    return found ? Promise.resolve(found) : this.next(type, where);
  }

  /** The event that closes run `runId`: run.done, run.cancelled, or run.error with ended. */
  closed(runId: string): Promise<RunEvent> {
    const closes = (e: RunEvent) =>
      'runId' in e && e.runId === runId && (e.type === 'run.done' || e.type === 'run.cancelled' || (e.type === 'run.error' && e.ended));
    const found = this.events.find(closes);
    return found ? Promise.resolve(found) : new Promise((resolve) => this.waiters.push({ match: closes, resolve }));
  }

  /** The run.error that closes run `runId`; anything else closing it fails the test. */
  async failed(runId: string): Promise<RunError> {
    const ev = await this.closed(runId);
    if (ev.type !== 'run.error') throw new Error(`run "${runId}" ended with ${ev.type}, not run.error`);
    return ev;
  }
}

export const MNIST_COMPLETION = 'examples/mnist-completion.attractor.json';

/** settle.start for one held-out digit of the MNIST completion example, frames recorded. */
export function settleCmd(runId: string, extra: Partial<SettleStart> = {}): SettleStart {
  return {
    type: 'settle.start',
    runId,
    graphPath: MNIST_COMPLETION,
    examples: [{ part: 'test', index: 0 }],
    record: { activations: true, attention: false },
    ...extra,
  };
}
