/** Which range data in [0, 1] takes in a layer: as stored, or 2v − 1. */
import type { DataRef, DatasetSpec, LayerSpec } from '../compile/plan.js';

const BINARY_SOURCES = new Set(['random-patterns', 'bars-and-stripes']);

/**
 * Whether data in [0, 1] is used as 2v − 1: the dataset's `range`, or for `auto`, on sign
 * layers, and for labels and binary patterns on tanh layers (or with no layer to consider,
 * as for stored memory patterns).
 */
export function dataIsSymmetric(ds: DatasetSpec, port: DataRef['port'], activation?: LayerSpec['activation']): boolean {
  const range = ds.params.range;
  if (range !== 'auto') return range === 'symmetric';
  if (activation === 'sign') return true;
  if (activation !== undefined && activation !== 'tanh') return false;
  return port === 'labels' || BINARY_SOURCES.has(ds.params.source.kind);
}
