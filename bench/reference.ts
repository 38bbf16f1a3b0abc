/**
 * The PyTorch reference (../shared/reference, see its README.md), run side by side with
 * the engine in the same benchmark: finding it, checking that python3-torch imports (and
 * whether it sees CUDA), and exporting MNIST once in the layout it reads. The reference is
 * optional: whatever is missing becomes a one-line reason, never an error. It runs as a
 * side of the interleaved benchmark through bench/side/ref_side.py.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The python that runs the reference: $ATTRACTOR_REF_PYTHON, else the system one (where Debian's python3-torch lives). */
export function referencePython(env: NodeJS.ProcessEnv = process.env): string {
  return env.ATTRACTOR_REF_PYTHON || DEFAULT_PYTHON;
}

export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export type TorchProbe = { readonly ok: true; readonly torch: string; readonly cuda: boolean } | { readonly ok: false; readonly reason: string };

/** Whether `python -c 'import torch'` works, and whether torch sees a CUDA device; the reason says what is missing when not. */
export function probeTorch(python = DEFAULT_PYTHON): TorchProbe {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__, torch.cuda.is_available())'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${python} not found` : `${python} failed to start: ${r.error.message}` };
  }
  if (r.status !== 0) return { ok: false, reason: 'python3-torch not installed' };
  const [torch = 'unknown', cuda] = r.stdout.trim().split(/\s+/).slice(-2);
  return { ok: true, torch, cuda: cuda === 'True' };
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
