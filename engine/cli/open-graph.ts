/** Open a graph file and compile it, turning every problem into an InputError naming the file. */
import { loadGraphFile } from '../format/load.js';
import { problemLine, type Problem } from '../../nodes/problems.js';
import type { GraphDoc } from '../../nodes/graph.js';
import { compileGraph, type SettleOverrides } from '../compile/compile.js';
import type { Plan } from '../compile/plan.js';
import { InputError } from './errors.js';

export function problemLines(file: string, problems: readonly Problem[]): string[] {
  // A problem with the file as a whole (missing, not JSON) has no path to show.
  return problems.map((p) => `${file}: ${p.path.length === 0 ? p.message : problemLine(p)}`);
}

export async function openGraph(file: string): Promise<GraphDoc> {
  const loaded = await loadGraphFile(file);
  if (!loaded.ok) {
    const lines = problemLines(file, loaded.problems);
    throw new InputError(lines[0], lines.slice(1));
  }
  return loaded.graph;
}

export interface Compiled {
  readonly graph: GraphDoc;
  readonly plan: Plan;
  readonly warnings: readonly Problem[];
}

export async function openAndCompile(file: string, overrides: SettleOverrides = {}): Promise<Compiled> {
  const graph = await openGraph(file);
  const { plan, problems } = compileGraph(graph, overrides);
  if (!plan) {
    const lines = problemLines(file, problems.filter((p) => p.severity === 'error'));
    throw new InputError(lines[0], lines.slice(1));
  }
  return { graph, plan, warnings: problems.filter((p) => p.severity === 'warning') };
}
