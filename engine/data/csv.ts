/**
 * CSV files: one example per line, numeric cells. The header line is optional:
 * a first line with any cell that is neither empty nor a number is taken as the
 * column names. The
 * separator is a comma, or ';' or a tab when the first line has no comma.
 * Cells may be double-quoted ("" for a quote inside); a quoted cell cannot span
 * lines. Blank lines are skipped.
 */
import { LIMITS } from '../compile/limits.js';
import { readUserFile, type ReadOptions } from './bounded-read.js';
import type { Dataset } from './dataset.js';
import { labelsFromNames, rescaleToUnit, userPath } from './files.js';

export interface CsvOptions {
  /** Name (from the header line) of the column holding class labels: integers ≥ 0, or names. */
  labelColumn?: string;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function splitLine(line: string, sep: string, where: () => string): string[] {
  if (!line.includes('"')) return line.split(sep);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new Error(`${where()}: a quoted cell is not closed on this line`);
  cells.push(cell);
  return cells;
}

/**
 * The rows of a CSV file (relative to `baseDir`) as 1×1×n examples, n = the
 * number of columns other than the label column. Values outside [0, 1] are
 * rescaled by the data set's own min and max (v − min)/(max − min), one range
 * over all cells, not per column.
 */
export async function importCsv(file: string, opts: CsvOptions, baseDir: string, read: ReadOptions = {}): Promise<Dataset> {
  const p = userPath(baseDir, file);
  const text = (await readUserFile(p, 'a CSV file', { ...read, maxBytes: LIMITS.textFileBytes })).toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r\n|\n|\r/);
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) throw new Error(`${p.shown}: expected CSV rows of numbers, the file is empty`);
  const first = lines[firstIndex];
  const sep = first.includes(',') ? ',' : first.includes(';') ? ';' : first.includes('\t') ? '\t' : ',';
  const at = (i: number) => `${p.shown} line ${i + 1}`;

  const firstCells = splitLine(first, sep, () => at(firstIndex)).map((c) => c.trim());
  const hasHeader = firstCells.some((c) => c !== '' && !NUMBER.test(c));
  const columns = firstCells.length;
  const header = hasHeader ? firstCells : null;

  let labelCol = -1;
  if (opts.labelColumn !== undefined) {
    if (!header) {
      throw new Error(`${p.shown}: label column "${opts.labelColumn}" needs a header line naming the columns, and line ${firstIndex + 1} holds only numbers`);
    }
    labelCol = header.indexOf(opts.labelColumn);
    if (labelCol < 0) throw new Error(`${p.shown}: none of the ${header.length} columns of the header line is named "${opts.labelColumn}"`);
  }
  const units = columns - (labelCol >= 0 ? 1 : 0);
  if (units === 0) throw new Error(`${p.shown}: expected at least one numeric column besides the label column`);
  const columnName = (c: number) => `column ${c + 1}`;

  const values = new GrowingFloats();
  const labelCells: string[] = [];
  for (let i = hasHeader ? firstIndex + 1 : firstIndex; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitLine(lines[i], sep, () => at(i));
    if (cells.length !== columns) {
      throw new Error(`${at(i)}: expected ${columns} cells (as in line ${firstIndex + 1}), found ${cells.length}`);
    }
    for (let c = 0; c < columns; c++) {
      const cell = cells[c].trim();
      if (c === labelCol) {
        if (cell === '') throw new Error(`${at(i)}, ${columnName(c)}: expected a class label, the cell is empty`);
        labelCells.push(cell);
      } else if (NUMBER.test(cell)) {
        const v = Number(cell);
        // Past float32's range the value would become Infinity.
        if (!Number.isFinite(Math.fround(v))) throw new Error(`${at(i)}, ${columnName(c)}: the number does not fit a float32`);
        if (values.length >= LIMITS.datasetValues) throw new Error(`${p.shown}: holds more than ${LIMITS.datasetValues.toLocaleString('en-US')} values, the most a dataset may hold`);
        values.push(v);
      } else {
        throw new Error(`${at(i)}, ${columnName(c)}: expected a number, found ${cell === '' ? 'an empty cell' : 'text'}`);
      }
    }
  }
  if (values.length === 0) throw new Error(`${p.shown}: expected rows of numbers after the header line, found none`);
  const images = values.take();
  rescaleToUnit(images);
  const count = images.length / units;
  const name = p.shown.split('/').pop() ?? p.shown;
  const out: Dataset = { name, count, channels: 1, height: 1, width: units, images };
  if (labelCol >= 0) Object.assign(out, labelsFromNames(labelCells));
  return out;
}

/** A Float32Array that grows by doubling: a CSV's values without a JS number per cell (8 bytes each, and a slow copy). */
class GrowingFloats {
  private data = new Float32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  take(): Float32Array {
    return this.data.slice(0, this.length);
  }
}
