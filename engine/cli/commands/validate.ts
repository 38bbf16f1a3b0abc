import { compileGraph } from '../../compile/compile.js';
import { onePositional, parse } from '../args.js';
import { InputError } from '../errors.js';
import { problemLines } from '../../run/input-error.js';
import { loadGraph } from '../../run/open.js';
import { fileSource } from '../open.js';
import type { Io } from '../io.js';
import type { GraphDoc } from '../../../nodes/graph.js';
import { isBlockInstance, PATH_SEPARATOR } from '../../../nodes/blocks.js';
import type { Plan } from '../../compile/plan.js';

const USAGE = 'attractor validate FILE [--json]';

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const { graph } = await loadGraph(fileSource(file));
  const { plan, problems } = compileGraph(graph);
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (values.json) {
    io.out(JSON.stringify({ file, ok: errors.length === 0, problems }));
    return errors.length === 0 ? 0 : 2;
  }
  if (errors.length > 0) {
    const lines = problemLines(file, errors);
    throw new InputError(lines[0], [...lines.slice(1), ...problemLines(file, warnings)]);
  }
  problemLines(file, warnings).forEach((l) => io.err(l));
  io.out(`${file}: ok — ${graph.nodes.length} nodes${blocksText(graph, plan!)}, ${graph.edges.length} edges; ${plan!.schedule} schedule, guarantee ${plan!.guarantee.kind}`);
  return 0;
}

/** " (3 block instances of 1 definition; 13 nodes flattened)", or nothing for a graph without blocks. */
function blocksText(graph: GraphDoc, plan: Plan): string {
  const uses = plan.blocks ?? [];
  if (uses.length === 0 && graph.blocks.length === 0) return '';
  const used = new Set(uses.map((u) => u.block));
  const unused = graph.blocks.filter((b) => !used.has(b.id)).length;
  // A top-level instance's count includes the blocks nested in it.
  const flat = graph.nodes.filter((n) => !isBlockInstance(n)).length + uses.filter((u) => !u.path.includes(PATH_SEPARATOR)).reduce((n, u) => n + u.nodes, 0);
  const defs = `${graph.blocks.length} definition${graph.blocks.length === 1 ? '' : 's'}${unused > 0 ? `, ${unused} unused` : ''}`;
  return ` (${uses.length} block instance${uses.length === 1 ? '' : 's'} of ${defs}; ${flat} nodes flattened)`;
}
