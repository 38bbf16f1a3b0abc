/** Node geometry and summaries for every catalog kind. */
import { describe, expect, it } from 'vitest';
import { KINDS, defaultParams, findKind } from '../../../nodes/catalog.js';
import { nodeSize, portCentreY, PORT_ROW, shapeText, summaryText } from '../../../app/renderer/src/editor/layout.js';

describe('nodeSize', () => {
  it.each(KINDS.map((k) => k.id))('fits every port row of %s', (kind) => {
    const spec = findKind(kind)!;
    const rows = Math.max(spec.inputs.length, spec.outputs.length);
    const { height } = nodeSize(kind);
    expect(portCentreY(rows - 1) + PORT_ROW / 2).toBeLessThanOrEqual(height);
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
