/**
 * The one API between the UI and the services behind it (the Electron main
 * process, or the web-mode Node host over a WebSocket): every request channel
 * with the schema of its payload, and every event the services may push.
 *
 * Both hosts validate each payload with these schemas before a service sees it
 * (`parseRequest`), so a compromised or buggy renderer cannot send a service
 * anything it did not declare. Responses are typed but not re-validated: they
 * come from our own code.
 *
 * Graphs travel as plain JSON (`unknown` here): services validate them with the
 * node catalog, the same way a file is validated on load.
 */
import { z } from '../../nodes/schema.js';
import type { GraphDoc } from '../../nodes/graph.js';
import type { Problem } from '../../nodes/problems.js';
import type { CheckResult } from '../../engine/protocol/check.js';
import { runCommandSchema, type Encoded } from '../../engine/protocol/run.js';

// ---- shared payload pieces -----------------------------------------------

const filePath = z.string().min(1).max(4096);
const graphJson = z.unknown().refine((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'expected a graph object' });
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a session id of letters, digits, _ or -' });

/** A graph that is open: where it lives (null until first saved) and its name for the title bar. */
export interface OpenedGraph {
  readonly ok: true;
  readonly path: string | null;
  readonly name: string;
  readonly graph: GraphDoc;
  /** Set when the file was in an older format version and has been migrated in memory. */
  readonly migratedFrom?: number;
}
/** A file that failed to load: nothing is opened, the current graph is untouched. */
export interface RefusedGraph {
  readonly ok: false;
  readonly source: string;
  readonly problems: readonly Problem[];
}
export interface Cancelled {
  readonly ok: false;
  readonly cancelled: true;
}
export type OpenResult = OpenedGraph | RefusedGraph | Cancelled;
export type SaveResult = { readonly ok: true; readonly path: string; readonly name: string } | RefusedGraph | Cancelled;

export interface RecentFile {
  readonly path: string;
  readonly name: string;
  readonly openedAt: string;
  readonly exists: boolean;
}
export interface ExampleInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly nodes: number;
}
export interface WorkspaceFile {
  readonly path: string;
  readonly name: string;
  readonly modifiedAt: string;
  readonly bytes: number;
}
export interface Recovery {
  readonly sessionId: string;
  readonly name: string;
  /** The file the recovered graph belongs to, if it had been saved. */
  readonly path: string | null;
  readonly savedAt: string;
}
export interface AppInfo {
  readonly mode: 'electron' | 'web';
  readonly version: string;
  readonly platform: string;
  /** Web mode: the folder on the host that Open/Save As browse (files never leave the host otherwise). */
  readonly workspace?: string;
}

/**
 * The backends the engine can be asked for (engine/backend/select.ts): `auto` tries
 * tensorflow (tfjs-node-gpu, CUDA), then wasm, then cpu, and says why it skipped one.
 */
export const ENGINE_BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type EngineBackend = (typeof ENGINE_BACKENDS)[number];

// ---- requests ------------------------------------------------------------

/** Request channel → payload schema. Add a channel here, then in each host's service table. */
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
  /** A command for the engine host (settle, train, pause, step, cancel, ...; engine/protocol/run.ts). Its answers come back as `engine.event`s. */
  'engine.send': z.object({ command: runCommandSchema }).strict(),
  /**
   * The engine's backend (Settings). The engine always runs in a Node process (the desktop
   * app's utility process, the web host's worker thread), never in the renderer: the
   * engine process is restarted with this backend, refused while a run is in progress.
   */
  'engine.configure': z.object({ backend: z.enum(ENGINE_BACKENDS, { error: `expected one of ${ENGINE_BACKENDS.join(', ')}` }) }).strict(),
} as const;

export type RequestChannel = keyof typeof requestSchemas;
export type RequestPayload<C extends RequestChannel> = z.input<(typeof requestSchemas)[C]>;

export interface ResponseTypes {
  'app.info': AppInfo;
  'graph.check': CheckResult;
  'file.open': OpenResult;
  'file.openText': OpenResult;
  'file.save': SaveResult;
  'file.saveAs': SaveResult;
  'file.recent': RecentFile[];
  'file.clearRecent': void;
  'file.workspace': WorkspaceFile[];
  'examples.list': ExampleInfo[];
  'examples.open': OpenResult;
  'recovery.save': { readonly savedAt: string };
  'recovery.list': Recovery[];
  'recovery.restore': OpenResult;
  'recovery.discard': void;
  'window.setState': void;
  'window.close': void;
  'engine.send': void;
  'engine.configure': void;
}
export type Response<C extends RequestChannel> = ResponseTypes[C];

// ---- events (services → UI) ----------------------------------------------

export const MENU_COMMANDS = [
  'new', 'open', 'save', 'saveAs', 'examples', 'close',
  'undo', 'redo', 'cut', 'copy', 'paste', 'duplicate', 'delete', 'selectAll',
  'zoomToFit', 'arrange', 'comment', 'settings',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface EventTypes {
  /** A menu item or accelerator handled by the native menu. */
  'menu.command': { readonly command: MenuCommand };
  /** Open this file (file association, second instance, Open Recent in the native menu). */
  'file.openPath': { readonly path: string };
  /** The user tried to close a window with unsaved changes and chose Save. */
  'window.saveAndClose': Record<string, never>;
  /**
   * One engine event (engine/protocol/run.ts RunEvent) in the codec's JSON-safe form:
   * `decode(payload.event)` gives it back with its typed arrays. Encoded on every
   * transport so the renderer has one path (IPC and the WebSocket alike).
   */
  'engine.event': { readonly event: Encoded };
}
export type EventChannel = keyof EventTypes;
export const EVENT_CHANNELS = ['menu.command', 'file.openPath', 'window.saveAndClose', 'engine.event'] as const satisfies readonly EventChannel[];

// ---- the client surface ----------------------------------------------------

/** What the renderer holds as `window.api` (Electron preload) or builds over a WebSocket (web mode). */
export interface AttractorApi {
  call<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<Response<C>>;
  /** Returns an unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventTypes[E]) => void): () => void;
  /** Electron: the filesystem path of a dropped File (webUtils); web mode: null. */
  pathForFile(file: File): string | null;
}

// ---- validation used by both hosts -----------------------------------------

export type ParsedRequest =
  | { ok: true; channel: RequestChannel; payload: unknown }
  | { ok: false; error: string };

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, channel);
}

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

/** An error that crossed the API: the message is for the user, `channel` for the log. */
export interface ApiErrorShape {
  readonly channel: string;
  readonly message: string;
}
