// @vitest-environment jsdom
/** The SVG export of the run charts (app/renderer/src/run/charts/svg.ts): built from the data, well-formed XML. */
import { describe, expect, it } from 'vitest';
import { chartSvg, escapeXml, niceTicks } from '../../../app/renderer/src/run/charts/svg.js';

/** Parses as XML: a well-formedness error gives a <parsererror> document instead of an <svg>. */
function parse(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  expect(doc.documentElement.nodeName).toBe('svg');
  expect(doc.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
  return doc;
}

function pointsOf(line: Element): [number, number][] {
  return (line.getAttribute('points') ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => p.split(',').map(Number) as [number, number]);
}

describe('chart SVG export', () => {
  it('the check itself rejects malformed XML', () => {
    const doc = new DOMParser().parseFromString('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', 'image/svg+xml');
    expect(doc.getElementsByTagName('parsererror').length).toBeGreaterThan(0);
  });

  it('draws one polyline per series with one point per drawable value (gaps skipped), inside the plot', () => {
    const x = [0, 1, 2, 3, 4, 5, 6];
    const svg = chartSvg({
      title: 'Loss <train & held-out>',
      xLabel: 'batch',
      yLabel: 'loss',
      x,
      series: [
        { label: 'train', stroke: '#98a2b3', y: [3, 2.5, 2, 1.7, 1.5, 1.4, 1.3] },
        { label: 'held-out "eval"', stroke: '#4f46e5', points: true, dash: [4, 2], y: [null, null, 2.2, null, NaN, null, 1.6] },
      ],
      hMarkers: [{ value: 2, color: '#067647', label: 'θ' }],
      vMarkers: [{ value: 3, color: '#d92d20', label: 't*' }],
      width: 500,
      height: 300,
    });
    const doc = parse(svg);
    const lines = [...doc.getElementsByTagName('polyline')];
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.getAttribute('data-label'))).toEqual(['train', 'held-out "eval"']);
    const [train, held] = lines.map(pointsOf);
    expect(train).toHaveLength(7);
    expect(held).toHaveLength(2);
    for (const [px, py] of [...train, ...held]) {
      expect(px).toBeGreaterThanOrEqual(0);
      expect(px).toBeLessThanOrEqual(500);
      expect(py).toBeGreaterThanOrEqual(0);
      expect(py).toBeLessThanOrEqual(300);
    }
    // x grows left to right; a falling loss goes down the page's y upwards (smaller y).
    expect(train[6][0]).toBeGreaterThan(train[0][0]);
    expect(train[6][1]).toBeGreaterThan(train[0][1]);
    // Title, axis labels, legend, markers and ticks are there as text.
    const texts = [...doc.getElementsByTagName('text')].map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Loss <train & held-out>', 'batch', 'loss', 'train', 'held-out "eval"', 'θ', 't*']));
    expect(doc.getElementsByTagName('title')[0].textContent).toBe('Loss <train & held-out>');
    expect(texts.filter((t) => /^\d/.test(t ?? '')).length).toBeGreaterThanOrEqual(4);
    expect(doc.getElementsByTagName('circle')).toHaveLength(2);
  });

  it('a log scale skips values ≤ 0 and labels powers of ten; an empty chart is still a valid document', () => {
    const doc = parse(
      chartSvg({ title: 'Max change', xLabel: 'iteration', yLabel: 'max |Δx|', logY: true, x: [0, 1, 2, 3], series: [{ label: 'Δ', stroke: '#b54708', y: [null, 1, 1e-2, 0] }] }),
    );
    expect(pointsOf(doc.getElementsByTagName('polyline')[0])).toHaveLength(2);
    const empty = parse(chartSvg({ title: 'E', xLabel: 'i', yLabel: 'E', x: [], series: [{ label: 'E', stroke: '#000', y: [] }] }));
    expect(pointsOf(empty.getElementsByTagName('polyline')[0])).toHaveLength(0);
  });

  it('ticks are round numbers covering the range; text is escaped', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.3, 0.3, 3)).toEqual([-0.2, 0, 0.2]);
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
