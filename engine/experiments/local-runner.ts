/**
 * The local sweep runner: a pool of `attractor sweep --task` processes, each a CLI with
 * its own engine, at most `jobs` at once (tfjs-wasm uses one core per process in Node, so
 * the cores bound the pool). Each task's output goes to the sweep's logs/<index>.log.
 *
 * Cancelling marks the sweep cancelled in state.json and sends SIGINT to the tasks, which
 * finish their batch, write a checkpoint and a `cancelled` summary; queued configurations
 * never start. Another process cancels the same way (cancelSweep): the pool watches the
 * mark, so a sweep run by the app can be cancelled from a terminal and the other way round.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { logFile, readState, writeState } from './sweep-folder.js';

/** How to start the attractor CLI: e.g. node and bin/attractor.mjs (the app passes its own). */
export interface CliCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Starts a task some other way than spawning `command`: a packaged desktop app has no
   * `node` and its binary cannot run as Node (the runAsNode fuse is off), so it runs the
   * bundled CLI in an Electron utility process (app/main/sweep-tasks.ts).
   */
  readonly launch?: TaskLauncher;
}

/** A started task, as the pool needs it. */
export interface TaskProcess {
  /** Asks the task to stop at its next batch (it writes a checkpoint and a cancelled summary). */
  stop(): void;
  /** Called once, when it has ended (null: it could not start or was killed). */
  onEnd(listener: (code: number | null) => void): void;
}

/** Starts the CLI with `args` (after the command and its own args), output appended to `logPath`. */
export type TaskLauncher = (args: readonly string[], logPath: string, env: Readonly<Record<string, string>>) => TaskProcess;

/** The default launcher: a child process of `cli.command`; SIGINT stops it as Ctrl-C would. */
function spawnTask(cli: CliCommand, args: readonly string[], logPath: string, env: Readonly<Record<string, string>>): TaskProcess {
  const log = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cli.command, [...cli.args, ...args], { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  } finally {
    closeSync(log);
  }
  return {
    stop: () => void child.kill('SIGINT'),
    onEnd(listener) {
      let ended = false;
      const once = (code: number | null) => {
        if (ended) return;
        ended = true;
        listener(code);
      };
      child.on('exit', (code) => once(code));
      child.on('error', () => once(null));
    },
  };
}

/** This process's own CLI, when it is the CLI. */
export function selfCli(): CliCommand {
  return { command: process.execPath, args: [process.argv[1]] };
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** How often the pool looks at state.json for a cancel from another process. */
const WATCH_MS = 500;

export interface LocalSweepOptions {
  readonly dir: string;
  readonly indices: readonly number[];
  readonly jobs: number;
  readonly cli: CliCommand;
  /** After each task ends (the caller refreshes its view or results). */
  readonly onTaskEnd?: (index: number, code: number | null) => void;
}

export class LocalSweep {
  private readonly queue: number[];
  private readonly running = new Map<number, TaskProcess>();
  private cancelled = false;
  private watch: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(private readonly options: LocalSweepOptions) {
    this.queue = [...options.indices];
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  start(): Promise<void> {
    writeState(this.options.dir, { runner: 'local', host: hostname(), pid: process.pid, cancelled: false });
    this.watch = setInterval(() => {
      if (!this.cancelled && readState(this.options.dir)?.cancelled) this.stopAll();
    }, WATCH_MS);
    this.fill();
    return this.done;
  }

  get active(): number {
    return this.running.size;
  }

  cancel(): void {
    if (this.cancelled) return;
    writeState(this.options.dir, { runner: 'local', cancelled: true });
    this.stopAll();
  }

  private stopAll(): void {
    this.cancelled = true;
    this.queue.length = 0;
    for (const task of this.running.values()) task.stop();
    this.settleIfIdle();
  }

  private fill(): void {
    while (!this.cancelled && this.running.size < this.options.jobs && this.queue.length > 0) this.launch(this.queue.shift()!);
    this.settleIfIdle();
  }

  private launch(index: number): void {
    const { dir, cli, jobs } = this.options;
    // One core per task when tasks share the machine; a lone task may use gradient workers.
    const workers = jobs > 1 ? '0' : 'auto';
    const args = ['sweep', '--task', dir, '--index', String(index), '--workers', workers];
    const env = { ...cli.env, ATTRACTOR_RUNS: 'on' };
    const task = cli.launch ? cli.launch(args, logFile(dir, index), env) : spawnTask(cli, args, logFile(dir, index), env);
    this.running.set(index, task);
    task.onEnd((code) => {
      if (!this.running.has(index)) return;
      this.running.delete(index);
      this.options.onTaskEnd?.(index, code);
      this.fill();
    });
  }

  private settleIfIdle(): void {
    if (this.running.size > 0 || (this.queue.length > 0 && !this.cancelled)) return;
    clearInterval(this.watch);
    this.finish();
  }
}
