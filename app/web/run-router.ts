/**
 * Runs belong to the client that started them. Several browsers may be connected to one
 * web host and share its one engine; each sees and controls its own runs only: its
 * commands reach the engine under ids the host gives them, the engine's events go back to
 * the client whose run (or request) they answer, under the client's own ids, and a client
 * that asks about another's run learns only that the engine is busy. A client that goes
 * away has its runs cancelled (a training run writes its checkpoint first), so a closed tab
 * never holds the engine.
 *
 * The engine's own messages (engine.ready, a crash with no run) go to every client.
 */
import { RUN_KIND_OF, type Encoded, type RunCommand, type RunKind } from '../../engine/protocol/run.js';

export type ClientId = string;

export interface RunRouterOptions {
  /** Hands a command to the engine (the supervisor's link); throws to refuse it. */
  readonly send: (command: RunCommand) => void;
  /** Delivers one engine event, in the codec's form, to one client. */
  readonly deliver: (client: ClientId, event: Encoded) => void;
  /** The clients connected now. */
  readonly clients: () => Iterable<ClientId>;
}

interface OwnedRun {
  readonly client: ClientId;
  readonly runId: string;
  readonly kind: RunKind;
  paused: boolean;
}

type EventRecord = { [key: string]: Encoded };


/** Engine-side ids: unlike a client's, never longer than the protocol allows, and easy to find in a message. */
const ENGINE_ID = /"(web-(?:run|req)-\d+)"/g;

export class RunRouter {
  private next = 0;
  /** Engine run id → its owner, from the start until the run's closing event. */
  private readonly runs = new Map<string, OwnedRun>();
  /** Engine request id → who asked, and the id they used (absent stays absent). */
  private readonly requests = new Map<string, { client: ClientId; requestId?: string }>();

  constructor(private readonly options: RunRouterOptions) {}

  /** A command from `client`: forwarded under engine ids, or refused with a run.error to that client alone. */
  send(client: ClientId, command: RunCommand): void {
    switch (command.type) {
      case 'settle.start':
      case 'train.start':
      case 'gradcheck.start':
      case 'capacity.start': {
        const kind = RUN_KIND_OF[command.type];
        const busy = [...this.runs.values()][0];
        if (busy) {
          const why = busy.client === client ? `a run is in progress (${busy.kind} run "${busy.runId}"): cancel it or wait for it to end` : `the engine is busy with another client's ${busy.kind} run: wait for it to end`;
          return this.refuse(client, { runId: command.runId, command: command.type, ended: true, message: why });
        }
        const id = `web-run-${++this.next}`;
        this.runs.set(id, { client, runId: command.runId, kind, paused: false });
        try {
          this.options.send({ ...command, runId: id });
        } catch (err) {
          this.runs.delete(id);
          throw err;
        }
        return;
      }
      case 'run.pause':
      case 'run.resume':
      case 'run.step':
      case 'run.update':
      case 'run.cancel': {
        const id = this.engineRunId(client, command.runId);
        if (id === undefined) {
          const other = [...this.runs.values()].some((r) => r.client !== client);
          const why = `${command.type}: no run "${command.runId}" of yours is in progress${other ? " (the engine is busy with another client's run)" : ''}`;
          return this.refuse(client, { runId: command.runId, command: command.type, ended: false, message: why });
        }
        this.options.send({ ...command, runId: id });
        return;
      }
      case 'checkpoint.list':
      case 'engine.info': {
        const id = `web-req-${++this.next}`;
        this.requests.set(id, command.requestId === undefined ? { client } : { client, requestId: command.requestId });
        try {
          this.options.send({ ...command, requestId: id });
        } catch (err) {
          this.requests.delete(id);
          throw err;
        }
        return;
      }
      default: {
        // A command added to the protocol must be routed here: it does not compile otherwise.
        const unrouted: never = command;
        return unrouted;
      }
    }
  }

  /** An event from the engine (encoded), to the client it belongs to, or to everyone when it belongs to no run or request. */
  route(event: Encoded): void {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return;
    const ev = event as EventRecord;
    const runId = typeof ev.runId === 'string' ? ev.runId : undefined;
    const requestId = typeof ev.requestId === 'string' ? ev.requestId : undefined;
    if (runId !== undefined) return this.routeRun(runId, ev);
    if (requestId !== undefined) return this.routeRequest(requestId, ev);
    for (const client of this.options.clients()) this.options.deliver(client, this.forClient(client, ev));
  }

  /** A client went away: its runs are cancelled, its requests forgotten. */
  clientGone(client: ClientId): void {
    for (const [id, run] of this.runs) if (run.client === client) this.safeSend({ type: 'run.cancel', runId: id });
    for (const [id, req] of this.requests) if (req.client === client) this.requests.delete(id);
  }

  /** `message` (from the engine or its supervisor) as `client` may read it: its own run ids, no one else's. */
  scrub(client: ClientId, message: string): string {
    return message.replace(ENGINE_ID, (whole, id: string) => {
      const run = this.runs.get(id);
      if (run) return run.client === client ? `"${run.runId}"` : "of another client";
      return whole;
    });
  }

  private routeRun(id: string, ev: EventRecord): void {
    const run = this.runs.get(id);
    // A run of an engine that has since been replaced, or one the router never started: no one to tell.
    if (!run) return;
    const type = ev.type;
    if (type === 'run.paused') run.paused = true;
    if (type === 'run.resumed') run.paused = false;
    const closes = type === 'run.done' || type === 'run.cancelled' || (type === 'run.error' && ev.ended === true);
    const out = this.forClient(run.client, { ...ev, runId: run.runId });
    if (closes) this.runs.delete(id);
    this.options.deliver(run.client, out);
  }

  private routeRequest(id: string, ev: EventRecord): void {
    const req = this.requests.get(id);
    if (!req) return;
    this.requests.delete(id);
    const { requestId: _engineId, ...rest } = ev;
    void _engineId;
    const out: EventRecord = req.requestId === undefined ? rest : { ...rest, requestId: req.requestId };
    if (ev.type === 'engine.info') out.run = this.runInfoFor(req.client, ev.run);
    this.options.deliver(req.client, this.forClient(req.client, out));
  }

  /** engine.info's `run` for one client: its own run as it named it, or null and `busy` when the run is another client's. */
  private runInfoFor(client: ClientId, run: Encoded | undefined): Encoded {
    if (run === null || typeof run !== 'object' || Array.isArray(run) || typeof run.runId !== 'string') return null;
    const owned = this.runs.get(run.runId);
    return owned?.client === client ? { ...run, runId: owned.runId } : null;
  }

  private forClient(client: ClientId, ev: EventRecord): EventRecord {
    const out = typeof ev.message === 'string' ? { ...ev, message: this.scrub(client, ev.message) } : ev;
    if (out.type === 'engine.info' && out.run === null) {
      const other = [...this.runs.values()].find((r) => r.client !== client);
      if (other) return { ...out, busy: { kind: other.kind, paused: other.paused } };
    }
    return out;
  }

  private engineRunId(client: ClientId, runId: string): string | undefined {
    for (const [id, run] of this.runs) if (run.client === client && run.runId === runId) return id;
    return undefined;
  }

  private refuse(client: ClientId, error: { runId: string; command: string; ended: boolean; message: string }): void {
    this.options.deliver(client, { type: 'run.error', ...error });
  }

  private safeSend(command: RunCommand): void {
    try {
      this.options.send(command);
    } catch {
      // The engine is stopping or gone: its runs end with it.
    }
  }
}
