import { SCHEDULES } from '../../../nodes/config.js';
import { choiceOption, onePositional, options, parse } from '../args.js';
import { openAndCompile, printWarnings } from '../open.js';
import { formatPlan } from '../../compile/plan-text.js';
import type { Io } from '../io.js';

const USAGE = 'attractor compile FILE [--schedule synchronous|sequential|chromatic|asynchronous] [--order fixed|shuffled] [--json]';

export async function compileCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, options(['schedule', 'order'], ['json']), USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const schedule = choiceOption(values, 'schedule', SCHEDULES);
  const order = choiceOption(values, 'order', ['fixed', 'shuffled'] as const);
  const { plan, warnings } = await openAndCompile(file, { schedule, order });
  if (values.json) {
    io.out(JSON.stringify({ file, plan, warnings }));
    return 0;
  }
  printWarnings(io, file, warnings);
  io.out(formatPlan(plan));
  return 0;
}
