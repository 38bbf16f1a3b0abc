/**
 * How the desktop app runs a sweep's tasks: the bundled CLI (dist/attractor.mjs, in a
 * packaged app resources/attractor.mjs) in an Electron utility process per task. A
 * packaged app has no `node`, and its own binary cannot run as Node: the runAsNode fuse
 * is off (electron-builder.yml), so ELECTRON_RUN_AS_NODE is ignored. A utility process is
 * Node without that fuse; it gets the CLI's arguments as process.argv[2…].
 *
 * The task's stdout and stderr are appended to its log; stopping it is kill(), which is
 * SIGTERM on POSIX, and `attractor sweep --task` takes SIGTERM as a cancel (checkpoint,
 * cancelled summary, exit), as it does Slurm's.
 *
 * Types only from Electron (like engine.ts): test/app/main/sweep-tasks.test.ts drives it
 * with a real Node child standing in for the utility process.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand, TaskLauncher } from '../../engine/experiments/local-runner.js';

/** The part of Electron's UtilityProcess a task needs (stdio: 'pipe'). */
export interface TaskUtilityProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkTask = (modulePath: string, args: string[], options: { serviceName: string; env: Record<string, string | undefined>; stdio: 'pipe' }) => TaskUtilityProcess;

/** The bundled CLI: resources/ in a packaged app (electron-builder.yml extraResources), the repository's dist/ otherwise. */
export function cliScriptPath(packaged: boolean, resourcesPath: string, appPath: string): string {
  return packaged ? join(resourcesPath, 'attractor.mjs') : join(appPath, 'dist', 'attractor.mjs');
}

export function utilityTaskLauncher(fork: ForkTask, script: string): TaskLauncher {
  return (args, logPath, env) => {
    const log = createWriteStream(logPath, { flags: 'a' });
    let child: TaskUtilityProcess;
    try {
      child = fork(script, [...args], { serviceName: 'Attractor sweep task', stdio: 'pipe', env: { ...process.env, ...env } });
    } catch (err) {
      log.end(`the task could not start: ${err instanceof Error ? err.message : String(err)}\n`);
      return { stop: () => undefined, onEnd: (listener) => void setImmediate(() => listener(null)) };
    }
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const ended = new Promise<number>((resolve) => child.on('exit', resolve));
    return {
      stop: () => void child.kill(),
      onEnd: (listener) =>
        void ended.then((code) => {
          // The pipes may still hold the last lines: the log is closed, then the pool told.
          log.end(() => listener(code));
        }),
    };
  };
}

/** The sweeps' CLI for the desktop app: the bundled CLI in utility processes. */
export function desktopCli(fork: ForkTask, script: string): CliCommand {
  return { command: script, args: [], launch: utilityTaskLauncher(fork, script) };
}
