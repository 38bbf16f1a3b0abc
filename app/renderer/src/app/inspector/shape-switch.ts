/**
 * A layer's shape switched between vector, grid and tokens keeps its number of units
 * where it can, instead of starting from 1×1×1: a vector of 784 becomes a 1×28×28 grid
 * (square when the count is a square), a grid c×h×w a vector of c·h·w or h·w tokens of c
 * features, t tokens of d a vector of t·d.
 */
import { isRecord } from './json-schema.js';

type Shape = Record<string, unknown>;

function units(shape: Shape): number | null {
  const n = (k: string) => (typeof shape[k] === 'number' ? (shape[k] as number) : NaN);
  const count = shape.type === 'vector' ? n('size') : shape.type === 'grid' ? n('channels') * n('height') * n('width') : shape.type === 'tokens' ? n('tokens') * n('dim') : NaN;
  return Number.isInteger(count) && count > 0 ? count : null;
}

/** Whether a value is a layer shape (the union the rule applies to). */
export function isLayerShape(v: unknown): v is Shape {
  return isRecord(v) && (v.type === 'vector' || v.type === 'grid' || v.type === 'tokens');
}

/** `fresh` (the new option's starter value) with the unit count of `previous` carried over; `fresh` itself when there is none. */
export function carryShape(previous: Shape, fresh: Shape): Shape {
  const n = units(previous);
  if (n === null || previous.type === fresh.type) return fresh;
  const side = Math.round(Math.sqrt(n));
  switch (fresh.type) {
    case 'vector':
      return { type: 'vector', size: n };
    case 'grid':
      if (previous.type === 'tokens') return { type: 'grid', channels: previous.dim, height: 1, width: previous.tokens };
      return side * side === n ? { type: 'grid', channels: 1, height: side, width: side } : { type: 'grid', channels: 1, height: 1, width: n };
    case 'tokens':
      if (previous.type === 'grid') return { type: 'tokens', tokens: (previous.height as number) * (previous.width as number), dim: previous.channels };
      return { type: 'tokens', tokens: n, dim: 1 };
    default:
      return fresh;
  }
}
