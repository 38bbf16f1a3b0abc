/**
 * How smooth the canvas is with a big graph while the engine trains: a generated graph
 * of 200 nodes (100 layers in a ring, 100 dense couplings) opened from the workspace,
 * MNIST training running in the background with the run panel streaming, and the canvas
 * panned with the mouse for ~3 s while the page records requestAnimationFrame times.
 *
 * Prints median / p95 frame times and fps and writes test-artifacts/frame-times.json.
 * Timings depend on the machine (2 cores, software rendering here): they never fail the
 * test; only that frames were measured is asserted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { between, graphOf, layer, vector } from '../helpers/graphs.js';
import { e2eTest } from './fixtures.js';
import { eventually, type UI } from './ui.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const test = e2eTest();

/** 100 layers on a ring (an even ring is bipartite: a 2-colour schedule), each pair joined by a dense coupling. */
function bigGraph() {
  const n = 100;
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(layer(`L${i}`, vector(8 + (i % 5) * 4)));
  for (let i = 0; i < n; i++) parts.push(between('dense', `W${i}`, `L${i}`, `L${(i + 1) % n}`));
  const doc = graphOf(parts, { schedule: 'chromatic', steps: 20, theta: 0.001 }) as unknown as { nodes: { id: string; position?: { x: number; y: number } }[]; name: string };
  // A grid, layers and their couplings side by side: 10 columns of (layer, coupling) pairs.
  doc.nodes.forEach((node) => {
    const i = Number(node.id.slice(1));
    const col = i % 10;
    const row = Math.floor(i / 10);
    node.position = { x: col * 420 + (node.id.startsWith('W') ? 210 : 0), y: row * 220 };
  });
  doc.name = 'ring of 100 layers';
  return doc;
}

interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  fps: number;
}

async function measurePan(ui: UI, seconds: number, area: { x0: number; x1: number }): Promise<FrameStats> {
  const canvas = await ui.byTestId('canvas').boundingBox();
  if (!canvas) throw new Error('no canvas');
  // A point on the canvas background (dragging a node would move it instead of panning).
  const start = await ui.page.evaluate(
    ({ box, area }) => {
      for (let y = box.y + 40; y < box.y + box.height - 40; y += 17) {
        for (let x = Math.max(box.x + 40, area.x0); x < Math.min(box.x + box.width - 40, area.x1); x += 23) {
          const el = document.elementFromPoint(x, y);
          if (el && !el.closest('[data-testid^="node-"]') && el.closest('[data-testid="canvas"]') && !el.closest('button, input, .minimap, [class*="minimap"]')) return { x, y };
        }
      }
      return null;
    },
    { box: canvas, area },
  );
  if (!start) throw new Error('no empty spot on the canvas to drag from');
  await ui.page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    const tick = (t: number) => {
      if (!w.__recording) return;
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await ui.page.mouse.move(start.x, start.y);
  await ui.page.mouse.down();
  const t0 = Date.now();
  let k = 0;
  while (Date.now() - t0 < seconds * 1000) {
    const a = (k++ / 30) * Math.PI;
    await ui.page.mouse.move(start.x + 120 * Math.sin(a), start.y + 60 * Math.sin(2 * a));
    // Paces the drag (about a move a frame) for the measurement; it waits for nothing.
    await ui.page.waitForTimeout(8);
  }
  await ui.page.mouse.up();
  const times = await ui.page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  });
  const dts = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const q = (p: number) => dts[Math.min(dts.length - 1, Math.floor(p * dts.length))] ?? NaN;
  const total = (times.at(-1)! - times[0]) / 1000;
  return { frames: dts.length, medianMs: +q(0.5).toFixed(2), p95Ms: +q(0.95).toFixed(2), maxMs: +(dts.at(-1) ?? NaN).toFixed(2), fps: +(dts.length / total).toFixed(1) };
}

test('pans a 200-node graph while a training run streams, and reports frame times', { timeout: 180_000 }, async ({ ui, studio }) => {
  // Background work: MNIST training, saved into the workspace, many batches.
  await ui.openExample('mnist-completion');
  await ui.saveAs('background');
  await ui.openRunDock();
  await ui.byTestId('run-tab-train').click();
  await ui.byTestId('train-batches').fill('5000');
  const training = await ui.startRun('run-train');
  await expect.poll(async () => Number(((await ui.byTestId('train-step').textContent()) ?? '0').split('/')[0]), { timeout: 30_000 }).toBeGreaterThan(3);

  // The big graph, generated and opened from the workspace.
  const path = join(studio.workspace, 'ring.attractor.json');
  await writeFile(path, `${JSON.stringify(bigGraph(), null, 2)}\n`);
  await ui.page.evaluate((p) => (window as unknown as { studio: { openPath(p: string): Promise<boolean> } }).studio.openPath(p), path);
  await eventually(async () => expect((await ui.doc()).graph.nodes).toHaveLength(200), 30_000);
  await ui.settled();
  await ui.zoomToFit();

  // With the run panel open (charts streaming), pan in the part of the canvas it leaves visible.
  const dock = await ui.byTestId('run-dock').boundingBox();
  const withPanel = await measurePan(ui, 3, { x0: 0, x1: (dock?.x ?? 1400) - 10 });
  // Panel hidden (the run goes on): the whole canvas.
  await ui.byTestId('run-close').click();
  const withoutPanel = await measurePan(ui, 3, { x0: 0, x1: 1400 });
  const trainedTo = await ui.page.evaluate(() => document.querySelector('[data-testid="train-step"]')?.textContent ?? '');

  const report = {
    graph: { nodes: 200, layers: 100, couplings: 100 },
    background: `MNIST completion training (batch 64, BPTT), at batch ${trainedTo}`,
    viewport: ui.page.viewportSize(),
    runPanelOpen: withPanel,
    runPanelHidden: withoutPanel,
    measuredAt: new Date().toISOString(),
  };
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, 'frame-times.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const [label, st] of [['run panel open', withPanel], ['run panel hidden', withoutPanel]] as const) {
    console.log(`frames (${label}): ${st.frames} frames, median ${st.medianMs} ms, p95 ${st.p95Ms} ms, max ${st.maxMs} ms, ${st.fps} fps`);
  }
  expect(withPanel.frames).toBeGreaterThan(10);
  expect(withoutPanel.frames).toBeGreaterThan(10);

  await ui.openRunDock();
  await ui.byTestId('run-cancel').click();
  expect(await ui.runEnded(training, 30_000)).toBe('cancelled');
});
