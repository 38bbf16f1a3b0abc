import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReferenceOutput, probeTorch, skippedLine } from '../../bench/reference.js';

/**
 * Captured from a real run on the project's machine (2026-11-23):
 *   ATTRACTOR_REF_MNIST=… /usr/bin/python3 ../shared/reference/ref_attractor.py mnist-completion --batches 20 --threads 1 --json
 * Trimmed: results.config (a copy of config without "threads") was left out.
 */
const CAPTURED =
  '{"command":"mnist-completion","config":{"arch":"dense","hidden":256,"hidden2":0,"kernel":5,"steps":2' +
  '0,"batches":20,"batch_size":64,"lr":0.003,"gain":0.3,"seed":0,"warmup":5,"theta":0.001,"eval_max_ste' +
  'ps":200,"matmul":"onednn","threads":1},"env":{"python":"3.11.2","torch":"1.13.0a0","threads":1,"cpu_' +
  'count":2,"cpu":"AMD EPYC","blas":"generic","mkldnn":true},"seconds":5.829310802999771,"results":{"pa' +
  'rameters":201744,"ms_per_batch_median":119.52146999965407,"ms_per_batch_p10_p90":[97.55323199988197,' +
  '145.68483299990476],"est_gflop_per_batch":3.08281344,"est_gflops":25.792967907848876,"train_loss_las' +
  't50":0.10173102207481861,"heldout_before":{"mse_at_T":0.11996937170624733,"mse_at_end":0.11996937170' +
  '624733,"mean_steps_to_converge":4.001,"converged_by_T":1.0,"converged_by_max":1.0,"energy_max_rise":' +
  '3.060844449009892e-07},"heldout":{"mse_at_T":0.0805198885500431,"mse_at_end":0.0805198885500431,"mea' +
  'n_steps_to_converge":12.795,"converged_by_T":1.0,"converged_by_max":1.0,"energy_max_rise":8.13872065' +
  '9189858e-06},"baselines":{"predict_zero":0.1191011369228363,"predict_train_mean_image":0.07123062014' +
  '579773},"train_seconds":2.4993062789994838}}';

describe('reading the reference output', () => {
  it('parses a real mnist-completion --json run', () => {
    const r = parseReferenceOutput(`${CAPTURED}\n`);
    expect(r.command).toBe('mnist-completion');
    expect(r.threads).toBe(1);
    expect(r.batches).toBe(20);
    expect(r.batchSize).toBe(64);
    expect(r.steps).toBe(20);
    expect(r.torch).toBe('1.13.0a0');
    expect(r.msMedian).toBeCloseTo(119.52147, 4);
    expect(r.msP10).toBeCloseTo(97.553232, 4);
    expect(r.msP90).toBeCloseTo(145.684833, 4);
    expect(r.gflopPerBatch).toBeCloseTo(3.08281344, 8);
    expect(r.gflops).toBeCloseTo(25.792968, 5);
    expect(r.mse).toBeCloseTo(0.08051989, 7);
    expect(r.mseBefore).toBeCloseTo(0.11996937, 7);
    expect(r.meanStepsToConverge).toBeCloseTo(12.795, 6);
    expect(r.baselineMeanImage).toBeCloseTo(0.07123062, 7);
    expect(r.baselineZero).toBeCloseTo(0.11910114, 7);
    expect(r.seconds).toBeCloseTo(5.8293108, 5);
  });

  it('skips warnings printed before the JSON line', () => {
    const out = `/usr/lib/python3/dist-packages/torch/__init__.py:1: UserWarning: something\n  warnings.warn(...)\n${CAPTURED}\n`;
    expect(parseReferenceOutput(out).msMedian).toBeCloseTo(119.52147, 4);
  });

  it('reads the null the reference writes for NaN as NaN', () => {
    const doc = JSON.parse(CAPTURED) as { results: { heldout: Record<string, unknown> } };
    doc.results.heldout.mean_steps_to_converge = null;
    expect(parseReferenceOutput(JSON.stringify(doc)).meanStepsToConverge).toBeNaN();
  });

  it('says what is wrong with output it cannot use', () => {
    expect(() => parseReferenceOutput('mnist-completion: dense 784-256 ...\n(5.8 s; torch 1.13.0a0, 1 threads)\n')).toThrow(/no JSON object/);
    expect(() => parseReferenceOutput('{"command":"gradcheck","config":{},"env":{},"results":{}}')).toThrow(/gradcheck/);
    const doc = JSON.parse(CAPTURED) as { results: Record<string, unknown> };
    delete doc.results.ms_per_batch_median;
    expect(() => parseReferenceOutput(JSON.stringify(doc))).toThrow(/results\.ms_per_batch_median is not a number/);
    expect(() => parseReferenceOutput('{"command": broken}')).toThrow(/not valid JSON/);
  });
});

describe('finding torch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attractor-bench-'));

  it('reports python3-torch missing when `import torch` fails', () => {
    // A stand-in python3 that behaves like one without torch.
    const fake = join(dir, 'python3');
    writeFileSync(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    const r = probeTorch(fake);
    expect(r).toEqual({ ok: false, reason: 'python3-torch not installed' });
    expect(skippedLine(r.ok ? '' : r.reason)).toBe('reference: skipped (python3-torch not installed)');
  });

  it('reports a missing python', () => {
    const r = probeTorch(join(dir, 'no-such-python3'));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/no-such-python3 not found/);
  });

  it('accepts a python whose `import torch` works', () => {
    const fake = join(dir, 'python3-ok');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    expect(probeTorch(fake)).toEqual({ ok: true });
  });
});
