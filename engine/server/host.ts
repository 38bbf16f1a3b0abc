/**
 * The engine behind the run protocol, transport-free: a worker, a utility process or a
 * WebSocket server feeds it commands with `handle()` and forwards what it `send`s.
 *
 * One run at a time: a start while a run is in progress is refused with a run.error
 * ("a run is in progress"), not queued — the UI owns the decision to cancel or wait.
 * Pause, resume, step and cancel name the run they mean; a command for another run, or
 * one that does not fit the run's state (a step while running), is refused with
 * `ended: false` and the run carries on.
 *
 * The loops await between iterations and batches, so commands are handled while a run
 * goes on; a run's closing event (run.done, run.cancelled, run.error with ended) is sent
 * only after its tensors are freed and the host is free for the next start.
 */
import { tf } from '../tf.js';
import { BACKEND_NAMES, type BackendInfo, type BackendName } from '../backend/select.js';
import { isRunStart, RUN_KIND_OF, parseCommand, transferables, type BackendSummary, type RunCommand, type RunEvent, type RunKind, type RunStart } from '../protocol/run.js';
import { RunControl } from '../run/control.js';
import { backendSummary, type RunContext } from '../run/context.js';
import { asInputError } from '../run/input-error.js';
import { resolvePath } from '../run/open.js';
import { confineRunTo, endRunConfinement } from '../format/confine.js';
import { listCheckpoints } from './checkpoints.js';
import { runGradcheck, runSettle, runTrain } from './runs.js';
import { runCapacity } from './capacity-run.js';

/** What one run.step runs while paused. */
const UNIT: Record<RunKind, string> = { settle: 'iteration', train: 'batch', gradcheck: 'finite difference', capacity: 'read of the settling probes' };

export type SendEvent = (ev: RunEvent, transfer?: ArrayBuffer[]) => void;

export interface EngineHostOptions {
  /** Relative graph paths, and datasets of graphs sent without a path, resolve against this (default: the process's cwd). */
  readonly baseDir?: string;
  /** The backend already started (engine/backend/select.ts); default: whatever tfjs has active. */
  readonly backend?: BackendInfo;
}

export class EngineHost {
  private active: { control: RunControl; done: Promise<void> } | undefined;
  private readonly baseDir: string;
  private readonly backend: BackendSummary;
  private readonly backendName: BackendName;

  constructor(
    private readonly sendEvent: SendEvent,
    options: EngineHostOptions = {},
  ) {
    this.baseDir = options.baseDir ?? process.cwd();
    const active = tf.getBackend();
    this.backendName = options.backend?.name ?? ((BACKEND_NAMES as readonly string[]).includes(active) ? (active as BackendName) : 'cpu');
    this.backend = options.backend ? backendSummary(options.backend) : { name: active, detail: active, description: `backend: ${active}`, skipped: [] };
  }

  /** Validates and acts on one command; never throws (every refusal is a run.error). */
  handle(raw: unknown): void {
    const parsed = parseCommand(raw);
    if (!parsed.ok) {
      const { runId, command, message, problems } = parsed;
      this.emit({ type: 'run.error', ...(runId !== undefined ? { runId } : {}), ...(command ? { command } : {}), ended: isRunStart(command), message, problems });
      return;
    }
    this.dispatch(parsed.command);
  }

  /** Resolves once no run is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.active) await this.active.done;
  }

  get running(): { runId: string; kind: RunKind; paused: boolean } | null {
    const c = this.active?.control;
    return c ? { runId: c.runId, kind: c.kind, paused: c.paused } : null;
  }

  private dispatch(cmd: RunCommand): void {
    switch (cmd.type) {
      case 'settle.start':
      case 'train.start':
      case 'gradcheck.start':
      case 'capacity.start':
        return this.start(cmd);
      case 'run.pause':
        return this.control(cmd, (c) => (c.pause(), undefined));
      case 'run.resume':
        return this.control(cmd, (c) => (c.resume(), undefined));
      case 'run.cancel':
        return this.control(cmd, (c) => (c.cancel(), undefined));
      case 'run.step':
        return this.control(cmd, (c) =>
          c.step() ? undefined : `run "${c.runId}" is not paused: pause it first (run.step runs one ${UNIT[c.kind]} while paused)`,
        );
      case 'run.update':
        return this.control(cmd, (c) => c.update({ lr: cmd.lr, steps: cmd.steps, theta: cmd.theta }));
      case 'engine.info':
        this.emit({ type: 'engine.info', ...(cmd.requestId !== undefined ? { requestId: cmd.requestId } : {}), backend: this.backend, tensors: tf.memory().numTensors, run: this.running });
        return;
      case 'checkpoint.list': {
        const graphPath = resolvePath(this.baseDir, cmd.graphPath);
        const reply = cmd.requestId !== undefined ? { requestId: cmd.requestId } : {};
        void listCheckpoints(graphPath).then(
          (checkpoints) => this.emit({ type: 'checkpoint.list', ...reply, graphPath, checkpoints }),
          (err: unknown) => this.emit({ type: 'run.error', command: cmd.type, ended: false, message: `listing the checkpoints of ${graphPath} failed: ${(err as Error).message}` }),
        );
        return;
      }
    }
  }

  /** Applies a control command to the run it names; `act` returns why it refuses, if it does. */
  private control(cmd: { type: string; runId: string }, act: (c: RunControl) => string | undefined): void {
    const c = this.active?.control;
    const refused = !c || c.runId !== cmd.runId ? `no run "${cmd.runId}" is in progress${c ? ` (run "${c.runId}" is)` : ''}` : act(c);
    if (refused) this.emit({ type: 'run.error', runId: cmd.runId, command: cmd.type, ended: false, message: `${cmd.type}: ${refused}` });
  }

  private start(cmd: RunStart): void {
    if (this.active) {
      const other = this.active.control;
      this.emit({ type: 'run.error', runId: cmd.runId, command: cmd.type, ended: true, message: `a run is in progress (${other.kind} run "${other.runId}"): cancel it or wait for it to end` });
      return;
    }
    const kind = RUN_KIND_OF[cmd.type];
    const control = new RunControl(cmd.runId, kind, (ev) => this.emit(ev));
    const ctx: RunContext = { control, emit: (ev) => this.emit(ev), backend: this.backend, backendName: this.backendName };
    // The desktop app's grant holds for this run only (a workspace, where there is one, wins).
    const confined = cmd.allowedFolders ? confineRunTo(cmd.allowedFolders) : Promise.resolve();
    const work = confined.then(() => this.work(cmd, ctx));
    const done = work.then(
      (closing) => {
        endRunConfinement();
        this.active = undefined;
        closing.forEach((ev) => this.emit(ev));
      },
      (err: unknown) => {
        endRunConfinement();
        this.active = undefined;
        // A cancel that arrived while the run was still opening (reading its data) stops it there.
        if (control.isCancelled && (err as Error | undefined)?.name === 'AbortError') this.emit({ type: 'run.cancelled', runId: cmd.runId, at: 0 });
        else this.emit(failureEvent(cmd, err));
      },
    );
    this.active = { control, done };
  }

  private work(cmd: RunStart, ctx: RunContext): Promise<RunEvent[]> {
    switch (cmd.type) {
      case 'settle.start':
        return runSettle(cmd, ctx, this.baseDir);
      case 'train.start':
        return runTrain(cmd, ctx, this.baseDir);
      case 'gradcheck.start':
        return runGradcheck(cmd, ctx, this.baseDir);
      case 'capacity.start':
        return runCapacity(cmd, ctx, this.baseDir);
    }
  }

  private emit(ev: RunEvent): void {
    // Every array in an event is a fresh copy (views.ts), so its buffer may be transferred.
    this.sendEvent(ev, transferables(ev));
  }
}

function failureEvent(cmd: RunStart, err: unknown): RunEvent {
  const input = asInputError(err);
  if (input) {
    return { type: 'run.error', runId: cmd.runId, command: cmd.type, ended: true, message: input.oneLine, ...(input.problems.length > 0 ? { problems: [...input.problems] } : {}) };
  }
  // Not the user's input: say so, with the engine's own words.
  const message = err instanceof Error ? err.message : String(err);
  return { type: 'run.error', runId: cmd.runId, command: cmd.type, ended: true, message: `the engine failed: ${message}` };
}
