/**
 * The attention graph draws tokens as they are arranged (issue 15, item 6): a 1-D
 * sequence on a line in order — a local window then joins only near neighbours, not the
 * long diagonals a fake 2-D grid made of it — image patches on their grid; and its
 * labels never overlap, however many tokens there are.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

const RADIUS = 2;
/** 36 tokens of 4 features, self-attention within a window of ±RADIUS, the tokens clamped to random patterns. */
const SEQUENCE = {
  format: 'attractor-graph',
  version: 2,
  name: 'local window',
  nodes: [
    { id: 'seq', kind: 'layer', position: { x: 0, y: 0 }, params: { shape: { type: 'tokens', tokens: 36, dim: 4 }, activation: 'tanh', role: 'visible' } },
    { id: 'attend', kind: 'self-attention', position: { x: 0, y: -220 }, params: { heads: 1, keyDim: 4, beta: 2, step: 0.5, mask: { kind: 'local', radius: RADIUS } } },
    { id: 'data', kind: 'dataset', position: { x: -300, y: 200 }, params: { source: { kind: 'random-patterns', count: 8, size: 144, seed: 3 }, holdout: 0.5 } },
    { id: 'given', kind: 'clamp', position: { x: 0, y: 200 }, params: { mask: { kind: 'whole' } } },
  ],
  edges: [
    { from: { node: 'seq', port: 'state' }, to: { node: 'attend', port: 'layer' } },
    { from: { node: 'seq', port: 'state' }, to: { node: 'given', port: 'layer' } },
    { from: { node: 'data', port: 'images' }, to: { node: 'given', port: 'data' } },
  ],
};

/** Label boxes that intersect, by their text. */
function overlappingLabels(ui: UI): Promise<string[]> {
  return ui.page.evaluate(() => {
    const boxes = [...document.querySelectorAll('[data-testid="attention-label"]')].map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
    const out: string[] = [];
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const p = boxes[a].r;
        const q = boxes[b].r;
        if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) out.push(`${boxes[a].text}/${boxes[b].text}`);
      }
    }
    return out;
  });
}

async function settleAndShowAttention(ui: UI): Promise<void> {
  await ui.openRunDock();
  await ui.byTestId('run-tab-settle').click();
  expect(await ui.run('run-settle')).toBe('done');
  await ui.byTestId('run-tab-attention').click();
  await ui.byTestId('attention-graph').waitFor();
  await ui.byTestId('attention-block').selectOption({ index: 0 });
  await ui.byTestId('attention-threshold').fill('0');
}

describe('attention graph layout', { timeout: 120_000 }, () => {
  test('a 1-D sequence with a local window: tokens on a line in order, every edge joins tokens within the window, no labels overlap', async ({ ui, studio }) => {
    await writeFile(join(studio.workspace, 'window.attractor.json'), JSON.stringify(SEQUENCE));
    await ui.openFromWorkspace('window');
    await settleAndShowAttention(ui);
    expect(await ui.attr('attention-graph', 'data-layout')).toBe('sequence');
    const edges = await ui.byTestId('attention-graph').locator('path.run-attn-edge').evaluateAll((es) => es.map((e) => [Number(e.getAttribute('data-i')), Number(e.getAttribute('data-j'))]));
    expect(edges.length).toBeGreaterThan(36);
    for (const [i, j] of edges) expect(Math.abs(i - j), `${j} → ${i}`).toBeLessThanOrEqual(RADIUS);
    // Drawn in order along the line: token i left of token i + 1.
    const xs = await ui.byTestId('attention-graph').locator('circle.run-attn-vertex').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx'))));
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    expect(await ui.byTestId('attention-label').count()).toBeGreaterThan(3);
    expect(await overlappingLabels(ui)).toEqual([]);
    await ui.shot('attention-sequence');
  });

  test('image patches stay on their grid, labels apart', async ({ ui }) => {
    await ui.openExample('mnist-patches');
    await settleAndShowAttention(ui);
    expect(await ui.attr('attention-graph', 'data-layout')).toBe('grid');
    expect(await overlappingLabels(ui)).toEqual([]);
  });
});
