/** Node geometry and summaries for every catalog kind. */
import { describe, expect, it } from 'vitest';
import { KINDS, defaultParams, findKind } from '../../../nodes/catalog.js';
import { nodeSize, portCentreY, portRows, shapeText, summaryText } from '../../../app/renderer/src/editor/layout.js';

/**
 * What the node component draws (styles.css): a 26 px header and two 18 px text lines
 * (label, summary) above the port rows, and 14 px sockets. Written out here rather than
 * read from layout.ts, so a change on either side shows up; test/e2e/editor.test.ts
 * measures the drawn nodes in Chromium against layout.ts.
 */
const TEXT_BOTTOM = 26 + 18 + 18;
const SOCKET = 14;

describe('nodeSize', () => {
  it('gives the sizes the editor draws: 200 px wide, 100 px with one port row, 122 px with two', () => {
    expect(nodeSize('layer')).toEqual({ width: 200, height: 100 });
    expect(nodeSize('noise')).toEqual({ width: 200, height: 100 });
    expect(nodeSize('patches')).toEqual({ width: 200, height: 100 });
    expect(nodeSize('dense')).toEqual({ width: 200, height: 122 });
    expect(nodeSize('clamp')).toEqual({ width: 200, height: 122 });
    expect(nodeSize('dataset')).toEqual({ width: 200, height: 122 });
  });

  it('counts a row for each input or output side by side, and at least one', () => {
    expect(portRows('layer')).toBe(1); // one output
    expect(portRows('patches')).toBe(1); // one input beside one output
    expect(portRows('dense')).toBe(2); // lower and upper
    expect(portRows('dataset')).toBe(2); // images and labels
  });

  it.each(KINDS.map((k) => k.id))('places the ports of %s below the text lines, apart, and inside the node', (kind) => {
    const spec = findKind(kind)!;
    const { height } = nodeSize(kind);
    const rows = Math.max(spec.inputs.length, spec.outputs.length);
    const centres = Array.from({ length: rows }, (_, i) => portCentreY(i));
    expect(centres[0] - SOCKET / 2).toBeGreaterThanOrEqual(TEXT_BOTTOM);
    for (let i = 1; i < rows; i++) expect(centres[i] - centres[i - 1]).toBeGreaterThanOrEqual(SOCKET);
    expect(centres[rows - 1] + SOCKET / 2).toBeLessThanOrEqual(height);
  });
});

describe('summaryText', () => {
  it.each(KINDS.map((k) => k.id))('says something about %s with default params', (kind) => {
    expect(summaryText(kind, defaultParams(kind))).not.toBe('');
    expect(summaryText(kind, {})).not.toMatch(/undefined|NaN/);
  });

  it('shows layer shapes compactly', () => {
    expect(summaryText('layer', { shape: { type: 'vector', size: 784 } })).toBe('vector[784] · tanh');
    expect(summaryText('layer', { shape: { type: 'grid', channels: 1, height: 28, width: 28 }, role: 'visible' })).toBe('grid 1×28×28 · tanh · visible');
    expect(shapeText({ type: 'tokens', tokens: 16, dim: 49 })).toBe('tokens 16×49');
    expect(shapeText({ type: 'grid', channels: 1 })).toBeUndefined();
    expect(summaryText('layer', { shape: 'round' })).toMatch(/^shape\?/);
  });
});
