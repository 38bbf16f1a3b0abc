/**
 * One side of the interleaved benchmark as a long-lived child process: it loads its net
 * and data once, then answers requests (protocol.ts) one at a time while the others wait.
 * Its stderr is kept (the last lines) to explain a failure; a side that dies or stops
 * answering fails its pending request with that explanation.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseReply, type Reply, type Request, type SideInfo } from './protocol.js';

export interface SideCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

const KEPT_STDERR_LINES = 20;

export class SideProcess {
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private readonly stderr: string[] = [];
  private exited: string | undefined;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > KEPT_STDERR_LINES) this.stderr.shift();
    });
    child.on('error', (err) => this.fail(`could not start: ${err.message}`));
    child.on('exit', (code, signal) => this.fail(signal ? `died of ${signal}` : `exited with code ${code}`));
  }

  /** Starts the side and waits for its ready line (it loads data and warms its backend first). */
  static async start(label: string, cmd: SideCommand, timeoutMs: number): Promise<{ side: SideProcess; info: SideInfo }> {
    const child = spawn(cmd.command, [...cmd.args], { cwd: cmd.cwd, env: cmd.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const side = new SideProcess(label, child);
    try {
      const info = (await side.next(timeoutMs, 'starting')) as SideInfo;
      return { side, info };
    } catch (err) {
      side.kill();
      throw err;
    }
  }

  /** Sends one request and waits for its reply (rejects with the side's own error message). */
  async request<R>(req: Request, timeoutMs: number): Promise<R> {
    if (this.exited) throw new Error(`${this.label} ${this.exited}${this.lastWords()}`);
    const reply = this.next(timeoutMs, req.op);
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    return (await reply) as R;
  }

  /** Asks the side to exit and waits briefly; kills it if it does not. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end(`${JSON.stringify({ op: 'close' } satisfies Request)}\n`);
    const timer = setTimeout(() => this.kill(), 10_000);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private next(timeoutMs: number, what: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new Error(`${this.label}: no answer to "${what}" within ${Math.round(timeoutMs / 1e3)} s${this.lastWords()}`));
      }, timeoutMs);
      this.waiting.push({
        resolve: (r) => {
          clearTimeout(timer);
          if (r.ok) resolve(r.result);
          else reject(new Error(`${this.label}: ${r.error}`));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    const waiter = this.waiting.shift();
    if (!waiter) return;
    try {
      waiter.resolve(parseReply(line));
    } catch (err) {
      waiter.reject(new Error(`${this.label}: ${(err as Error).message}`));
    }
  }

  private fail(why: string): void {
    this.exited ??= why;
    for (const w of this.waiting.splice(0)) w.reject(new Error(`${this.label} ${why}${this.lastWords()}`));
  }

  private lastWords(): string {
    const meaningful = this.stderr.filter((l) => l.trim() !== '' && !/^Warning: max\w+ artificially reduced/.test(l));
    return meaningful.length > 0 ? `: ${meaningful.slice(-3).join(' | ')}` : '';
  }
}
