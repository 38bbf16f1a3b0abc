#!/usr/bin/env node
// Draws the capacity explorer's curves from `attractor capacity --json` output as SVG files,
// with the app's own chart code (app/renderer/src/capacity/capacity-charts.ts, bundled here
// by esbuild): the README's figures are made this way.
//
//   node scripts/capacity-charts.mjs OUT_DIR NAME RUN.json [RUN.json ...]
//
// writes OUT_DIR/NAME-retrieved.svg and OUT_DIR/NAME-overlap.svg from the cells of all the
// runs (e.g. one run per N), drawn along the first run's axis (α or β).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [outDir, name, ...runs] = process.argv.slice(2);
if (!outDir || !name || runs.length === 0) {
  process.stderr.write('usage: node scripts/capacity-charts.mjs OUT_DIR NAME RUN.json [RUN.json ...]\n');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const entry = `export { capacityCharts } from './app/renderer/src/capacity/capacity-charts.ts';\nexport { chartSvg } from './app/renderer/src/run/charts/svg.ts';\n`;
const bundled = await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'error' });
const { capacityCharts, chartSvg } = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

const outputs = runs.map((file) => JSON.parse(readFileSync(file, 'utf8')));
const cells = outputs.flatMap((o) => o.cells);
const charts = capacityCharts(cells, outputs[0].axis, 640, 340);
mkdirSync(outDir, { recursive: true });
for (const [part, chart] of Object.entries(charts)) {
  const file = join(outDir, `${name}-${part}.svg`);
  writeFileSync(file, `${chartSvg(chart)}\n`);
  process.stdout.write(`${file}\n`);
}
