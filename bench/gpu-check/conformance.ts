/**
 * The conformance part of `npm run gpu-check`: on one GPU backend, every kernel case
 * (bench/conformance/kernel-cases.ts) against cpu, then every example graph's settle and
 * BPTT gradient against cpu (bench/conformance/examples.ts) — the same suites the tests
 * run on lavapipe, here on whatever device the machine has.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../engine/tf.js';
import type { BackendName } from '../../engine/backend/select.js';
import { exampleOutcome, loadConformanceExample, outcomeDifferences, type Outcome } from '../conformance/examples.js';
import { compareOutputs, KERNEL_CASES, runCase, type Output } from '../conformance/kernel-cases.js';

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  /** What differed, or why the case could not run. */
  readonly problem?: string;
}

export interface ConformanceResult {
  readonly backend: BackendName;
  readonly kernels: CaseResult[];
  readonly examples: CaseResult[];
  readonly skipped: { readonly name: string; readonly reason: string }[];
  readonly seconds: number;
  /** Cases left unrun because the time budget ran out. */
  readonly unrun: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** The cpu side of every case, computed once for all the backends under check. */
export interface CpuReference {
  readonly kernels: Map<string, Output[]>;
  readonly examples: Map<string, Outcome>;
}

export function emptyReference(): CpuReference {
  return { kernels: new Map(), examples: new Map() };
}

async function kernelsOn(backend: BackendName, cpu: CpuReference, deadline: number, out: CaseResult[]): Promise<number> {
  let unrun = 0;
  for (const c of KERNEL_CASES) {
    if (performance.now() > deadline) {
      unrun++;
      continue;
    }
    try {
      let want = cpu.kernels.get(c.name);
      if (!want) {
        await tf.setBackend('cpu');
        want = await runCase(c);
        cpu.kernels.set(c.name, want);
      }
      await tf.setBackend(backend);
      const problem = compareOutputs(await runCase(c), want, c.tol ?? 1e-4);
      out.push({ name: c.name, ok: problem === undefined, ...(problem ? { problem } : {}) });
    } catch (err) {
      out.push({ name: c.name, ok: false, problem: message(err) });
    }
  }
  return unrun;
}

async function examplesOn(root: string, backend: BackendName, cpu: CpuReference, deadline: number, out: CaseResult[], skipped: ConformanceResult['skipped']): Promise<number> {
  let unrun = 0;
  const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.attractor.json')).sort();
  for (const file of files) {
    if (performance.now() > deadline) {
      unrun++;
      continue;
    }
    try {
      const ex = await loadConformanceExample(join(root, 'examples', file));
      if (ex.skip) {
        skipped.push({ name: file, reason: ex.skip });
        continue;
      }
      let want = cpu.examples.get(file);
      if (!want) {
        want = (await exampleOutcome('cpu', ex.plan, ex.datasets)).outcome;
        cpu.examples.set(file, want);
      }
      const got = await exampleOutcome(backend, ex.plan, ex.datasets);
      const problems = outcomeDifferences(got.outcome, want);
      if (got.leaked !== 0) problems.push(`${got.leaked} tensors left behind`);
      out.push({ name: file, ok: problems.length === 0, ...(problems.length > 0 ? { problem: problems.slice(0, 3).join('; ') } : {}) });
    } catch (err) {
      out.push({ name: file, ok: false, problem: message(err) });
    }
  }
  return unrun;
}

/** Runs both suites on `backend` (already started) until `deadline` (performance.now() ms). */
export async function conformanceOn(root: string, backend: BackendName, cpu: CpuReference, deadline: number, progress: (line: string) => void): Promise<ConformanceResult> {
  const t0 = performance.now();
  const kernels: CaseResult[] = [];
  const examples: CaseResult[] = [];
  const skipped: ConformanceResult['skipped'] = [];
  progress(`${backend}: ${KERNEL_CASES.length} kernel cases against cpu ...`);
  let unrun = await kernelsOn(backend, cpu, deadline, kernels);
  progress(`${backend}: ${kernels.filter((k) => k.ok).length}/${kernels.length} kernel cases alike; the example graphs against cpu ...`);
  unrun += await examplesOn(root, backend, cpu, deadline, examples, skipped);
  progress(`${backend}: ${examples.filter((k) => k.ok).length}/${examples.length} examples alike`);
  return { backend, kernels, examples, skipped, seconds: (performance.now() - t0) / 1e3, unrun };
}
