/**
 * Blocks end to end, in Chromium against the real web-mode host and engine: the block
 * examples, an instance's overrides in the inspector, opening a block and editing inside
 * it with the breadcrumb back out, making a block of a selection with the keyboard and
 * undoing it, copy and paste of a block; and the README's screenshots.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { between, graphOf, layer, vector } from '../helpers/graphs.js';
import { e2eTest } from './fixtures.js';
import { eventually, type UI } from './ui.js';

const test = e2eTest();

const blocksOf = async (ui: UI) => (await ui.doc()).graph.blocks;

describe('blocks (web mode, Chromium)', { timeout: 120_000 }, () => {
  test('an instance shows and sets the parameters its block exposes; the plan names paths', async ({ ui }) => {
    await ui.openExample('deep-conv-blocks');
    expect(await ui.problems('error')).toEqual([]);
    await ui.zoomToFit();
    await ui.select('stage3');
    await ui.byTestId('block-inspector').waitFor();
    expect(await ui.byTestId('override-row-channels').textContent()).toContain('reset');
    await ui.byTestId('override-reset-channels').click();
    await ui.settled();
    expect((await ui.doc()).graph.nodes.find((n) => n.id === 'stage3')!.params).toEqual({});
    await ui.shortcut('Mod+Z');
    await ui.settled();
    expect((await ui.doc()).graph.nodes.find((n) => n.id === 'stage3')!.params).toEqual({ channels: 8 });
    await ui.byTestId('tab-plan').click();
    expect(await ui.byTestId('plan-text').textContent()).toContain('z[stage2/maps] += conv(x[stage1/maps], stage2/conv)');
    await ui.shot('blocks-instances');
  });

  test("an instance's exposed parameter goes to the sweep builder as the path --set takes", async ({ ui, studio }) => {
    await copyFile('examples/deep-conv-blocks.attractor.json', join(studio.workspace, 'deep-conv-blocks.attractor.json'));
    await ui.openFromWorkspace('deep-conv-blocks');
    await ui.select('stage3');
    await ui.byTestId('sweep-override-channels').click();
    await ui.byTestId('sweep-view').waitFor();
    await expect.poll(() => ui.page.locator('[data-testid="sweep-path"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toContain('stage3.channels');
  });

  test('opens a block, edits inside (every instance follows), and goes back out by the breadcrumb', async ({ ui }) => {
    await ui.openExample('deep-conv-blocks');
    await ui.byTestId('node-stage2').locator('.ase-node__header').dblclick();
    const crumb = ui.byTestId('block-breadcrumb');
    await expect.poll(() => crumb.textContent()).toBe('Graph›stage2 (Conv stage)');
    await ui.byTestId('node-@inputs').waitFor();
    await ui.select('recur');
    // A node inside a block has no id a sweep can address (its instances' exposed parameters do).
    await ui.byTestId('param-kernel').waitFor();
    expect(await ui.page.locator('[data-testid^="sweep-param-"]').count()).toBe(0);
    await ui.setParam('kernel', '5');
    const def = (await blocksOf(ui))[0];
    expect(def.nodes.find((n) => n.id === 'recur')!.params).toMatchObject({ kernel: 5 });
    await ui.byTestId('tab-plan').click();
    const plan = (await ui.byTestId('plan-text').textContent()) ?? '';
    for (const stage of ['stage1', 'stage2', 'stage3']) expect(plan).toMatch(new RegExp(`${stage}/recur +conv-within .* \\[5×5×`));
    await ui.byTestId('expose-add').waitFor();
    await ui.shot('blocks-open');
    await ui.byTestId('breadcrumb-0').click();
    await ui.byTestId('node-stage1').waitFor();
    expect(await crumb.isHidden()).toBe(true);
    // Undo goes back into the block to undo the edit made there.
    await ui.shortcut('Mod+Z');
    await expect.poll(() => crumb.textContent()).toBe('Graph›stage2 (Conv stage)');
    expect((await blocksOf(ui))[0].nodes.find((n) => n.id === 'recur')!.params).toMatchObject({ kernel: 3 });
  });

  test('makes a block of a selection with the keyboard, undoes it, and copies and pastes it', async ({ ui, studio }) => {
    const doc = graphOf([layer('lower', vector(16)), layer('upper', vector(8)), between('dense', 'W', 'lower', 'upper')]);
    const at: Record<string, { x: number; y: number }> = { lower: { x: 0, y: 260 }, upper: { x: 0, y: 0 }, W: { x: 320, y: 130 } };
    await writeFile(join(studio.workspace, 'pair.attractor.json'), JSON.stringify({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: at[n.id] })) }));
    await ui.openFromWorkspace('pair');
    await ui.select('upper');
    await ui.byTestId('node-W').locator('.ase-node__header').click({ modifiers: ['Shift'] });
    await ui.byTestId('inspector-multi').waitFor();
    await ui.shortcut('Mod+G');
    await ui.byTestId('node-block-1').waitFor();
    await ui.settled();
    expect(await ui.edges()).toEqual(['lower.state->block-1.lower']);
    expect((await blocksOf(ui)).map((b) => b.nodes.map((n) => n.id))).toEqual([['upper', 'W']]);
    expect(await ui.problems('error')).toEqual([]);

    await ui.shortcut('Mod+Z');
    await ui.byTestId('node-upper').waitFor();
    expect(await blocksOf(ui)).toEqual([]);
    await ui.shortcut('Mod+Shift+Z');
    await ui.byTestId('node-block-1').waitFor();

    await ui.select('block-1');
    await ui.shortcut('Mod+C');
    await ui.shortcut('Mod+V');
    await ui.byTestId('node-block-1-1').waitFor();
    await eventually(async () => expect((await ui.doc()).graph.nodes.filter((n) => n.kind === 'block').map((n) => n.id)).toEqual(['block-1', 'block-1-1']));
    expect(await blocksOf(ui)).toHaveLength(1);
    await ui.settled();
    // The copy's input is not wired: the problem names the node inside by its path.
    expect(await ui.problems('error')).toEqual([expect.stringContaining('block-1-1/W')]);
  });

  test('the dashboards name layers and attention blocks inside blocks by their path', async ({ ui }) => {
    await ui.openExample('attention-blocks');
    await ui.openRunDock();
    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('settle-index').fill('2');
    expect(await ui.run('run-settle')).toBe('done');
    await ui.byTestId('layer-image-stage2/tokens').waitFor();
    await ui.byTestId('run-tab-attention').click();
    await ui.byTestId('attention-graph').waitFor();
    const blocks = await ui.byTestId('attention-block').locator('option').allTextContents();
    expect(blocks.join(' ')).toMatch(/stage1\/attend.*stage2\/attend/);
  });
});
