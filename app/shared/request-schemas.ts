/**
 * The Zod schema of every request channel's payload, and the check both hosts run
 * before a service sees a request (`parseRequest`, called by app/services/dispatch.ts
 * for Electron IPC and the web host's WebSocket alike), so a compromised or buggy
 * renderer cannot send a service anything the API did not declare.
 *
 * Kept apart from ./api.ts on purpose: the sandboxed preload bundles everything it
 * imports, and it needs only the channel names and types, not Zod and the engine's
 * command schemas (≈190 kB). ./api.ts derives the payload types from these schemas
 * with type-only imports, so they are written once.
 *
 * Graphs travel as plain JSON (`unknown` here): services validate them with the
 * node catalog, the same way a file is validated on load.
 */
import { z } from '../../nodes/schema.js';
import { runCommandSchema } from '../../engine/protocol/run.js';
import { sweepSpecSchema } from '../../engine/protocol/sweeps.js';
import { ENGINE_BACKENDS, isRequestChannel, type RequestChannel } from './api.js';

const filePath = z.string().min(1).max(4096);
const graphJson = z.unknown().refine((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'expected a graph object' });
const runId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { error: 'expected a run or sweep id' });
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a session id of letters, digits, _ or -' });

/**
 * Request channel → payload schema. Typed against ./api.ts's REQUEST_CHANNELS, so a
 * channel without a schema, or a schema for an undeclared channel, does not compile.
 */
export const requestSchemas = {
  'app.info': z.object({}).strict(),
  /** Schema + compiler: problems and the plan summary, for live validation. */
  'graph.check': z.object({ graph: graphJson }).strict(),
  /** With a path: open it. Without: the native Open dialog (Electron only). */
  'file.open': z.object({ path: filePath.optional() }).strict(),
  /** Text the user picked in the browser or dropped on the window; `name` is shown in messages. */
  'file.openText': z.object({ name: z.string().min(1).max(260), text: z.string().max(50 * 1024 * 1024) }).strict(),
  'file.save': z.object({ path: filePath, graph: graphJson }).strict(),
  /** Electron: the native Save dialog (`suggestedName` prefilled). Web: `name` is a file name in the workspace. */
  'file.saveAs': z.object({ graph: graphJson, suggestedName: z.string().max(260).optional(), name: z.string().min(1).max(260).optional() }).strict(),
  'file.recent': z.object({}).strict(),
  'file.clearRecent': z.object({}).strict(),
  /** Web mode: the graph files in the workspace folder. */
  'file.workspace': z.object({}).strict(),
  'examples.list': z.object({}).strict(),
  'examples.open': z.object({ id: z.string().regex(/^[a-z0-9-]{1,100}$/, { error: 'expected an example id' }) }).strict(),
  /** Autosave of a session's unsaved graph (every 30 s while dirty). */
  'recovery.save': z.object({ sessionId, name: z.string().max(200), path: filePath.nullable(), graph: graphJson }).strict(),
  'recovery.list': z.object({}).strict(),
  'recovery.restore': z.object({ sessionId }).strict(),
  /** After a save or a clean close the session's recovery copy is dropped. */
  'recovery.discard': z.object({ sessionId }).strict(),
  /** Title bar and the unsaved marker; Electron asks before closing a dirty window. */
  'window.setState': z.object({ title: z.string().max(300), dirty: z.boolean() }).strict(),
  /** After the renderer has saved (or the user chose not to), close for real. */
  'window.close': z.object({}).strict(),
  /** A command for the engine (settle, train, pause, step, cancel, ...; engine/protocol/run.ts). Its answers come back as `engine.event`s. */
  'engine.send': z.object({ command: runCommandSchema }).strict(),
  /**
   * The engine's backend (Settings). The engine always runs in a Node process (the desktop
   * app's utility process, the web host's worker thread), never in the renderer: the
   * engine process is restarted with this backend, refused while a run is in progress.
   */
  'engine.configure': z
    .object({
      backend: z.enum(ENGINE_BACKENDS, { error: `expected one of ${ENGINE_BACKENDS.join(', ')}` }),
      /** Start it now and answer only once it is up; refused with the reason when it cannot start (Settings). */
      check: z.boolean().optional(),
    })
    .strict(),
  /** The graph's run records (NAME.runs/) and sweeps (NAME.sweeps/), newest first. */
  'runs.list': z.object({ graphPath: filePath }).strict(),
  /** Curves (with the history of resumed runs) and settings side by side, of the runs picked. */
  'runs.curves': z.object({ graphPath: filePath, ids: z.array(runId).min(1).max(20) }).strict(),
  /** A sweep task's log from `offset` on (at most 64 kB a call): tailing it. */
  'runs.log': z.object({ graphPath: filePath, sweepId: runId, index: z.number().int().min(0), offset: z.number().int().min(0).default(0) }).strict(),
  /** A sweep of the saved graph, run by the services' host (local pool, or Slurm). */
  'sweep.start': z.object({ graphPath: filePath, spec: sweepSpecSchema }).strict(),
  'sweep.cancel': z.object({ graphPath: filePath, id: runId }).strict(),
  'sweep.resume': z.object({ graphPath: filePath, id: runId }).strict(),
} as const satisfies { readonly [C in RequestChannel]: z.ZodType };

/** A validated payload, as the channel's schema outputs it (what a service receives). */
export type ValidPayload<C extends RequestChannel> = z.output<(typeof requestSchemas)[C]>;

export type ParsedRequest = { ok: true; channel: RequestChannel; payload: unknown } | { ok: false; error: string };

/** Checks the channel and the payload; the error names what was wrong, never echoes large input. */
export function parseRequest(channel: unknown, payload: unknown): ParsedRequest {
  if (!isRequestChannel(channel)) {
    const shown = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 60)) : typeof channel;
    return { ok: false, error: `unknown channel ${shown}` };
  }
  const r = requestSchemas[channel].safeParse(payload ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, error: `bad payload for "${channel}"${at}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, channel, payload: r.data };
}
