/**
 * The engine host as a process of its own (bundled to dist/engine-server.mjs): starts the
 * backend as the CLI does, then runs an EngineHost on whichever channel it was started
 * with —
 *   - worker_threads (`new Worker(dist/engine-server.mjs, { workerData })`): parentPort,
 *     events posted with their typed-array buffers transferred;
 *   - Electron utilityProcess: process.parentPort (structured clone, no transfer);
 *   - child_process.fork: process.send / process.on('message'), JSON only, so messages
 *     travel in the codec's encoded form (protocol/codec.ts) both ways.
 * Options: workerData { backend, baseDir, workspace }, else the environment variables
 * ATTRACTOR_BACKEND, ATTRACTOR_BASE_DIR and ATTRACTOR_WORKSPACE. With a workspace (the web
 * mode) every file the engine touches must resolve inside it (engine/format/confine.ts).
 * It says `engine.ready` once the backend is up; commands sent before then wait for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseBackendName, startBackend, type BackendInfo } from '../backend/select.js';
import { decode, encode, isRunStart, type RunEvent } from '../protocol/run.js';
import { backendSummary } from '../run/context.js';
import { confineTo } from '../format/confine.js';
import { EngineHost } from './host.js';
import { SHUTDOWN } from './client.js';

interface Channel {
  post(ev: RunEvent, transfer: ArrayBuffer[]): void;
  listen(onMessage: (msg: unknown) => void): void;
}

/** Electron's utilityProcess port: messages arrive as { data }. */
interface ElectronParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function channel(): Channel {
  if (parentPort) {
    const port = parentPort;
    // The thread's owner asks it to exit (client.ts endWorker): the exit hook closes a GPU device on the way.
    const listen = (f: (msg: unknown) => void) => port.on('message', (m: unknown) => (isShutdown(m) ? process.exit(0) : f(m)));
    return { post: (ev, transfer) => port.postMessage(ev, transfer), listen };
  }
  const electron = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electron) return { post: (ev) => electron.postMessage(ev), listen: (f) => electron.on('message', (e) => f(e.data)) };
  if (process.send) {
    const post = (ev: RunEvent) => void process.send!(encode(ev));
    const listen = (f: (msg: unknown) => void) =>
      process.on('message', (m) => {
        let msg: unknown;
        try {
          msg = decode(m);
        } catch (err) {
          // A message the codec cannot read is refused like any invalid command, not a crash.
          post({ type: 'run.error', ended: false, message: `invalid message: ${(err as Error).message}` });
          return;
        }
        f(msg);
      });
    return { post, listen };
  }
  throw new Error('engine host: started without a parent to talk to (run it as a worker thread, a utility process or a forked child)');
}

interface Options {
  backend?: string;
  baseDir?: string;
  workspace?: string;
}

async function main(): Promise<void> {
  const ch = channel();
  const opts: Options = (workerData as Options | null | undefined) ?? {};
  const pending: unknown[] = [];
  // Set once the backend is up (or could not start); the listener must exist before that.
  const state: { host?: EngineHost; failed?: string } = {};
  ch.listen((msg) => {
    if (state.host) state.host.handle(msg);
    else if (state.failed) refuse(ch, msg, state.failed);
    else pending.push(msg);
  });
  let backend: BackendInfo;
  try {
    const workspace = opts.workspace ?? process.env.ATTRACTOR_WORKSPACE;
    if (workspace) await confineTo(workspace);
    backend = await startBackend(parseBackendName(opts.backend ?? process.env.ATTRACTOR_BACKEND ?? 'auto'));
  } catch (err) {
    const failed = `the engine could not start: ${(err as Error).message}`;
    state.failed = failed;
    ch.post({ type: 'run.error', ended: false, message: failed }, []);
    pending.splice(0).forEach((m) => refuse(ch, m, failed));
    return;
  }
  const host = new EngineHost((ev, transfer) => ch.post(ev, transfer ?? []), { backend, baseDir: opts.baseDir ?? process.env.ATTRACTOR_BASE_DIR ?? process.cwd() });
  ch.post({ type: 'engine.ready', backend: backendSummary(backend) }, []);
  state.host = host;
  pending.splice(0).forEach((m) => host.handle(m));
}

function refuse(ch: Channel, msg: unknown, why: string): void {
  const m = msg !== null && typeof msg === 'object' ? (msg as Record<string, unknown>) : {};
  const runId = typeof m.runId === 'string' ? { runId: m.runId } : {};
  const command = typeof m.type === 'string' ? m.type : undefined;
  ch.post({ type: 'run.error', ...runId, ...(command ? { command } : {}), ended: isRunStart(command), message: why }, []);
}

void main();

function isShutdown(msg: unknown): boolean {
  return msg !== null && typeof msg === 'object' && (msg as Record<string, unknown>).shutdown === SHUTDOWN.shutdown;
}
