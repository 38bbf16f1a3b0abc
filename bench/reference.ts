/**
 * The PyTorch reference (../shared/reference, see its README.md), run side by side with
 * the engine in the same benchmark: finding it, checking that python3-torch imports,
 * exporting MNIST once in the layout it reads, running one command with --json, and
 * reading that one JSON object back. The reference is optional: whatever is missing
 * becomes a one-line reason, never an error.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The python that runs the reference: $ATTRACTOR_REF_PYTHON, else the system one (where Debian's python3-torch lives). */
export function referencePython(env: NodeJS.ProcessEnv = process.env): string {
  return env.ATTRACTOR_REF_PYTHON || DEFAULT_PYTHON;
}

export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether `python -c 'import torch'` works; the reason says what is missing when not. */
export function probeTorch(python = DEFAULT_PYTHON): Availability {
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${python} not found` : `${python} failed to start: ${r.error.message}` };
  }
  if (r.status === 0) return { ok: true };
  return { ok: false, reason: 'python3-torch not installed' };
}

/** The line printed when the reference cannot run. */
export function skippedLine(reason: string): string {
  return `reference: skipped (${reason})`;
}

/** ../shared/reference next to the project (or $ATTRACTOR_REF_DIR), if its entry script is there. */
export function findReference(root: string, env: NodeJS.ProcessEnv = process.env): Availability & { dir: string } {
  const dir = env.ATTRACTOR_REF_DIR ? resolve(env.ATTRACTOR_REF_DIR) : resolve(root, '..', 'shared', 'reference');
  if (!existsSync(join(dir, 'ref_attractor.py'))) return { ok: false, reason: `no ref_attractor.py in ${dir}`, dir };
  return { ok: true, dir };
}

const EXPORT_MAGIC = 'MNIST10K';

function hasMagic(path: string): boolean {
  try {
    if (statSync(path).size < 24) return false;
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(EXPORT_MAGIC.length);
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    return head.toString('ascii') === EXPORT_MAGIC;
  } catch {
    return false;
  }
}

/**
 * The digits file the reference reads ($ATTRACTOR_REF_MNIST when it points at one), else
 * exported once by `node <ref>/export_mnist.js` into `cacheDir` and reused from then on.
 */
export function ensureMnistExport(root: string, refDir: string, cacheDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.ATTRACTOR_REF_MNIST && hasMagic(env.ATTRACTOR_REF_MNIST)) return env.ATTRACTOR_REF_MNIST;
  const target = join(cacheDir, 'mnist10k-reference.bin');
  if (hasMagic(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  const r = spawnSync(process.execPath, [join(refDir, 'export_mnist.js'), tmp], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !hasMagic(tmp)) {
    if (existsSync(tmp)) unlinkSync(tmp);
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop();
    throw new Error(`exporting MNIST for the reference failed: ${why}`);
  }
  renameSync(tmp, target);
  return target;
}

/** What the benchmark reads from one `ref_attractor.py mnist-completion|conv-completion --json` run. */
export interface ReferenceRun {
  readonly command: 'mnist-completion' | 'conv-completion';
  readonly threads: number;
  readonly batches: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly torch: string;
  readonly seconds: number;
  readonly msMedian: number;
  readonly msP10: number;
  readonly msP90: number;
  /** The reference's own estimate: 3 × (one up + one down per iteration) × T, at the median time. */
  readonly gflopPerBatch: number;
  readonly gflops: number;
  readonly trainLossLast50: number;
  /** Held-out masked MSE at T after training, and before it. */
  readonly mse: number;
  readonly mseBefore: number;
  readonly meanStepsToConverge: number;
  readonly baselineMeanImage: number;
  readonly baselineZero: number;
}

type Json = Record<string, unknown>;

function obj(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`reference output: ${path} is not an object`);
  return v as Json;
}

function num(o: Json, key: string, path: string): number {
  const v = o[key];
  // The reference writes NaN and infinities as null (strict JSON).
  if (v === null) return NaN;
  if (typeof v !== 'number') throw new Error(`reference output: ${path}.${key} is not a number`);
  return v;
}

/**
 * Reads the reference's JSON object from its stdout (the last line that is a JSON object;
 * warnings before it are ignored). Throws with a message that says what is wrong.
 */
export function parseReferenceOutput(stdout: string): ReferenceRun {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.startsWith('{') && l.endsWith('}'));
  if (!line) throw new Error('reference output: no JSON object (was --json passed?)');
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    throw new Error(`reference output: not valid JSON: ${(err as Error).message}`);
  }
  const d = obj(doc, 'output');
  const command = d.command;
  if (command !== 'mnist-completion' && command !== 'conv-completion') {
    throw new Error(`reference output: expected command mnist-completion or conv-completion, got ${JSON.stringify(command)}`);
  }
  const config = obj(d.config, 'config');
  const env = obj(d.env, 'env');
  const r = obj(d.results, 'results');
  const heldout = obj(r.heldout, 'results.heldout');
  const before = obj(r.heldout_before, 'results.heldout_before');
  const baselines = obj(r.baselines, 'results.baselines');
  const q = r.ms_per_batch_p10_p90;
  if (!Array.isArray(q) || q.length !== 2 || !q.every((x) => typeof x === 'number')) {
    throw new Error('reference output: results.ms_per_batch_p10_p90 is not two numbers');
  }
  return {
    command,
    threads: num(config, 'threads', 'config'),
    batches: num(config, 'batches', 'config'),
    batchSize: num(config, 'batch_size', 'config'),
    steps: num(config, 'steps', 'config'),
    torch: typeof env.torch === 'string' ? env.torch : 'unknown',
    seconds: num(d, 'seconds', 'output'),
    msMedian: num(r, 'ms_per_batch_median', 'results'),
    msP10: q[0] as number,
    msP90: q[1] as number,
    gflopPerBatch: num(r, 'est_gflop_per_batch', 'results'),
    gflops: num(r, 'est_gflops', 'results'),
    trainLossLast50: num(r, 'train_loss_last50', 'results'),
    mse: num(heldout, 'mse_at_T', 'results.heldout'),
    mseBefore: num(before, 'mse_at_T', 'results.heldout_before'),
    meanStepsToConverge: num(heldout, 'mean_steps_to_converge', 'results.heldout'),
    baselineMeanImage: num(baselines, 'predict_train_mean_image', 'results.baselines'),
    baselineZero: num(baselines, 'predict_zero', 'results.baselines'),
  };
}

export interface ReferenceRequest {
  readonly command: 'mnist-completion' | 'conv-completion';
  readonly batches: number;
  readonly threads: number;
}

/** Runs one reference command with --json and parses it. Rejects with the reference's last error line. */
export function runReference(
  python: string,
  refDir: string,
  mnistFile: string,
  req: ReferenceRequest,
  timeoutMs = 30 * 60_000,
): Promise<ReferenceRun> {
  const args = [join(refDir, 'ref_attractor.py'), req.command, '--batches', String(req.batches), '--threads', String(req.threads), '--json'];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, {
      cwd: refDir,
      env: { ...process.env, ATTRACTOR_REF_MNIST: mnistFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const last = (err || out).trim().split('\n').pop() ?? '';
        reject(new Error(`${req.command} exited with ${signal ?? `code ${code}`}${last ? `: ${last}` : ''}`));
        return;
      }
      try {
        resolvePromise(parseReferenceOutput(out));
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}
