import { compileGraph } from '../../compile/compile.js';
import { onePositional, parse } from '../args.js';
import { InputError } from '../errors.js';
import { problemLines } from '../../run/input-error.js';
import { loadGraph } from '../../run/open.js';
import { fileSource } from '../open.js';
import type { Io } from '../io.js';

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
  io.out(`${file}: ok — ${graph.nodes.length} nodes, ${graph.edges.length} edges; ${plan!.schedule} schedule, guarantee ${plan!.guarantee.kind}`);
  return 0;
}
