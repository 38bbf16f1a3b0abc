import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MNIST_PIXELS,
  decodeMnist,
  encodeMnist,
  isMnistTestIndex,
  loadMnist,
  loadMnistDigits,
  readMnistPackage,
} from '../../../engine/data/mnist.js';

/** The package itself, as its users see it: mnist[d].raw and .length. */
const pkg = createRequire(import.meta.url)('mnist') as { raw: number[]; length: number }[];
const tmp = mkdtempSync(path.join(tmpdir(), 'mnist-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('MNIST from the package', () => {
  it('holds 10,000 digits in package order with the package per-class counts', async () => {
    const m = await readMnistPackage();
    expect(m.labels.length).toBe(10_000);
    expect(m.codes.length).toBe(10_000 * MNIST_PIXELS);
    const counts = Array.from({ length: 10 }, (_, d) => m.labels.filter((l) => l === d).length);
    expect(counts).toEqual(pkg.map((d) => d.length));
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    for (let i = 1; i < m.labels.length; i++) expect(m.labels[i]).toBeGreaterThanOrEqual(m.labels[i - 1]);
    expect(m.table.length).toBe(256);
  });

  it('gives exactly the package pixels as float32, in [0, 1]', async () => {
    const d = await loadMnist({ split: 'all', cacheDir: null });
    expect(d.count).toBe(10_000);
    expect([d.channels, d.height, d.width]).toEqual([1, 28, 28]);
    expect(d.classes).toBe(10);
    let offset = 0;
    let mismatches = 0;
    for (const digit of pkg) {
      for (let i = 0; i < digit.raw.length; i++) if (d.images[offset + i] !== Math.fround(digit.raw[i])) mismatches++;
      offset += digit.raw.length;
    }
    expect(offset).toBe(d.images.length);
    expect(mismatches).toBe(0);
    let min = Infinity;
    let max = -Infinity;
    for (const v of d.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('splits 9,000 / 1,000 by index % 10 == 9', async () => {
    const all = await loadMnist({ split: 'all' });
    const { train, test } = all.split!;
    expect(train.length).toBe(9000);
    expect(test.length).toBe(1000);
    expect(Array.from(test).every((i) => i % 10 === 9)).toBe(true);
    expect(Array.from(train).every((i) => i % 10 !== 9)).toBe(true);
    expect(isMnistTestIndex(9) && !isMnistTestIndex(10)).toBe(true);

    const testSet = await loadMnist({ split: 'test' });
    const trainSet = await loadMnist({ split: 'train' });
    expect(testSet.count).toBe(1000);
    expect(trainSet.count).toBe(9000);
    expect(testSet.split).toBeUndefined();
    // Example 7 of the test part is digit 79 of the package order.
    expect(Array.from(testSet.images.subarray(7 * 784, 8 * 784))).toEqual(Array.from(all.images.subarray(79 * 784, 80 * 784)));
    expect(testSet.labels![7]).toBe(all.labels![79]);
    expect(Array.from(trainSet.images.subarray(9 * 784, 10 * 784))).toEqual(Array.from(all.images.subarray(10 * 784, 11 * 784)));
  });

  it('keeps only the asked classes, split kept', async () => {
    const d = await loadMnist({ split: 'all', digits: [1, 7] });
    expect(d.count).toBe(1127 + 1070);
    expect(new Set(d.labels)).toEqual(new Set([1, 7]));
    expect(d.split!.train.length + d.split!.test.length).toBe(d.count);
    // The 1s start at package index 1001 and the 7s at 7008, so the first held-out 1 (index 1009) is example 8 here.
    expect(d.split!.test[0]).toBe(8);
    expect(Array.from(d.split!.test).every((k) => k < 1127 ? (1001 + k) % 10 === 9 : (7008 + k - 1127) % 10 === 9)).toBe(true);
    const t = await loadMnist({ split: 'test', digits: [5] });
    expect(Array.from(t.labels!).every((l) => l === 5)).toBe(true);
    await expect(loadMnist({ digits: [10] })).rejects.toThrow(/digits 0…9/);
  });
});

describe('MNIST cache', () => {
  it('round-trips to identical float32 values and loads fast', async () => {
    const dir = path.join(tmp, 'cache');
    const first = await loadMnistDigits(dir);
    expect(first.from).toBe('package');
    expect(first.cacheFile).not.toBeNull();
    expect(existsSync(first.cacheFile!)).toBe(true);
    const second = await loadMnistDigits(dir);
    expect(second.from).toBe('cache');
    expect(Array.from(second.digits.labels)).toEqual(Array.from(first.digits.labels));

    const fromPackage = await loadMnist({ split: 'all', cacheDir: null });
    const times: number[] = [];
    let fromCache = fromPackage;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      fromCache = await loadMnist({ split: 'all', cacheDir: dir });
      times.push(performance.now() - t0);
    }
    let t0 = performance.now();
    await loadMnistDigits(dir);
    const readOnly = performance.now() - t0;
    t0 = performance.now();
    await loadMnist({ split: 'test', cacheDir: dir });
    const testOnly = performance.now() - t0;
    // Printed, not asserted: the float32 copy of all 10,000 (31 MB) is bound by page faults on a busy VM.
    console.log(
      `MNIST from cache: file read + checked in ${readOnly.toFixed(0)} ms (${readFileSync(first.cacheFile!).length} bytes); ` +
        `1,000 test digits as float32 in ${testOnly.toFixed(0)} ms; all 10,000 in ${times.map((t) => t.toFixed(0)).join(' / ')} ms`,
    );
    expect(Buffer.from(fromCache.images.buffer).equals(Buffer.from(fromPackage.images.buffer))).toBe(true);
    expect(Array.from(fromCache.labels!)).toEqual(Array.from(fromPackage.labels!));
  });

  it('rebuilds a damaged cache and works without a writable one', async () => {
    const dir = path.join(tmp, 'damaged');
    const { cacheFile } = await loadMnistDigits(dir);
    truncateSync(cacheFile!, 1000);
    expect(() => decodeMnist(readFileSync(cacheFile!), cacheFile!)).toThrow(/expected \d+ bytes/);
    const again = await loadMnistDigits(dir);
    expect(again.from).toBe('package');
    expect((await loadMnistDigits(dir)).from).toBe('cache');

    const blocker = path.join(tmp, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const noCache = await loadMnistDigits(path.join(blocker, 'cache'));
    expect(noCache.from).toBe('package');
    expect(noCache.cacheFile).toBeNull();
    expect(noCache.digits.labels.length).toBe(10_000);
  });

  it('refuses bytes that are not a cache file', async () => {
    expect(() => decodeMnist(Buffer.from('MNIST10K and more'), 'x.bin')).toThrow('x.bin: not an ASMNIST1 file (bad magic)');
    const m = await readMnistPackage();
    const bytes = encodeMnist(m);
    bytes[8 + 20 + 2 * m.table.length] = 12; // the first label
    expect(() => decodeMnist(bytes, 'y.bin')).toThrow('y.bin: a label is not a digit');
  });
});

// The reference's own exporter, when the shared folder is there: same digits, same order, same values.
const exporter = '/work/shared/reference/export_mnist.js';
describe.skipIf(!existsSync(exporter))('agreement with the PyTorch reference export', () => {
  it('matches export_mnist.js pixel for pixel', async () => {
    const out = path.join(tmp, 'mnist10k.bin');
    execFileSync(process.execPath, [exporter, out], { cwd: process.cwd(), stdio: 'pipe' });
    const raw = readFileSync(out);
    expect(raw.toString('ascii', 0, 8)).toBe('MNIST10K');
    const [count, rows, cols, scale] = [0, 1, 2, 3].map((i) => raw.readUInt32LE(8 + 4 * i));
    expect([count, rows, cols, scale]).toEqual([10_000, 28, 28, 1000]);
    const d = await loadMnist({ split: 'all' });
    expect(Array.from(raw.subarray(24, 24 + count))).toEqual(Array.from(d.labels!));
    const base = 24 + count;
    let mismatches = 0;
    for (let i = 0; i < count * rows * cols; i++) {
      if (Math.fround(raw.readUInt16LE(base + 2 * i) / scale) !== d.images[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
