import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ParamName, nodeLabels, nodeNameText } from '../../app/renderer/src/app/node-names.js';

describe('node names', () => {
  it('maps ids to labels only where a label says something the id does not', () => {
    const labels = nodeLabels({ nodes: [{ id: 'a', label: 'input pixels' }, { id: 'b' }, { id: 'c', label: 'c' }, { id: 'd', label: '  ' }, { id: 'e', label: 3 }] });
    expect([...labels]).toEqual([['a', 'input pixels']]);
    expect(nodeNameText('a', labels)).toBe('input pixels (a)');
    expect(nodeNameText('b', labels)).toBe('b');
  });
  it('reads nothing from what is not a graph', () => {
    for (const g of [null, undefined, 3, {}, { nodes: 'x' }, { nodes: [null, 1] }]) expect(nodeLabels(g).size).toBe(0);
  });
  it("names a parameter by its node's label (the weights panel): `W` and `hidden.b` under their owners' labels, the name in grey", () => {
    const labels = nodeLabels({ nodes: [{ id: 'W', label: 'pixels ↔ hidden' }, { id: 'hidden', label: 'features' }] });
    const html = (name: string) => renderToStaticMarkup(createElement(ParamName, { name, labels }));
    expect(html('W')).toContain('<b>pixels ↔ hidden</b> <span class="node-name__id">W</span>');
    expect(html('hidden.b')).toContain('<b>features</b> <span class="node-name__id">hidden.b</span>');
    expect(html('visible.b')).toBe('<b>visible.b</b>');
  });
});
