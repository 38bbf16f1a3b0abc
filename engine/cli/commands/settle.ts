import { SCHEDULES } from '../../../nodes/config.js';
import { tf } from '../../tf.js';
import type { RunEvent } from '../../protocol/run.js';
import { RunControl } from '../../run/control.js';
import { backendSummary } from '../../run/context.js';
import { settleRun, type SettleOutcome } from '../../run/settle-run.js';
import { choiceOption, intOption, numberOption, onePositional, options, parse } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { Interrupts } from '../interrupt.js';
import { openCommandRun, printWarnings } from '../open.js';
import { SettleTrace, attentionJson, bodyLines, headerLines, riseWarning } from '../settle-report.js';
import type { Io } from '../io.js';
import { RECORD_USAGE, recordFor, recordOptions, setValues } from '../record-option.js';

const USAGE = `attractor settle FILE [--steps N] [--theta X] [--schedule S] [--order fixed|shuffled] [--seed K] [--batch B] [--backend auto|tensorflow|webgpu|wasm|cpu] [--weights DIR] [--record attention] [--json [--states]] ${RECORD_USAGE}`;

export interface SettleDeps {
  /** Ctrl-C: the first stops the settle before its next iteration (the report shows what was done, exit 130). */
  readonly interrupts?: Interrupts;
}

export async function settleCommand(argv: string[], io: Io, deps: SettleDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, { ...options(['steps', 'theta', 'schedule', 'order', 'seed', 'batch', 'backend', 'weights', 'record'], ['json', 'states']), ...recordOptions() }, USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const overrides = {
    steps: intOption(values, 'steps', 1),
    theta: numberOption(values, 'theta', (n) => n > 0, 'a number > 0'),
    schedule: choiceOption(values, 'schedule', SCHEDULES),
    order: choiceOption(values, 'order', ['fixed', 'shuffled'] as const),
    seed: intOption(values, 'seed', 0),
    batch: intOption(values, 'batch', 1),
  };
  const record = choiceOption(values, 'record', ['attention'] as const);
  const json = Boolean(values.json);
  if (values.states && !json) throw new InputError(`--states adds the final states to the JSON output: pass --json too\nusage: ${USAGE}`);
  const trace = new SettleTrace();
  const control = new RunControl('settle', 'settle', trace.take);
  const release = deps.interrupts?.(() => control.cancel(), 'iteration');
  try {
    const { opened, backend } = await openCommandRun(file, overrides, values.backend, setValues(values));
    const { plan, datasets } = opened;
    if (!json) printWarnings(io, file, opened.warnings);
    const size = plan.settle.batch;
    // The head of the report goes out as the run starts: a long settle shows at once what it runs.
    const emit = (ev: RunEvent) => {
      trace.take(ev);
      if (ev.type === 'run.started' && !json) headerLines(trace.started!, [...datasets.keys()], size).forEach((l) => io.out(l));
    };
    const outcome = await settleRun(
      opened,
      {
        examples: { count: size },
        weights: typeof values.weights === 'string' ? { dir: values.weights, option: '--weights' } : undefined,
        record: { activations: false, attention: record === 'attention', every: 1, examples: size, maxFps: Infinity },
        summarizeLayers: true,
        ...(json ? { details: { states: Boolean(values.states) } } : {}),
        runRecord: recordFor(file, argv, values, io),
      },
      { control, emit, backend: backendSummary(backend), backendName: backend.name },
    );
    const warning = riseWarning(outcome.energyRises);
    if (json) {
      const started = trace.started!;
      io.out(
        JSON.stringify({
          file,
          backend: backend.name,
          backendDetail: backend.detail,
          weights: started.totals.weights,
          schedule: plan.schedule,
          guarantee: plan.guarantee.kind,
          guaranteeReason: plan.guarantee.reason,
          batch: size,
          examples: datasets.size > 0 ? started.totals.examples : undefined,
          iterations: outcome.iterations,
          energy: trace.meanEnergy,
          energyPerExample: trace.energy,
          maxChange: trace.maxChange,
          tStar: outcome.tStar.map((t) => t ?? -1),
          cycle2: outcome.cycle2,
          stability: outcome.stability,
          energyRises: outcome.energyRises,
          theta: plan.settle.theta,
          layers: outcome.layers,
          ...(outcome.details ? { phaseEnergy: outcome.details.phaseEnergy, energyTerms: outcome.details.energyTerms } : {}),
          ...(outcome.details?.states ? { states: outcome.details.states } : {}),
          ms: Math.round(outcome.ms * 10) / 10,
          tensors: tf.memory().numTensors,
          ...(record === 'attention' ? attentionJson(trace) : {}),
          ...(outcome.cancelled ? { interrupted: true } : {}),
        }),
      );
    } else {
      if (warning) io.err(warning);
      bodyLines(trace, outcome).forEach((l) => io.out(l));
    }
    return interrupted(io, outcome, plan.settle.steps);
  } finally {
    release?.();
  }
}

function interrupted(io: Io, o: SettleOutcome, steps: number): number {
  if (!o.cancelled) return EXIT.ok;
  io.err(`interrupted after iteration ${o.iterations} of at most ${steps}: not settled (the report shows the iterations done)`);
  return EXIT.interrupted;
}
