import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeTorch, skippedLine } from '../../bench/reference.js';

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

  it('accepts a python whose `import torch` works, and reads whether torch sees CUDA', () => {
    const fake = join(dir, 'python3-ok');
    writeFileSync(fake, '#!/bin/sh\necho 2.1.0 True\n');
    chmodSync(fake, 0o755);
    expect(probeTorch(fake)).toEqual({ ok: true, torch: '2.1.0', cuda: true });
  });
});
