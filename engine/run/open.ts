/**
 * Opening what a run needs, in the order its failures are reported: the graph (a file,
 * or a document sent by the editor), compiled with the run's settle overrides, then its
 * datasets loaded relative to the graph's folder and checked against the layers they
 * feed. Every failure of the input is a RunInputError that names the graph.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { GraphDoc } from '../../nodes/graph.js';
import type { Problem } from '../../nodes/problems.js';
import { compileGraph, type SettleOverrides } from '../compile/compile.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import { InitFileError, loadInitFiles, type InitValues } from '../data/init-files.js';
import { loadGraphFile, loadGraphJson } from '../format/load.js';
import { DataError, loadPlanDatasets } from '../runtime/prepare.js';
import { graphProblems, RunInputError } from './input-error.js';

export interface GraphSource {
  /** The document itself (the editor's, maybe unsaved); absent or null: read `path`. */
  readonly document?: unknown;
  /** The graph's file, as messages and checkpoints name it; null for an unsaved graph. */
  readonly path: string | null;
  /** Where datasets and weights of an unsaved graph resolve. */
  readonly fallbackDir: string;
}

export interface LoadedGraph {
  readonly graph: GraphDoc;
  readonly graphPath: string | null;
  /** What messages call the graph: its path, or "the graph". */
  readonly source: string;
  /** Dataset and weights paths resolve against this: the graph's folder, else the fallback. */
  readonly baseDir: string;
}

export interface CompiledGraph extends LoadedGraph {
  readonly plan: Plan;
  readonly warnings: readonly Problem[];
}

export interface OpenedRun extends CompiledGraph {
  readonly datasets: Map<string, Dataset>;
  /** Initial values of the parameters the graph starts from files (`init.kind: "file"`), checked against their shapes. */
  readonly initFiles: InitValues;
}

export function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export async function loadGraph(src: GraphSource): Promise<LoadedGraph> {
  const source = src.path ?? 'the graph';
  const given = src.document !== undefined && src.document !== null;
  if (!given && src.path === null) throw new RunInputError('no graph: expected a document or a file to read it from');
  const loaded = given ? loadGraphJson(src.document, source) : await loadGraphFile(src.path!);
  if (!loaded.ok) throw graphProblems(source, loaded.problems);
  return { graph: loaded.graph, graphPath: src.path, source, baseDir: src.path !== null ? dirname(src.path) : src.fallbackDir };
}

export function compileLoaded(loaded: LoadedGraph, overrides: SettleOverrides = {}): CompiledGraph {
  const { plan, problems } = compileGraph(loaded.graph, overrides);
  if (!plan) throw graphProblems(loaded.source, problems.filter((p) => p.severity === 'error'));
  return { ...loaded, plan, warnings: problems.filter((p) => p.severity === 'warning') };
}

/** Loads the plan's datasets; `signal` stops the reading when the run is cancelled meanwhile (the abort is thrown as it is). */
export async function loadRunData(compiled: CompiledGraph, signal?: AbortSignal): Promise<OpenedRun> {
  try {
    const datasets = await loadPlanDatasets(compiled.plan, compiled.baseDir, signal ? { signal } : {});
    return { ...compiled, datasets, initFiles: await loadInitFiles(compiled.plan, compiled.baseDir) };
  } catch (err) {
    if (err instanceof DataError) throw graphProblems(compiled.source, [dataProblem(compiled.graph, err)]);
    // InitFileError names the coupling node and its file.
    if (err instanceof InitFileError) throw new RunInputError(`${compiled.source}: ${err.message}`);
    throw err;
  }
}

/** A DataError as a problem of the graph: on the node it names, with the path in the file. */
function dataProblem(graph: GraphDoc, err: DataError): Problem {
  const index = graph.nodes.findIndex((n) => n.id === err.nodeId);
  return { severity: 'error', path: ['nodes', index, ...err.path], nodeId: err.nodeId, ...(err.port ? { port: err.port } : {}), message: err.message };
}

/** The graph, compiled with `overrides`, and its data: all a run needs besides weights. */
export async function openRun(src: GraphSource, overrides: SettleOverrides = {}, signal?: AbortSignal): Promise<OpenedRun> {
  return loadRunData(compileLoaded(await loadGraph(src), overrides), signal);
}
