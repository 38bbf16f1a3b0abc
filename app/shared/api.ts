/**
 * The one API between the UI and the services behind it (the Electron main
 * process, or the web-mode Node host over a WebSocket): every request channel
 * and the types of its payload and answer, and every event the services may push.
 *
 * Names and types only, no schema code: the sandboxed preload imports this module
 * and bundles whatever it pulls in. The payload schemas, and the check both hosts
 * run with them before a service sees a request, are in ./request-schemas.ts; the
 * payload types here are derived from those schemas (type-only imports, erased
 * from the bundle), so each is written once. Responses are typed but not
 * re-validated: they come from our own code.
 *
 * Adding a channel: its name in REQUEST_CHANNELS, its schema in
 * ./request-schemas.ts, its answer in ResponseTypes, its handler in
 * app/services; the compiler points at each one still missing.
 */
import type { z } from '../../nodes/schema.js';
import type { BlockDefinition, GraphDoc } from '../../nodes/graph.js';
import type { Problem } from '../../nodes/problems.js';
import type { CheckResult } from '../../engine/protocol/check.js';
import type { Encoded } from '../../engine/protocol/run.js';
import type { RunCurves, RunInfo, SettingsTable } from '../../engine/protocol/runs.js';
import type { SweepInfo } from '../../engine/protocol/sweeps.js';
import type { requestSchemas } from './request-schemas.js';

// ---- answers and their parts --------------------------------------------

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
/** A block library file read for import: its definitions, or why it was refused. */
export type BlockLibraryResult = { readonly ok: true; readonly name: string; readonly blocks: readonly BlockDefinition[] } | RefusedGraph;
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
 * tensorflow (tfjs-node-gpu, CUDA), then webgpu on a hardware adapter, then wasm, then cpu,
 * and says why it skipped one.
 */
export const ENGINE_BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type EngineBackend = (typeof ENGINE_BACKENDS)[number];

// ---- requests ------------------------------------------------------------

/** Every request channel; what each carries is documented with its schema (./request-schemas.ts). */
export const REQUEST_CHANNELS = [
  'app.info',
  'graph.check',
  'file.open',
  'file.openText',
  'file.save',
  'file.saveAs',
  'file.recent',
  'file.clearRecent',
  'file.workspace',
  'examples.list',
  'examples.open',
  'blocks.openText',
  'recovery.save',
  'recovery.list',
  'recovery.restore',
  'recovery.discard',
  'window.setState',
  'window.close',
  'engine.send',
  'engine.configure',
  'runs.list',
  'runs.curves',
  'runs.log',
  'sweep.start',
  'sweep.cancel',
  'sweep.resume',
] as const;

export type RequestChannel = (typeof REQUEST_CHANNELS)[number];
/** What the UI sends on a channel, before validation (defaults not yet filled in). */
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
  'blocks.openText': BlockLibraryResult;
  'recovery.save': { readonly savedAt: string };
  'recovery.list': Recovery[];
  'recovery.restore': OpenResult;
  'recovery.discard': void;
  'window.setState': void;
  'window.close': void;
  'engine.send': void;
  'engine.configure': void;
  'runs.list': { readonly runs: RunInfo[]; readonly sweeps: SweepInfo[] };
  'runs.curves': { readonly curves: RunCurves[]; readonly settings: SettingsTable };
  'runs.log': { readonly text: string; readonly offset: number };
  'sweep.start': { readonly id: string; readonly dir: string };
  'sweep.cancel': void;
  'sweep.resume': void;
}
export type Response<C extends RequestChannel> = ResponseTypes[C];

// ---- events (services → UI) ----------------------------------------------

export const MENU_COMMANDS = [
  'new', 'open', 'save', 'saveAs', 'examples', 'close',
  'undo', 'redo', 'cut', 'copy', 'paste', 'duplicate', 'delete', 'selectAll',
  'zoomToFit', 'arrange', 'wireShapes', 'comment', 'settings',
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

/**
 * One-way, preload → main: the path of a File the user dropped or picked in the page
 * (webUtils.getPathForFile). Page code cannot make a File with a disk path, so main adds it
 * to the files the user chose (app/main/path-grants.ts). Not a request channel: no reply.
 */
export const CHOSEN_PATH_CHANNEL = 'file.chosenPath';

// ---- run-time checks of channel names (the preload and main check every channel) ----

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(channel);
}

export function isEventChannel(event: unknown): event is EventChannel {
  return typeof event === 'string' && (EVENT_CHANNELS as readonly string[]).includes(event);
}
