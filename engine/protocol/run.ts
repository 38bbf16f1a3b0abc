/**
 * The run protocol: what a client (the renderer, a WebSocket page, a test) sends the
 * engine host, and what the host streams back while it settles or trains.
 *
 * Plain data only — no TensorFlow.js, no Node built-ins — because the renderer imports
 * this file. Commands come with Zod schemas (a host must not trust what it receives);
 * events are typed but not validated (they come from our own engine).
 *
 * Conventions, so a dashboard can be written against the types alone:
 * - Every run has a client-chosen `runId`; every event of a run carries it.
 * - `run.started` opens a run, `run.done`, `run.cancelled` or a `run.error` with
 *   `ended: true` closes it. One run at a time per host: a start while one is in
 *   progress is refused (`run.error`, `ended: true` for the refused runId), not queued.
 * - Bulk numbers travel as Float32Array (structured clone / transferable); over JSON
 *   transports use `encode`/`decode` (./codec.ts), which round-trip them exactly.
 * - Layer data is in engine layout: a vector is [n], a grid [height, width, channels]
 *   (channels last), tokens [tokens, dim]; `dims` is one example's shape.
 * - Pause, step and cancel act between iterations (settling) or batches (training).
 *   While paused, each `run.step` runs exactly one and is answered by its events and
 *   then a fresh `run.paused` with the new position.
 */
import { z, positive, positiveInt } from '../../nodes/schema.js';
import { METHODS, SCHEDULES } from '../../nodes/config.js';
import { pathText, problemsFromZod, type Problem } from '../../nodes/problems.js';
import { capacitySweepSchema } from './capacity.js';
import type { RunKind } from './run-events.js';

export { decode, decodeText, encode, encodeText, transferables, type Encoded } from './codec.js';
export type * from './run-events.js';
export * from './capacity.js';

// ---- commands: client → engine ---------------------------------------------------

const runId = z.string({ error: 'expected a run id (a non-empty string)' }).min(1, { error: 'expected a run id (a non-empty string)' }).max(200);
const count = (what: string) => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(0, { error: `expected ${what}` });
const path = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

/**
 * The desktop app's grant, set by its main process on every run it forwards (never by
 * the page): the folders of the files the user chose. The run touches files only there
 * (engine/format/confine.ts). An engine confined to a workspace (the web mode) ignores it.
 */
const allowedFolders = z.array(path('a folder')).max(10_000).optional();
const every = (what: string) => positiveInt(`an integer ≥ 1 (${what})`);

/** Most examples one settle run takes (the UI draws each); larger batches belong to training. */
export const MAX_SETTLE_EXAMPLES = 256;
/** Most examples a frame or an attention event carries. */
export const MAX_FRAME_EXAMPLES = 16;

/**
 * An example by its position within a part of the data. Positions follow the part's spread
 * order (engine/data/sample.ts: classes in turn, seeded), so 0, 1, 2 … are examples of
 * different classes, not the first ones of a data set stored class by class.
 */
export const exampleRefSchema = z.object({ part: z.enum(['train', 'test']), index: count('an integer ≥ 0 (position within the part)') }).strict();

/** Most values a drawn input may carry (a 1024×1024 single-channel grid). */
export const MAX_INPUT_UNITS = 1 << 20;

/**
 * A drawn example (the Settle view's paint canvas) for one clamped visible layer, in place
 * of the dataset's: pixel intensities in [0, 1] in engine layout (grids channels-last),
 * one per unit of the layer. The engine maps them as it maps the dataset's images (2v − 1
 * where that data is used symmetric); the clamp's mask still decides which units are held.
 * A number list over JSON transports; a Float32Array where structured clone carries it.
 */
export const drawnInputSchema = z
  .object({
    layer: z.string({ error: 'expected a layer id' }).min(1, { error: 'expected a layer id' }),
    data: z.union([z.array(z.number({ error: 'expected a finite number' })).max(MAX_INPUT_UNITS), z.instanceof(Float32Array).refine((a) => a.length <= MAX_INPUT_UNITS, { error: `expected at most ${MAX_INPUT_UNITS} values` })], {
      error: 'expected the drawn values: a list of numbers or a Float32Array',
    }),
  })
  .strict();

/**
 * An edited start (the Settle view's unit editor, Simbrain's "edit the state, then run"):
 * the state one layer starts from, one value per unit in engine layout, within the layer's
 * range. Units a clamp holds are held at these values instead of the data's.
 */
export const startStateSchema = z
  .object({
    layer: z.string({ error: 'expected a layer id' }).min(1, { error: 'expected a layer id' }),
    data: z.union([z.array(z.number({ error: 'expected a finite number' })).max(MAX_INPUT_UNITS), z.instanceof(Float32Array).refine((a) => a.length <= MAX_INPUT_UNITS, { error: `expected at most ${MAX_INPUT_UNITS} values` })], {
      error: 'expected the start values: a list of numbers or a Float32Array',
    }),
  })
  .strict();

/** Settle-config fields a run may override; unlike the graph's own section, nothing defaults here. */
export const settleOverridesSchema = z
  .object({
    schedule: z.enum(SCHEDULES, { error: `expected one of ${SCHEDULES.join(', ')}` }).optional(),
    order: z.enum(['fixed', 'shuffled']).optional(),
    steps: positiveInt().optional(),
    theta: positive().optional(),
    seed: z.number().int({ error: 'expected an integer seed' }).optional(),
  })
  .strict();

export const settleStartSchema = z
  .object({
    type: z.literal('settle.start'),
    runId,
    allowedFolders,
    /** The graph document as JSON (the editor's, maybe unsaved); absent or null: read graphPath. */
    graph: z.unknown().optional(),
    /** Where the graph lives: datasets and the weights sidecar resolve against its folder. */
    graphPath: path('a graph file path').nullable(),
    /** A checkpoint folder; absent or null: the graph's own `weights`, else fresh weights. */
    weights: path('a checkpoint folder').nullable().optional(),
    /** Examples by position within a part of the data, or `count` picked from the held-out part. */
    examples: z.union([
      z.array(exampleRefSchema).min(1).max(MAX_SETTLE_EXAMPLES),
      z.object({ count: positiveInt().max(MAX_SETTLE_EXAMPLES) }).strict(),
    ]),
    overrides: settleOverridesSchema.optional(),
    /** A drawn example instead of the dataset's for that layer; the run then settles one example (the first of `examples`, which still feeds the other clamps). */
    input: drawnInputSchema.optional(),
    /** Edited starts for any layers; the run then settles one example (the first of `examples`) from them. */
    start: z.array(startStateSchema).max(64).optional(),
    record: z
      .object({
        activations: z.boolean(),
        attention: z.boolean(),
        /** Frames (activations and attention) at most every this many iterations (default 1). */
        every: every('iterations between frames').optional(),
        /** Examples per frame, from the first (default 1). */
        examples: positiveInt().max(MAX_FRAME_EXAMPLES).optional(),
        /** Frames per second at most (default 30); iteration 0, the last one and steps are always sent. */
        maxFps: positive().optional(),
        /** Each frame also carries every updated layer's net input (default false). */
        netInput: z.boolean().optional(),
      })
      .strict(),
  })
  .strict()
  .refine((c) => (c.graph !== undefined && c.graph !== null) || c.graphPath !== null, {
    path: ['graph'],
    error: 'expected a graph document, or a graphPath to read it from',
  });

export const trainStartSchema = z
  .object({
    type: z.literal('train.start'),
    runId,
    allowedFolders,
    graph: z.unknown().optional(),
    graphPath: path('a graph file path').nullable(),
    method: z.enum(METHODS, { error: `expected one of ${METHODS.join(', ')}` }).optional(),
    /** Stop after this many batches in all (a resumed run counts the batches already done). */
    batches: positiveInt().optional(),
    /** Overrides of the graph's training section. */
    batch: positiveInt().optional(),
    steps: positiveInt().optional(),
    lr: positive().optional(),
    seed: z.number().int({ error: 'expected an integer seed' }).optional(),
    /** Gradient workers besides the host's thread (default 0: the host is already off the UI thread). */
    workers: z.number().int().min(0).max(64).optional(),
    /** Continue from this checkpoint folder (weights, optimiser state, step). */
    resumeFrom: path('a checkpoint folder').nullable().optional(),
    /** Where checkpoints go; default resumeFrom, else the graph's sidecar folder NAME.weights. */
    checkpointDir: path('a checkpoint folder').optional(),
    /** Replace a checkpoint already in checkpointDir (otherwise refused, as the CLI does). */
    overwrite: z.boolean().optional(),
    evalEvery: every('batches between held-out evaluations').optional(),
    /** Held-out examples per evaluation (default 200). */
    evalLimit: positiveInt().optional(),
    galleryEvery: every('batches between gallery refreshes').optional(),
    galleryCount: positiveInt().max(MAX_FRAME_EXAMPLES).optional(),
    weightsEvery: every('batches between weight views').optional(),
  })
  .strict()
  .refine((c) => (c.graph !== undefined && c.graph !== null) || c.graphPath !== null, {
    path: ['graph'],
    error: 'expected a graph document, or a graphPath to read it from',
  })
  .refine((c) => c.graphPath !== null || c.checkpointDir !== undefined || (c.resumeFrom ?? null) !== null, {
    path: ['checkpointDir'],
    error: 'expected a checkpoint folder: a graph without a graphPath has no sidecar folder to train into',
  });

/** The capacity and basin explorer on the graph (or, with neither graph nor graphPath, on a net built from `sweep.net` and `sweep.sizes`). */
export const capacityStartSchema = z
  .object({
    type: z.literal('capacity.start'),
    runId,
    allowedFolders,
    graph: z.unknown().optional(),
    graphPath: path('a graph file path').nullable(),
    sweep: capacitySweepSchema,
  })
  .strict();

/** Most examples a gradient check settles (each finite difference settles them all twice). */
export const MAX_GRADCHECK_EXAMPLES = 64;

/** Check gradients: BPTT, recurrent backprop and finite differences on sampled entries of every parameter. */
export const gradcheckStartSchema = z
  .object({
    type: z.literal('gradcheck.start'),
    runId,
    allowedFolders,
    graph: z.unknown().optional(),
    graphPath: path('a graph file path').nullable(),
    weights: path('a checkpoint folder').nullable().optional(),
    /** Training examples checked together (default 2). */
    batch: positiveInt().max(MAX_GRADCHECK_EXAMPLES).optional(),
    /** Sampled entries per parameter (default 4). */
    perParam: positiveInt().max(64).optional(),
    seed: z.number().int({ error: 'expected an integer seed' }).optional(),
    /** Central-difference step (default 1e-3). */
    epsilon: positive().optional(),
    /** Convergence threshold of every settle (default 1e-6: float32's floor). */
    theta: positive().optional(),
    /** The long BPTT's T and every settle's cap (default 2000). */
    steps: positiveInt().optional(),
    adjointTolerance: positive().optional(),
    /** Equilibrium propagation's β for its estimate, compared too (default 0.01, as the CLI). */
    beta: positive().optional(),
  })
  .strict()
  .refine((c) => (c.graph !== undefined && c.graph !== null) || c.graphPath !== null, {
    path: ['graph'],
    error: 'expected a graph document, or a graphPath to read it from',
  });

/** The commands that open a run (refusing one ends the run it names). */
export const RUN_STARTS = ['settle.start', 'train.start', 'gradcheck.start', 'capacity.start'] as const;
export type RunStart = Extract<RunCommand, { type: (typeof RUN_STARTS)[number] }>;
/** The kind of run each start command begins. */
export const RUN_KIND_OF: Readonly<Record<RunStart['type'], RunKind>> = { 'settle.start': 'settle', 'train.start': 'train', 'gradcheck.start': 'gradcheck', 'capacity.start': 'capacity' };
export function isRunStart(type: string | undefined): type is RunStart['type'] {
  return (RUN_STARTS as readonly (string | undefined)[]).includes(type);
}

const control = <T extends string>(type: T) => z.object({ type: z.literal(type), runId }).strict();

/** Settings a paused training run may change; they hold from the next batch (answered by run.updated). */
export const runUpdateSchema = z
  .object({
    type: z.literal('run.update'),
    runId,
    lr: positive().optional(),
    steps: positiveInt().optional(),
    theta: positive().optional(),
  })
  .strict();
const requestId = z.string().max(200).optional();

export const runCommandSchema = z.discriminatedUnion(
  'type',
  [
    settleStartSchema,
    trainStartSchema,
    gradcheckStartSchema,
    capacityStartSchema,
    control('run.pause'),
    control('run.resume'),
    control('run.step'),
    control('run.cancel'),
    runUpdateSchema,
    z.object({ type: z.literal('checkpoint.list'), requestId, graphPath: path('a graph file path') }).strict(),
    z.object({ type: z.literal('engine.info'), requestId }).strict(),
  ],
  {
    error: 'expected a command with type settle.start, train.start, gradcheck.start, capacity.start, run.pause, run.resume, run.step, run.cancel, run.update, checkpoint.list or engine.info',
  },
);

export type SettleStart = z.output<typeof settleStartSchema>;
export type TrainStart = z.output<typeof trainStartSchema>;
export type GradcheckStart = z.output<typeof gradcheckStartSchema>;
export type CapacityStart = z.output<typeof capacityStartSchema>;
export type SettleOverrides = z.output<typeof settleOverridesSchema>;
export type ExampleRef = z.output<typeof exampleRefSchema>;
export type DrawnInput = z.output<typeof drawnInputSchema>;
export type StartState = z.output<typeof startStateSchema>;
export type RunUpdate = z.output<typeof runUpdateSchema>;
export type RunCommand = z.output<typeof runCommandSchema>;
export type RunCommandType = RunCommand['type'];

// ---- validation -------------------------------------------------------------------

export type ParsedCommand = { ok: true; command: RunCommand } | { ok: false; message: string; problems: Problem[]; runId?: string; command?: string };

/**
 * Validates what a transport delivered. A refusal names every wrong field by its path in
 * the command (`examples[0].part: expected "train" or "test", got "foo"`).
 */
export function parseCommand(input: unknown): ParsedCommand {
  const r = runCommandSchema.safeParse(input, { reportInput: true });
  if (r.success) return { ok: true, command: r.data };
  const problems = problemsOf(r.error.issues);
  const raw = isRecord(input) ? input : {};
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  const id = typeof raw.runId === 'string' && raw.runId !== '' ? raw.runId : undefined;
  const lines = problems.map((p) => `${p.path.length === 0 ? '(command)' : pathText(p.path)}: ${p.message}`);
  return {
    ok: false,
    message: `invalid ${type ? `${type} ` : ''}command: ${lines.join('; ')}`,
    problems,
    ...(id !== undefined ? { runId: id } : {}),
    ...(type !== undefined ? { command: type } : {}),
  };
}

/**
 * A union whose options all but one fail at their root type (a list given where a list
 * or a {count} object is allowed) is reported by the issues of the option that fits the
 * shape, so the message names the field inside it instead of "expected a valid value".
 */
function flattenUnions(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      const fitting = issue.errors.filter((errs) => !errs.every((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (fitting.length === 1) return flattenUnions(fitting[0], at);
    }
    // A cross-field rule (graph or graphPath) sees the whole command: "got an object" would say nothing.
    if (issue.code === 'custom') return [{ code: issue.code, path: at, message: issue.message } as z.core.$ZodIssue];
    return [{ ...issue, path: at }];
  });
}

function problemsOf(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return problemsFromZod(new z.ZodError(flattenUnions(issues)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
