import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/dataset.js';
import { importCsv, importIdx, importPngFolder, parseIdx } from '../../../engine/data/importers.js';
import { loadMnist } from '../../../engine/data/mnist.js';

const base = mkdtempSync(path.join(tmpdir(), 'importers-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** 20 real held-out digits, two of each class. */
let digits: Dataset;
beforeAll(async () => {
  const test = await loadMnist({ split: 'test' });
  const pick: number[] = [];
  for (let d = 0; d < 10; d++) {
    const of = Array.from(test.labels!).flatMap((l, i) => (l === d ? [i] : []));
    pick.push(of[0], of[1]);
  }
  digits = {
    ...test,
    count: pick.length,
    images: Float32Array.from(pick.flatMap((i) => Array.from(test.images.subarray(i * 784, (i + 1) * 784)))),
    labels: Int32Array.from(pick, (i) => test.labels![i]),
  };
});

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** An IDX file written byte by byte, independently of the reader. */
function idxFile(type: number, dims: number[], values: ArrayLike<number>): Buffer {
  const size = { 0x08: 1, 0x0d: 4 }[type]!;
  const buf = Buffer.alloc(4 + 4 * dims.length + values.length * size);
  buf[2] = type;
  buf[3] = dims.length;
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  const start = 4 + 4 * dims.length;
  for (let i = 0; i < values.length; i++) {
    if (type === 0x08) buf[start + i] = values[i];
    else buf.writeFloatBE(values[i], start + 4 * i);
  }
  return buf;
}

describe('IDX', () => {
  it('reads u8 images and labels back (plain and gzipped)', async () => {
    const bytes = Uint8Array.from(digits.images, (v) => Math.round(v * 255));
    mkdirSync(path.join(base, 'idx'), { recursive: true });
    writeFileSync(path.join(base, 'idx/images-idx3-ubyte'), idxFile(0x08, [20, 28, 28], bytes));
    writeFileSync(path.join(base, 'idx/labels-idx1-ubyte'), idxFile(0x08, [20], digits.labels!));
    writeFileSync(path.join(base, 'idx/images-idx3-ubyte.gz'), gzipSync(idxFile(0x08, [20, 28, 28], bytes)));
    writeFileSync(path.join(base, 'idx/labels-idx1-ubyte.gz'), gzipSync(idxFile(0x08, [20], digits.labels!)));

    for (const suffix of ['', '.gz']) {
      const d = await importIdx(`idx/images-idx3-ubyte${suffix}`, `idx/labels-idx1-ubyte${suffix}`, base);
      expect([d.count, d.channels, d.height, d.width, d.classes]).toEqual([20, 1, 28, 28, 10]);
      expect(Array.from(d.labels!)).toEqual(Array.from(digits.labels!));
      expect(bytesOf(d.images).equals(bytesOf(Float32Array.from(bytes, (b) => b / 255)))).toBe(true);
      // The package's 3-decimal pixels survive the trip through bytes to within rounding.
      let worst = 0;
      for (let i = 0; i < d.images.length; i++) worst = Math.max(worst, Math.abs(d.images[i] - digits.images[i]));
      expect(worst).toBeLessThan(0.002);
    }
  });

  it('reads float32 images exactly, and count×n as flat vectors', async () => {
    writeFileSync(path.join(base, 'idx/float.idx'), idxFile(0x0d, [20, 28, 28], digits.images));
    const d = await importIdx('idx/float.idx', undefined, base);
    expect(d.labels).toBeUndefined();
    expect(bytesOf(d.images).equals(bytesOf(digits.images))).toBe(true);
    writeFileSync(path.join(base, 'idx/flat.idx'), idxFile(0x0d, [20, 784], digits.images));
    const flat = await importIdx('idx/flat.idx', undefined, base);
    expect([flat.channels, flat.height, flat.width]).toEqual([1, 1, 784]);
    writeFileSync(path.join(base, 'idx/wide.idx'), idxFile(0x0d, [2, 3], [-2, 0, 2, 4, 6, 8]));
    expect(Array.from((await importIdx('idx/wide.idx', undefined, base)).images)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
  });

  it('names the file and what was expected when it is wrong', async () => {
    writeFileSync(path.join(base, 'idx/short.idx'), idxFile(0x08, [20, 28, 28], new Uint8Array(20 * 784)).subarray(0, 1000));
    await expect(importIdx('idx/short.idx', undefined, base)).rejects.toThrow(
      'idx/short.idx: IDX u8 array of 20×28×28 needs 15696 bytes, the file has 1000',
    );
    writeFileSync(path.join(base, 'idx/few-labels.idx'), idxFile(0x08, [19], new Uint8Array(19)));
    await expect(importIdx('idx/images-idx3-ubyte', 'idx/few-labels.idx', base)).rejects.toThrow(
      'idx/few-labels.idx: has 19 labels but idx/images-idx3-ubyte has 20 images',
    );
    await expect(importIdx('idx/labels-idx1-ubyte', undefined, base)).rejects.toThrow(/idx\/labels-idx1-ubyte: expected IDX images of 3 dimensions/);
    await expect(importIdx('idx/missing', undefined, base)).rejects.toThrow(/^idx\/missing: file not found \(expected an IDX image file/);
    expect(() => parseIdx(Buffer.from('PK\x03\x04 zip'), 'a.zip')).toThrow(/^a.zip: not an IDX file/);
    expect(() => parseIdx(Buffer.from([0, 0, 0x42, 1, 0, 0, 0, 1, 7]), 'b.idx')).toThrow('b.idx: unknown IDX value type 0x42');
    expect(() => parseIdx(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'c.idx.gz')).toThrow(/^c.idx.gz: looks gzipped but does not decompress/);
  });
});

describe('CSV', () => {
  it('reads rows of real digits with a label column', async () => {
    const header = ['label', ...Array.from({ length: 784 }, (_, i) => `p${i}`)].join(',');
    const rows = Array.from({ length: digits.count }, (_, k) =>
      [digits.labels![k], ...Array.from(digits.images.subarray(k * 784, (k + 1) * 784), (v) => String(Number(v.toFixed(3))))].join(','),
    );
    mkdirSync(path.join(base, 'csv'), { recursive: true });
    writeFileSync(path.join(base, 'csv/digits.csv'), `${header}\r\n${rows.join('\r\n')}\r\n\r\n`);
    const d = await importCsv('csv/digits.csv', { labelColumn: 'label' }, base);
    expect([d.count, d.channels, d.height, d.width, d.classes]).toEqual([20, 1, 1, 784, 10]);
    expect(Array.from(d.labels!)).toEqual(Array.from(digits.labels!));
    expect(bytesOf(d.images).equals(bytesOf(digits.images))).toBe(true);

    const plain = await importCsv('csv/digits.csv', {}, base);
    expect(plain.width).toBe(785);
    expect(plain.labels).toBeUndefined();
  });

  it('takes a file without a header, rescaling values outside [0, 1] by the data set range', async () => {
    writeFileSync(path.join(base, 'csv/bytes.csv'), '0;51;255\n"102";204;0\n');
    const d = await importCsv('csv/bytes.csv', {}, base);
    expect(d.count).toBe(2);
    expect(Array.from(d.images)).toEqual([0, 0.2, 1, 0.4, 0.8, 0].map(Math.fround));
    await expect(importCsv('csv/bytes.csv', { labelColumn: 'y' }, base)).rejects.toThrow(
      'csv/bytes.csv: label column "y" needs a header line naming the columns, and line 1 holds only numbers',
    );
  });

  it('takes class names as labels', async () => {
    writeFileSync(path.join(base, 'csv/named.csv'), 'a,kind,b\n0.1,dog,0.2\n0.3,cat,0.4\n0.5,dog,0.6\n');
    const d = await importCsv('csv/named.csv', { labelColumn: 'kind' }, base);
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.labels!)).toEqual([1, 0, 1]);
    expect(Array.from(d.images)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map(Math.fround));
  });

  it('names file, line and column of a bad cell, and never quotes the file', async () => {
    writeFileSync(path.join(base, 'csv/bad.csv'), 'label,x1,x2\n1,0.5,0.25\n0,0.1,abc\n');
    const err = await importCsv('csv/bad.csv', { labelColumn: 'label' }, base).then(
      () => new Error('expected a refusal'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toBe('csv/bad.csv line 3, column 3: expected a number, found text');
    // Neither the cell nor the header's names: in the web mode a message goes to whoever asked.
    expect(err.message).not.toMatch(/abc|x2/);
    writeFileSync(path.join(base, 'csv/short.csv'), '0.1,0.2\n0.3\n');
    await expect(importCsv('csv/short.csv', {}, base)).rejects.toThrow('csv/short.csv line 2: expected 2 cells (as in line 1), found 1');
    writeFileSync(path.join(base, 'csv/empty-cell.csv'), '0.1,,0.2\n');
    await expect(importCsv('csv/empty-cell.csv', {}, base)).rejects.toThrow(/^csv\/empty-cell.csv line 1, column 2: expected a number, found an empty cell$/);
    writeFileSync(path.join(base, 'csv/header-only.csv'), 'a,b\n\n');
    await expect(importCsv('csv/header-only.csv', {}, base)).rejects.toThrow('csv/header-only.csv: expected rows of numbers after the header line, found none');
    await expect(importCsv('csv/bad.csv', { labelColumn: 'class' }, base)).rejects.toThrow('csv/bad.csv: none of the 3 columns of the header line is named "class"');
  });
});

function writePng(file: string, width: number, height: number, rgb: (p: number) => [number, number, number]) {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const [r, g, b] = rgb(p);
    png.data.set([r, g, b, 255], 4 * p);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png));
}

describe('PNG folder', () => {
  it('reads real digits back, labels from subfolders, in name order', async () => {
    const root = path.join(base, 'png/digits');
    const bytes = Uint8Array.from(digits.images, (v) => Math.round(v * 255));
    for (let k = 0; k < digits.count; k++) {
      // Per class: "img2" then "img10", so name order must compare numbers as numbers.
      const name = k % 2 === 0 ? 'img2.png' : 'img10.png';
      writePng(path.join(root, String(digits.labels![k]), name), 28, 28, (p) => {
        const v = bytes[k * 784 + p];
        return [v, v, v];
      });
    }
    writeFileSync(path.join(root, 'README.txt'), 'ignored');
    const d = await importPngFolder('png/digits', base);
    expect([d.name, d.count, d.channels, d.height, d.width, d.classes]).toEqual(['digits', 20, 1, 28, 28, 10]);
    expect(Array.from(d.labels!)).toEqual(Array.from(digits.labels!));
    expect(bytesOf(d.images).equals(bytesOf(Float32Array.from(bytes, (b) => b / 255)))).toBe(true);
  });

  it('keeps colour as three channels, CHW, and drops alpha', async () => {
    writePng(path.join(base, 'png/colour/a.png'), 3, 2, (p) => [p * 40, 255 - p * 40, 7]);
    writePng(path.join(base, 'png/colour/b.png'), 3, 2, () => [10, 20, 30]);
    const d = await importPngFolder('png/colour', base);
    expect([d.count, d.channels, d.height, d.width]).toEqual([2, 3, 2, 3]);
    expect(d.labels).toBeUndefined();
    const a = Array.from(d.images.subarray(0, 18), (v) => Math.round(v * 255));
    expect(a).toEqual([0, 40, 80, 120, 160, 200, 255, 215, 175, 135, 95, 55, 7, 7, 7, 7, 7, 7]);
  });

  it('names the odd file when sizes differ, and refuses unreadable or missing input', async () => {
    writePng(path.join(base, 'png/mixed/1.png'), 4, 4, () => [0, 0, 0]);
    writePng(path.join(base, 'png/mixed/2.png'), 4, 5, () => [0, 0, 0]);
    await expect(importPngFolder('png/mixed', base)).rejects.toThrow(
      'png/mixed/2.png: is 4×5 pixels but png/mixed/1.png is 4×4; all images must be the same size',
    );
    writePng(path.join(base, 'png/broken/1.png'), 2, 2, () => [0, 0, 0]);
    writeFileSync(path.join(base, 'png/broken/2.png'), 'not a png');
    await expect(importPngFolder('png/broken', base)).rejects.toThrow(/^png\/broken\/2.png: not a readable PNG image/);
    await expect(importPngFolder('png/nowhere', base)).rejects.toThrow(/^png\/nowhere: folder not found/);
    mkdirSync(path.join(base, 'png/empty'), { recursive: true });
    await expect(importPngFolder('png/empty', base)).rejects.toThrow(/^png\/empty: no .png images found/);
    writePng(path.join(base, 'png/both/x.png'), 2, 2, () => [0, 0, 0]);
    writePng(path.join(base, 'png/both/0/y.png'), 2, 2, () => [0, 0, 0]);
    await expect(importPngFolder('png/both', base)).rejects.toThrow(/^png\/both: holds PNG files \(e.g. x.png\) and class subfolders \(e.g. 0\/\)/);
  });
});
