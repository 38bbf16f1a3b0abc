/**
 * Every example reads on the canvas (issue 15, item 5: "the mnist-classify example's
 * sockets overlap so its wires cannot be seen"): no two nodes touch or overlap, and no
 * socket of one node sits on a socket of another, so every wire has length and can be seen.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import { NODE_WIDTH } from '../../app/renderer/src/editor/layout.js';

const test = e2eTest();
const EXAMPLES = readdirSync(join(import.meta.dirname, '..', '..', 'examples'))
  .filter((f) => f.endsWith('.attractor.json'))
  .map((f) => f.replace('.attractor.json', ''));

type Box = { x: number; y: number; width: number; height: number; id: string };
/** Boxes closer than `gap` (screen px) on both axes. */
const near = (a: Box, b: Box, gap: number) => a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

describe('examples on the canvas', { timeout: 180_000 }, () => {
  test('no two nodes touch and no socket sits on another node\'s socket, in every example', async ({ ui }) => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    const found: string[] = [];
    for (const example of EXAMPLES) {
      await ui.openExample(example);
      await ui.zoomToFit();
      const { nodes, sockets } = await ui.page.evaluate(() => {
        const rect = (el: Element, id: string) => {
          const r = el.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height, id };
        };
        const nodeEls = [...document.querySelectorAll('[data-testid^="node-"]')].filter((n) => n.querySelector('[data-testid^="socket-"]') || n.classList.length > 0);
        return {
          nodes: nodeEls.map((n) => rect(n, n.getAttribute('data-testid')!.slice(5))),
          sockets: [...document.querySelectorAll('[data-testid^="socket-"]')].map((s) => rect(s, s.getAttribute('data-testid')!.slice(7))),
        };
      });
      // At least 10 graph units between nodes at the fitted zoom (nodes are NODE_WIDTH = 200 units wide).
      const gap = 10 * (nodes[0].width / NODE_WIDTH);
      for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) if (near(nodes[i], nodes[j], gap)) found.push(`${example}: nodes ${nodes[i].id} and ${nodes[j].id} touch`);
      const owner = (s: Box) => s.id.split('-')[0];
      for (let i = 0; i < sockets.length; i++) {
        for (let j = i + 1; j < sockets.length; j++) {
          if (owner(sockets[i]) !== owner(sockets[j]) && near(sockets[i], sockets[j], 0)) found.push(`${example}: sockets ${sockets[i].id} and ${sockets[j].id} overlap`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
