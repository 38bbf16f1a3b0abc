/**
 * `node dist/bench-side.mjs --example FILE --backend NAME [...]`: our engine as a side of
 * the interleaved benchmark (see bench/interleave/protocol.ts). Started by the
 * coordinator, never by hand: it prints one ready line, then answers one request per line
 * until `close` or the end of stdin.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { parseBackendName } from '../../engine/backend/select.js';
import { METHODS, type TrainingMethod } from '../../nodes/config.js';
import type { Reply, Request } from '../interleave/protocol.js';
import { EngineSide, type EngineSideOptions } from './engine-side.js';

function send(reply: Reply): void {
  process.stdout.write(`${JSON.stringify(reply, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

function optionalInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected an integer ≥ 0, got ${JSON.stringify(raw)}`);
  return n;
}

function options(argv: string[]): EngineSideOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      example: { type: 'string' },
      backend: { type: 'string' },
      'hardware-only': { type: 'boolean' },
      workers: { type: 'string' },
      method: { type: 'string' },
      batch: { type: 'string' },
      steps: { type: 'string' },
      'settle-steps': { type: 'string' },
    },
    strict: true,
  });
  if (!values.example) throw new Error('--example FILE is required');
  const backend = parseBackendName(values.backend ?? 'wasm');
  if (backend === 'auto') throw new Error('--backend: a side runs on one named backend');
  const method = values.method;
  if (method !== undefined && !(METHODS as readonly string[]).includes(method)) throw new Error(`--method: expected one of ${METHODS.join(', ')}`);
  return {
    file: values.example,
    backend,
    hardwareOnly: values['hardware-only'] === true,
    workers: optionalInt(values.workers, 'workers') ?? 0,
    method: method as TrainingMethod | undefined,
    batch: optionalInt(values.batch, 'batch') || undefined,
    steps: optionalInt(values.steps, 'steps') || undefined,
    settleSteps: optionalInt(values['settle-steps'], 'settle-steps') || 100,
  };
}

async function handle(side: EngineSide, req: Request): Promise<unknown> {
  switch (req.op) {
    case 'train':
      return side.train(req.batches);
    case 'settle':
      return side.settle(req.settles);
    case 'quality':
      return side.quality();
    case 'memory':
      return side.memory();
    case 'memory-table':
      return side.memoryTable();
    default:
      throw new Error(`unknown request "${req.op}"`);
  }
}

async function main(): Promise<void> {
  // stdout carries the protocol: anything a library logs goes to stderr.
  console.log = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  let side: EngineSide;
  try {
    side = await EngineSide.open(options(process.argv.slice(2)));
  } catch (err) {
    send({ ok: false, error: message(err) });
    process.exit(0);
  }
  send({ ok: true, result: side.info() });
  // One request at a time, in order: the coordinator waits for each reply anyway.
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    let req: Request;
    try {
      req = JSON.parse(line) as Request;
    } catch {
      send({ ok: false, error: `not a JSON request: ${line.slice(0, 80)}` });
      continue;
    }
    if (req.op === 'close') break;
    try {
      send({ ok: true, result: await handle(side, req) });
    } catch (err) {
      send({ ok: false, error: message(err) });
    }
  }
  await side.close();
  process.exit(0);
}

void main();
