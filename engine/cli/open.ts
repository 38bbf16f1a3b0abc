/**
 * What the commands that run the engine share: the graph file opened by the run driver
 * (compiled with the command's settle overrides, its data loaded and checked) and the
 * backend started, in that order, so a broken graph is reported before an unavailable
 * backend. Every failure of the user's input is an InputError naming the file or option.
 */
import { parseBackendName, startBackend, type BackendInfo, type BackendName } from '../backend/select.js';
import type { SettleOverrides } from '../compile/compile.js';
import type { Problem } from '../../nodes/problems.js';
import { problemLines } from '../run/input-error.js';
import { compileLoaded, loadGraph, loadRunData, type CompiledGraph, type GraphSource, type OpenedRun } from '../run/open.js';
import { InputError } from './errors.js';
import type { Io } from './io.js';
import { withOverrides } from './record-option.js';

/** A graph file named on the command line: messages and checkpoints name it as typed. */
export function fileSource(file: string): GraphSource {
  return { path: file, fallbackDir: process.cwd() };
}

/** `set`: graph parameters by path (`--set`), applied before compiling. */
export async function openAndCompile(file: string, overrides: SettleOverrides = {}, set: Record<string, unknown> = {}): Promise<CompiledGraph> {
  const loaded = await loadGraph(fileSource(file));
  return compileLoaded({ ...loaded, graph: withOverrides(loaded.graph, set, file) }, overrides);
}

export function backendOption(raw: unknown): BackendName | 'auto' {
  try {
    return parseBackendName(String(raw ?? 'auto'));
  } catch (err) {
    throw new InputError(`--backend: ${(err as Error).message}`);
  }
}

export async function openCommandRun(file: string, overrides: SettleOverrides, backendName: unknown, set: Record<string, unknown> = {}): Promise<{ opened: OpenedRun; backend: BackendInfo }> {
  const prefer = backendOption(backendName);
  const compiled = await openAndCompile(file, overrides, set);
  let backend: BackendInfo;
  try {
    backend = await startBackend(prefer);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  return { opened: await loadRunData(compiled), backend };
}

/** Warnings go to stderr, one line each, so stdout stays the command's result. */
export function printWarnings(io: Io, file: string, warnings: readonly Problem[]): void {
  problemLines(file, warnings).forEach((l) => io.err(l));
}
