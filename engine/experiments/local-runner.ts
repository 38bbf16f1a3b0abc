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
  private readonly running = new Map<number, ChildProcess>();
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
    for (const child of this.running.values()) child.kill('SIGINT');
    this.settleIfIdle();
  }

  private fill(): void {
    while (!this.cancelled && this.running.size < this.options.jobs && this.queue.length > 0) this.launch(this.queue.shift()!);
    this.settleIfIdle();
  }

  private launch(index: number): void {
    const { dir, cli, jobs } = this.options;
    const log = openSync(logFile(dir, index), 'a');
    // One core per task when tasks share the machine; a lone task may use gradient workers.
    const workers = jobs > 1 ? '0' : 'auto';
    let child: ChildProcess;
    try {
      child = spawn(cli.command, [...cli.args, 'sweep', '--task', dir, '--index', String(index), '--workers', workers], {
        stdio: ['ignore', log, log],
        env: { ...process.env, ...cli.env, ATTRACTOR_RUNS: 'on' },
      });
    } finally {
      closeSync(log);
    }
    this.running.set(index, child);
    const ended = (code: number | null) => {
      if (!this.running.has(index)) return;
      this.running.delete(index);
      this.options.onTaskEnd?.(index, code);
      this.fill();
    };
    child.on('exit', (code) => ended(code));
    child.on('error', () => ended(null));
  }

  private settleIfIdle(): void {
    if (this.running.size > 0 || (this.queue.length > 0 && !this.cancelled)) return;
    clearInterval(this.watch);
    this.finish();
  }
}
