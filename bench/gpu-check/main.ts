/**
 * `npm run gpu-check` (dist/gpu-check.mjs): one command for a machine with a GPU, offline,
 * within a time budget (default 280 s):
 *   1. the adapter WebGPU finds (or why there is none), and whether tfjs-node-gpu loads;
 *   2. the conformance suites on each GPU backend against cpu: the kernel cases and every
 *      example's settle and BPTT gradient (bench/conformance/, as the tests run them);
 *   3. conv-large (3×64×64 ↔ 64×64×64) settling and training without per-iteration reads and
 *      with flat tensors and GPU bytes: full size (batch 256) on a hardware adapter, batch 1
 *      on a software one;
 *   4. dense and conv training timed on every available backend against the reference,
 *      interleaved (bench/run.ts), with what time is left.
 * Writes everything to test-artifacts/gpu-check.json (or --out FILE). Exit 1 when a
 * conformance case fails, 2 on bad options, 0 otherwise — a machine without a GPU included
 * (it says so; the timings then cover wasm and the reference).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { probeDawn } from '../../engine/backend/dawn.js';
import { startBackend, type BackendName } from '../../engine/backend/select.js';
import { runLargeNet, type LargeNetReport } from '../conformance/large-net.js';
import { parseBenchOptions } from '../options.js';
import { projectRoot, runBench, strictJson, type BenchDocument } from '../run.js';
import { runIfEntry } from '../entry.js';
import { conformanceOn, emptyReference, type ConformanceResult } from './conformance.js';

const USAGE = `usage: npm run gpu-check -- [--budget SECONDS] [--out FILE] [--no-reference]
  --budget SECONDS   the whole check's time budget (default 280: under 5 minutes)
  --out FILE         where the JSON summary goes (default test-artifacts/gpu-check.json)
  --no-reference     time ours only`;

interface GpuBackend {
  readonly name: BackendName;
  readonly available: boolean;
  readonly detail?: string;
  readonly software?: boolean;
  readonly reason?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

async function findGpus(say: (line: string) => void): Promise<GpuBackend[]> {
  const found: GpuBackend[] = [];
  try {
    const adapter = await probeDawn();
    const info = await startBackend('webgpu');
    found.push({ name: 'webgpu', available: true, detail: info.detail, software: adapter.software });
    say(`webgpu: ${info.detail}${adapter.software ? ' — a software adapter: conformance is meaningful, its timings say nothing of a GPU' : ''}`);
  } catch (err) {
    found.push({ name: 'webgpu', available: false, reason: message(err) });
    say(`webgpu: none (${message(err)})`);
  }
  try {
    const info = await startBackend('tensorflow');
    found.push({ name: 'tensorflow', available: true, detail: info.detail, software: false });
    say(`tensorflow: ${info.detail}`);
  } catch (err) {
    found.push({ name: 'tensorflow', available: false, reason: message(err) });
    say(`tensorflow: none (${message(err)}; optional: it needs CUDA 11.2 and cuDNN 8.1)`);
  }
  return found;
}

function conformanceLines(c: ConformanceResult): string[] {
  const failed = [...c.kernels, ...c.examples].filter((r) => !r.ok);
  return [
    `${c.backend}: kernel cases ${c.kernels.filter((k) => k.ok).length}/${c.kernels.length} alike, examples ${c.examples.filter((e) => e.ok).length}/${c.examples.length} alike` +
      `${c.unrun > 0 ? `, ${c.unrun} not run (time budget)` : ''} (${c.seconds.toFixed(0)} s)`,
    ...failed.map((f) => `  FAILED ${f.name}: ${f.problem}`),
    ...c.skipped.map((s) => `  skipped ${s.name}: ${s.reason}`),
  ];
}

function largeNetLines(r: LargeNetReport): string[] {
  const o = r.options;
  const last = r.batches[r.batches.length - 1];
  return [
    `conv-large on ${r.backend}, batch ${o.batch}, T=${o.steps}: settle ${r.settle.iterations} iterations in ${(r.settle.ms / 1e3).toFixed(1)} s with ${r.settle.reads} reads (one per ${r.readCadence})`,
    `  training: ${r.batches.map((b) => `${(b.ms / 1e3).toFixed(1)} s / ${b.reads} reads`).join(', ')}; ` +
      `tensors after each batch ${r.batches.map((b) => b.after.numTensors).join(', ')}; GPU bytes ${r.batches.map((b) => b.after.gpuBytes ?? '-').join(', ')}` +
      (last ? `; last loss ${last.loss.toPrecision(4)}` : ''),
  ];
}

export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { budget: { type: 'string' }, out: { type: 'string' }, 'no-reference': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`gpu-check: ${message(err)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const budget = Number(values.budget ?? 280);
  if (!Number.isFinite(budget) || budget < 30) {
    process.stderr.write(`gpu-check: --budget: expected seconds ≥ 30, got ${JSON.stringify(values.budget)}\n`);
    return 2;
  }
  const root = projectRoot();
  const out = resolve(values.out ?? join(root, 'test-artifacts', 'gpu-check.json'));
  const started = performance.now();
  const deadline = (share: number) => started + share * budget * 1000;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const progress = (line: string) => process.stderr.write(`gpu-check: ${line}\n`);

  say(`attractor-studio gpu-check (budget ${budget} s); node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const gpus = await findGpus(say);
  const usable = gpus.filter((g) => g.available);

  // Conformance gets up to 45% of the budget, shared by the GPU backends.
  const conformance: ConformanceResult[] = [];
  const cpu = emptyReference();
  for (const [i, g] of usable.entries()) {
    const c = await conformanceOn(root, g.name, cpu, deadline((0.45 * (i + 1)) / usable.length), progress);
    conformance.push(c);
    conformanceLines(c).forEach(say);
  }
  if (usable.length === 0) say('conformance: no GPU backend to check');

  // conv-large: full size on a hardware GPU; batch 1 on a software one, if the budget allows.
  let largeNet: { report?: LargeNetReport; skipped?: string; error?: string } = {};
  const gpu = usable.find((g) => !g.software) ?? usable.find((g) => g.name === 'webgpu');
  if (!gpu) largeNet = { skipped: 'no GPU backend' };
  else if (gpu.software && performance.now() > deadline(0.55)) largeNet = { skipped: 'a software adapter and too little time left' };
  else {
    const size = gpu.software ? { batch: 1, steps: 4, batches: 2, settleSteps: 16 } : { batch: 256, steps: 20, batches: 3, settleSteps: 16 };
    progress(`conv-large on ${gpu.name} at batch ${size.batch} ...`);
    try {
      largeNet = { report: await runLargeNet(join(root, 'examples', 'conv-large.attractor.json'), gpu.name, size) };
      largeNetLines(largeNet.report!).forEach(say);
    } catch (err) {
      largeNet = { error: message(err) };
      say(`conv-large on ${gpu.name}: failed: ${largeNet.error}`);
    }
  }
  if (largeNet.skipped) say(`conv-large: skipped (${largeNet.skipped})`);

  // Timing with what is left, dense first, conv only when what is left can hold it. A software
  // adapter's times say nothing of a GPU, and a conv batch takes minutes on one.
  say('');
  for (const g of usable.filter((x) => x.software)) say(`timing: ${g.name} left out: ${g.detail} is a software adapter (a correctness device; \`npm run bench -- --backend ${g.name}\` times it anyway)`);
  const backends = [...usable.filter((g) => !g.software).map((g) => g.name), 'wasm'].join(',');
  const timing: Partial<Record<'dense' | 'conv', BenchDocument>> & { skipped?: string[] } = {};
  let denseSeconds = 0;
  for (const example of ['dense', 'conv'] as const) {
    // Starting, warming up and evaluating the sides cost about as much again as the rounds.
    const left = (deadline(1) - performance.now()) / 1000;
    const need = example === 'dense' ? 40 : Math.max(60, 2 * denseSeconds);
    if (left < need) {
      (timing.skipped ??= []).push(`${example}: ${left.toFixed(0)} s left of the budget, about ${need.toFixed(0)} s needed`);
      say(`timing ${example}: skipped (${left.toFixed(0)} s left of the budget, about ${need.toFixed(0)} s needed)`);
      continue;
    }
    const roundsBudget = Math.max(5, Math.floor((example === 'dense' ? left / 3 : left) / 3));
    const opts = parseBenchOptions(
      ['--quick', '--only', example, '--backend', backends, '--threads', '2', '--rounds', '5', '--min-rounds', '1', '--budget', String(roundsBudget), '--turn', '1', '--settles', '1', '--warmup', '1', '--no-memory',
        ...(values['no-reference'] ? ['--no-reference'] : [])],
      {},
    )!;
    const t0 = performance.now();
    try {
      timing[example] = await runBench(opts, say, progress);
    } catch (err) {
      say(`timing ${example} failed: ${message(err)}`);
    }
    if (example === 'dense') denseSeconds = (performance.now() - t0) / 1000;
  }

  const failures = conformance.reduce((n, c) => n + [...c.kernels, ...c.examples].filter((r) => !r.ok).length, 0);
  const seconds = (performance.now() - started) / 1e3;
  const summary = {
    check: 'attractor-studio gpu-check',
    seconds,
    budget,
    env: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadAverage: loadavg() },
    gpus,
    conformance,
    conformanceFailures: failures,
    largeNet,
    timing,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${strictJson(summary)}\n`);
  say('');
  say(`gpu-check: ${usable.length === 0 ? 'no GPU backend here' : failures === 0 ? 'conformance passed' : `${failures} conformance cases FAILED`}; ${seconds.toFixed(0)} s; summary in ${out}`);
  return failures > 0 ? 1 : 0;
}

runIfEntry(import.meta.url, 'gpu-check', main);
