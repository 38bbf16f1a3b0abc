/**
 * Which files the desktop renderer may have the main process and the engine touch: the
 * files the user chose (Open/Save dialogs, a drop, the command line or Finder, the recent
 * list) and what lies in their folders (datasets, weights and checkpoints live beside
 * graphs). A renderer showing a hostile graph, or a compromised one, cannot name
 * ~/.ssh/id_rsa as a dataset or a checkpoint folder: ipc.ts asks `PathGrants.problem`
 * for every path a request carries (`requestPaths`) before a service runs.
 *
 * Both sides are compared after symbolic links are followed, when the request arrives:
 * a link in a chosen folder that points elsewhere leads outside, and a grant made
 * before a folder was swapped for a link follows the link as it is now.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { isInside, realLocation } from '../../engine/format/confine.js';
import type { RequestChannel } from '../shared/api.js';
import { isRunStart, type RunCommand, type RunStart } from '../../engine/protocol/run.js';
import type { EngineLink } from '../services/types.js';

/** The folders chosen files live in, as the user's tools spell them. */
export class PathGrants {
  private readonly folders = new Set<string>();

  /** The user chose `file` (or it is on the recent list): it and everything beside it may be used. */
  grantFile(file: string): void {
    if (file === '' || file.includes('\0')) return;
    this.folders.add(dirname(resolve(file)));
  }

  grantAll(files: Iterable<string>): void {
    for (const file of files) this.grantFile(file);
  }

  /** The granted folders, as the user's tools spell them. */
  list(): string[] {
    return [...this.folders];
  }

  /** Null when `path` may be used, else the message for the user, naming the path as given and what it is. */
  async problem(path: string, what: string): Promise<string | null> {
    if (path.includes('\0')) return `${what} ${JSON.stringify(path)} contains a NUL character`;
    const real = await realLocation(resolve(path));
    for (const folder of this.folders) {
      if (isInside(await realLocation(folder), real)) return null;
    }
    return `${what} ${path} is not a file you opened or saved, nor beside one; open or save a graph in its folder first (the desktop app touches only files you chose and the folders they are in)`;
  }
}

/**
 * The engine link of the desktop services: every run it starts carries the folders granted
 * at that moment as `allowedFolders`, so the engine itself refuses a dataset, weights or
 * checkpoint path written inside a graph file that leads elsewhere (engine/format/confine.ts).
 * Whatever the page put there is replaced: only this process grants.
 */
export function grantingEngineLink(link: EngineLink, grants: PathGrants): EngineLink {
  return {
    send: (command) => link.send(isRunStartCommand(command) ? { ...command, allowedFolders: grants.list() } : command),
    configure: (backend, options) => link.configure(backend, options),
  };
}

function isRunStartCommand(command: RunCommand): command is RunStart {
  return isRunStart(command.type);
}

/** A path a request carries and what the message should call it. */
export interface RequestPath {
  readonly path: string;
  readonly what: string;
}

const ENGINE_PATH_FIELDS: Readonly<Record<string, string>> = {
  weights: 'the weights folder',
  resumeFrom: 'the checkpoint to resume from',
  checkpointDir: 'the checkpoint folder',
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * The file paths in a request (after its schema accepted it). Relative engine paths
 * resolve as the engine resolves them (engine/run/open.ts): against the graph's folder,
 * else `fallbackDir`.
 */
export function requestPaths(channel: RequestChannel, payload: unknown, fallbackDir: string): RequestPath[] {
  const p = record(payload);
  const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
  switch (channel) {
    case 'file.open':
    case 'file.save':
    case 'recovery.save':
      return str(p['path']) ? [{ path: p['path'], what: 'the graph file' }] : [];
    case 'runs.list':
    case 'runs.curves':
    case 'runs.log':
    case 'sweep.start':
    case 'sweep.cancel':
    case 'sweep.resume':
      return str(p['graphPath']) ? [{ path: p['graphPath'], what: 'the graph file' }] : [];
    case 'engine.send': {
      const command = record(p['command']);
      const graphPath = command['graphPath'];
      const out: RequestPath[] = str(graphPath) ? [{ path: graphPath, what: 'the graph file' }] : [];
      const base = str(graphPath) ? dirname(resolve(graphPath)) : fallbackDir;
      for (const [field, what] of Object.entries(ENGINE_PATH_FIELDS)) {
        const v = command[field];
        if (str(v)) out.push({ path: isAbsolute(v) ? v : resolve(base, v), what });
      }
      return out;
    }
    default:
      return [];
  }
}

/** The first problem among a request's paths, or null. */
export async function requestPathProblem(grants: PathGrants, channel: RequestChannel, payload: unknown, fallbackDir: string): Promise<string | null> {
  for (const { path, what } of requestPaths(channel, payload, fallbackDir)) {
    const problem = await grants.problem(path, what);
    if (problem) return problem;
  }
  return null;
}
