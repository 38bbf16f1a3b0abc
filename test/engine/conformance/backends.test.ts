/**
 * One engine, every backend: each example graph settles and takes a BPTT gradient on cpu
 * (the reference), wasm and webgpu (a real Vulkan device: Mesa's lavapipe here and on CI),
 * and every backend gives the same t*, the same 2-cycles, the same energies and the same
 * gradients within float32 tolerance (DESIGN §6: one conformance suite every backend re-runs).
 * The suite itself is bench/conformance/examples.ts, which `npm run gpu-check` runs too.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../../engine/backend/select.js';
import { exampleOutcome, loadConformanceExample, outcomeDifferences } from '../../../bench/conformance/examples.js';
import { webGpuAvailability } from '../../helpers/backends.js';

const EXAMPLES = readdirSync('examples').filter((f) => f.endsWith('.attractor.json'));

describe('every backend settles and trains every example alike', () => {
  let backends: BackendName[] = ['cpu', 'wasm'];
  beforeAll(async () => {
    const webgpu = await webGpuAvailability();
    if (webgpu.available) backends = [...backends, 'webgpu'];
    // CI installs lavapipe for exactly this: a missing adapter there is a failure, not a skip.
    else if (process.env.CI) throw new Error(`webgpu cannot start on CI: ${webgpu.reason}`);
  });

  it('covers every example', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(11);
  });

  for (const file of EXAMPLES) {
    it(file, async (ctx) => {
      const ex = await loadConformanceExample(`examples/${file}`);
      if (ex.skip) {
        console.log(`${file}: not run here: ${ex.skip}`);
        ctx.skip();
      }
      const want = await exampleOutcome('cpu', ex.plan, ex.datasets);
      expect(want.leaked, `tensors left on cpu`).toBe(0);
      for (const backend of backends.slice(1)) {
        const got = await exampleOutcome(backend, ex.plan, ex.datasets);
        expect(got.leaked, `tensors left on ${backend}`).toBe(0);
        expect(outcomeDifferences(got.outcome, want.outcome), `${file} on ${backend}`).toEqual([]);
      }
      console.log(`${file}: t* ${want.outcome.tStar.join(' ')} alike on ${backends.join(', ')}`);
    });
  }
});
