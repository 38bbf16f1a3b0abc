/**
 * A folder of PNG images, all the same size. Either the PNGs sit in the folder
 * itself (no labels), or in one subfolder per class (folder/0/*.png,
 * folder/1/*.png …, or named classes folder/cat/*.png …), which gives labels.
 * Files are read in name order (numbers in names compare as numbers), class by
 * class. Other files, hidden files and folders without PNGs are ignored.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { LIMITS } from '../compile/limits.js';
import { ensureInside } from '../format/confine.js';
import { readUserFile, type ReadOptions } from './bounded-read.js';
import type { Dataset } from './dataset.js';
import { compareNames, labelsFromNames, shownPath, userPath } from './files.js';

const isPng = (name: string) => !name.startsWith('.') && name.toLowerCase().endsWith('.png');

async function listFolder(abs: string, shown: string): Promise<{ pngs: string[]; dirs: string[] }> {
  let entries;
  // Entries that are links are neither files nor folders here: they are skipped, so none leads out.
  await ensureInside(abs, shown);
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
    if (code === 'ENOENT') throw new Error(`${shown}: folder not found (expected a folder of PNG images)`);
    if (code === 'ENOTDIR') throw new Error(`${shown}: is a file, expected a folder of PNG images`);
    throw new Error(`${shown}: cannot list the folder${code ? ` (${code})` : ''}`);
  }
  const pngs = entries.filter((e) => e.isFile() && isPng(e.name)).map((e) => e.name).sort(compareNames);
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(compareNames);
  return { pngs, dirs };
}

/**
 * Images as CHW values byte/255: 1 channel when every pixel of every image is
 * grey (r = g = b, whatever the PNG's colour type), else 3 (RGB); alpha is
 * dropped, not composited. `folder` is relative to `baseDir`.
 */
/** Width and height from the IHDR chunk, which a PNG must start with: read before decoding, so a 10⁵×10⁵ image is refused unallocated. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export async function importPngFolder(folder: string, baseDir: string, read: ReadOptions = {}): Promise<Dataset> {
  const root = userPath(baseDir, folder);
  const top = await listFolder(root.abs, root.shown);
  const files: string[] = [];
  const classOf: string[] = [];
  const classDirs: string[] = [];
  for (const dir of top.dirs) {
    const inner = await listFolder(path.join(root.abs, dir), shownPath(baseDir, path.join(root.abs, dir)));
    if (inner.pngs.length === 0) continue;
    classDirs.push(dir);
    for (const f of inner.pngs) {
      files.push(path.join(root.abs, dir, f));
      classOf.push(dir);
    }
  }
  if (classDirs.length > 0 && top.pngs.length > 0) {
    throw new Error(
      `${root.shown}: holds PNG files (e.g. ${top.pngs[0]}) and class subfolders (e.g. ${classDirs[0]}/); ` +
        'expected either images directly in the folder or one subfolder per class',
    );
  }
  if (classDirs.length === 0) files.push(...top.pngs.map((f) => path.join(root.abs, f)));
  if (files.length === 0) throw new Error(`${root.shown}: no .png images found (expected *.png in the folder or in class subfolders)`);
  if (files.length > LIMITS.folderFiles) throw new Error(`${root.shown}: holds ${files.length} PNG images; a png-folder dataset may have at most ${LIMITS.folderFiles}`);

  let width = 0;
  let height = 0;
  let firstShown = '';
  let rgb = new Float32Array(0);
  let grey = true;
  for (let k = 0; k < files.length; k++) {
    const shown = shownPath(baseDir, files[k]);
    const bytes = await readUserFile({ abs: files[k], shown }, 'a PNG image', read);
    const declared = pngSize(bytes);
    if (declared && declared.width * declared.height > LIMITS.imagePixels) {
      throw new Error(`${shown}: is ${declared.width}×${declared.height} pixels; an image may have at most ${LIMITS.imagePixels.toLocaleString('en-US')}`);
    }
    if (declared && files.length * 3 * declared.width * declared.height > LIMITS.datasetValues) {
      throw new Error(`${root.shown}: ${files.length} images of ${declared.width}×${declared.height} pixels would hold more than ${LIMITS.datasetValues.toLocaleString('en-US')} values, the most a dataset may hold`);
    }
    let png: { width: number; height: number; data: Buffer };
    try {
      png = PNG.sync.read(bytes);
    } catch (e) {
      throw new Error(`${shown}: not a readable PNG image (${e instanceof Error ? e.message : String(e)})`);
    }
    if (k === 0) {
      ({ width, height } = png);
      firstShown = shown;
      rgb = new Float32Array(files.length * 3 * width * height);
    } else if (png.width !== width || png.height !== height) {
      throw new Error(
        `${shown}: is ${png.width}×${png.height} pixels but ${firstShown} is ${width}×${height}; all images must be the same size`,
      );
    }
    const hw = width * height;
    const base = k * 3 * hw;
    const d = png.data;
    for (let p = 0; p < hw; p++) {
      const r = d[4 * p];
      const g = d[4 * p + 1];
      const b = d[4 * p + 2];
      if (r !== g || g !== b) grey = false;
      rgb[base + p] = r / 255;
      rgb[base + hw + p] = g / 255;
      rgb[base + 2 * hw + p] = b / 255;
    }
  }

  const hw = width * height;
  let images = rgb;
  if (grey) {
    images = new Float32Array(files.length * hw);
    for (let k = 0; k < files.length; k++) images.set(rgb.subarray(k * 3 * hw, k * 3 * hw + hw), k * hw);
  }
  const name = root.shown.split('/').filter(Boolean).pop() ?? root.shown;
  const out: Dataset = { name, count: files.length, channels: grey ? 1 : 3, height, width, images };
  if (classDirs.length > 0) Object.assign(out, labelsFromNames(classOf));
  return out;
}
