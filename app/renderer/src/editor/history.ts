/**
 * Undo steps on top of rete-history-plugin.
 *
 * The plugin merges actions recorded within `timing` ms of each other into one undo step.
 * That is wrong both ways for us: two quick user edits would merge, and a slow paste or
 * arrange could split. So the plugin runs with `timing: 0` (every record is its own step)
 * and this recorder decides what a step is: everything recorded between `begin()` and the
 * matching `end()` (an API operation, a drag, a wire being drawn) is added as one
 * composite action. Changes that happen as side effects, which no action records (node
 * moves made by auto-arrange or a frame drag, comment frames relinking), are found by
 * comparing snapshots taken at the start and end of the step.
 */
import type { HistoryAction } from 'rete-history-plugin';

/** The document-change reasons an undo step can carry (a subset of the editor's ChangeReason). */
export type StepReason = 'structure' | 'params' | 'position' | 'comment';

export interface Recorded {
  readonly action: HistoryAction;
  readonly reason: StepReason;
}

/** What the recorder needs of HistoryPlugin. */
export interface HistoryStack {
  add(action: HistoryAction): void;
  undo(): Promise<void>;
  redo(): Promise<void>;
  clear(): void;
  getHistorySnapshot(): readonly unknown[];
}

export interface StepProbe<S> {
  capture(): S;
  /** `first` actions run first on redo and last on undo: put state restored after the step's own actions there. */
  diff(before: S, after: S): { first: Recorded[]; last: Recorded[] };
}

/**
 * Runs its parts in order (undo: in reverse). A part that throws is reported and skipped:
 * HistoryPlugin leaves itself locked (`active`) if an action rejects, which would end undo for good.
 */
export class CompositeAction implements HistoryAction {
  constructor(readonly parts: readonly HistoryAction[]) {}

  async undo(): Promise<void> {
    for (const part of [...this.parts].reverse()) await safely(() => part.undo());
  }

  async redo(): Promise<void> {
    for (const part of this.parts) await safely(() => part.redo());
  }
}

async function safely(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.error('[editor] undo/redo step failed', error);
  }
}

/** A step reports one reason, its weightiest: a drag that also re-links a comment frame is a move. */
const PRIORITY: readonly StepReason[] = ['structure', 'params', 'position', 'comment'];

interface OpenStep<S> {
  depth: number;
  before: S;
  recorded: Recorded[];
}

export class Recorder<S> {
  private step: OpenStep<S> | null = null;
  private replaying = false;
  private suspended = 0;
  private redoable = 0;

  constructor(
    private readonly stack: HistoryStack,
    private readonly probe: StepProbe<S>,
    private readonly onCommit: (reason: StepReason) => void,
  ) {}

  /** True while undo/redo or a suspended operation (load) runs: changes then are not user edits. */
  get quiet(): boolean {
    return this.replaying || this.suspended > 0;
  }

  get open(): boolean {
    return this.step !== null;
  }

  record(action: HistoryAction, reason: StepReason): void {
    if (this.quiet) return;
    if (this.step) {
      this.step.recorded.push({ action, reason });
      return;
    }
    this.begin();
    this.step!.recorded.push({ action, reason });
    this.end();
  }

  begin(): void {
    if (this.quiet) return;
    if (this.step) this.step.depth++;
    else this.step = { depth: 1, before: this.probe.capture(), recorded: [] };
  }

  end(): void {
    const step = this.step;
    if (!step || --step.depth > 0) return;
    this.step = null;
    const { first, last } = this.probe.diff(step.before, this.probe.capture());
    const all = [...first, ...step.recorded, ...last];
    if (all.length === 0) return;
    this.stack.add(new CompositeAction(all.map((r) => r.action)));
    this.redoable = 0;
    this.onCommit(PRIORITY.find((reason) => all.some((r) => r.reason === reason))!);
  }

  /** Closes any open step now (a gesture that never finished must not swallow later edits). */
  flush(): void {
    if (this.step) {
      this.step.depth = 1;
      this.end();
    }
  }

  /** Drops the open step unrecorded: for a gesture whose net effect was reverted (a refused wire put back). */
  discard(): void {
    this.step = null;
  }

  async batch<T>(run: () => Promise<T> | T): Promise<T> {
    this.begin();
    try {
      return await run();
    } finally {
      this.end();
    }
  }

  /** Runs without recording anything (loading a document is not an edit). */
  async silently<T>(run: () => Promise<T> | T): Promise<T> {
    this.suspended++;
    try {
      return await run();
    } finally {
      this.suspended--;
    }
  }

  canUndo(): boolean {
    return this.stack.getHistorySnapshot().length > 0;
  }

  canRedo(): boolean {
    return this.redoable > 0;
  }

  /** Returns whether a step was undone. */
  async undo(): Promise<boolean> {
    this.flush();
    const before = this.stack.getHistorySnapshot().length;
    if (before === 0 || this.replaying) return false;
    await this.replay(() => this.stack.undo());
    const moved = this.stack.getHistorySnapshot().length < before;
    if (moved) this.redoable++;
    return moved;
  }

  async redo(): Promise<boolean> {
    this.flush();
    if (this.redoable === 0 || this.replaying) return false;
    const before = this.stack.getHistorySnapshot().length;
    await this.replay(() => this.stack.redo());
    const moved = this.stack.getHistorySnapshot().length > before;
    if (moved) this.redoable--;
    return moved;
  }

  clear(): void {
    this.step = null;
    this.redoable = 0;
    this.stack.clear();
  }

  private async replay(run: () => Promise<void>): Promise<void> {
    this.replaying = true;
    try {
      await run();
    } finally {
      this.replaying = false;
    }
  }
}
