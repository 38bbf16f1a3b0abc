/**
 * The one in-memory form of every data set, whatever its source, and the checks
 * that run before a data set meets a layer.
 *
 * Examples are stored channels-first (CHW), the order of image files and of the
 * reference; the engine's grid state is channels-last (HWC), so `toLayerLayout`
 * converts at the boundary and nowhere else.
 */
import { describeShape, unitCount, type LayerShape } from '../../nodes/shapes.js';

export interface Dataset {
  name: string;
  count: number;
  /** Example shape: images are channels×height×width; a plain vector is 1×1×n. */
  height: number;
  width: number;
  channels: number;
  /** count × units, values in [0, 1], each example row-major in CHW order. */
  images: Float32Array;
  labels?: Int32Array;
  /** Number of classes; labels lie in [0, classes). */
  classes?: number;
  /** Display names of the classes, where the source has them (e.g. PNG subfolder names). */
  classNames?: string[];
  /** Example indices; present when the source itself says which examples are held out. */
  split?: { train: Int32Array; test: Int32Array };
}

export function exampleUnits(d: Pick<Dataset, 'channels' | 'height' | 'width'>): number {
  return d.channels * d.height * d.width;
}

export function describeExample(d: Pick<Dataset, 'channels' | 'height' | 'width'>): string {
  return `${d.channels}×${d.height}×${d.width}`;
}

/**
 * A new data set holding `indices` (in that order; repeats allowed). The split is
 * carried over: a selected example stays in the part it was in.
 */
export function selectExamples(d: Dataset, indices: ArrayLike<number>): Dataset {
  const units = exampleUnits(d);
  const n = indices.length;
  const images = new Float32Array(n * units);
  const labels = d.labels ? new Int32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const src = indices[i];
    if (!Number.isInteger(src) || src < 0 || src >= d.count) {
      throw new Error(`example index ${src} is outside data set "${d.name}" (0…${d.count - 1})`);
    }
    images.set(d.images.subarray(src * units, (src + 1) * units), i * units);
    if (labels && d.labels) labels[i] = d.labels[src];
  }
  const out: Dataset = { ...d, count: n, images };
  if (labels) out.labels = labels;
  else delete out.labels;
  if (d.split) {
    const inTest = new Uint8Array(d.count);
    for (const t of d.split.test) inTest[t] = 1;
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (inTest[indices[i]] ? test : train).push(i);
    out.split = { train: Int32Array.from(train), test: Int32Array.from(test) };
  }
  return out;
}

/**
 * Whether the data set's examples can be written into the layer, or a message that
 * names both nodes. A vector or token layer takes any example with its unit count
 * (in CHW order). A grid layer needs the same channels, height and width, or a flat
 * example (1×1×n, e.g. a CSV row) with its unit count, read row by row in CHW order.
 */
export function checkFits(d: Dataset, datasetNodeId: string, layerShape: LayerShape, layerNodeId: string): string | null {
  const units = exampleUnits(d);
  const layerUnits = unitCount(layerShape);
  const gives = `dataset "${datasetNodeId}" gives ${units} values per example (${describeExample(d)})`;
  if (units !== layerUnits) {
    return `${gives} but layer "${layerNodeId}" has ${layerUnits} units (${describeShape(layerShape)})`;
  }
  if (layerShape.type !== 'grid') return null;
  const flat = d.channels === 1 && d.height === 1;
  const same = d.channels === layerShape.channels && d.height === layerShape.height && d.width === layerShape.width;
  if (same || flat) return null;
  return (
    `${gives} but layer "${layerNodeId}" is ${describeShape(layerShape)}: a grid layer needs examples of ` +
    `${layerShape.channels}×${layerShape.height}×${layerShape.width} (channels×height×width)`
  );
}

/**
 * Whether the data set is usable at all: not empty, arrays of the stated sizes,
 * every value finite. The message (which the caller puts after the node) names the
 * first bad example.
 */
export function checkFinite(d: Dataset): string | null {
  const units = exampleUnits(d);
  if (d.count === 0 || units === 0) {
    return `has no examples${d.count === 0 ? '' : ` (examples of ${describeExample(d)} hold no values)`}`;
  }
  if (d.images.length !== d.count * units) {
    return `holds ${d.images.length} values, expected ${d.count} examples × ${units}`;
  }
  if (d.labels && d.labels.length !== d.count) {
    return `has ${d.labels.length} labels for ${d.count} examples`;
  }
  const v = d.images;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      const example = Math.floor(i / units);
      return `has a non-finite value in example ${example} (unit ${i - example * units}): ${v[i]}`;
    }
  }
  return null;
}

/**
 * `images` (some number of examples in the data set's CHW order) in the layer's
 * state layout (`stateDims`): grids become channels-last (HWC); a token layer of
 * one token per pixel (tokens = height·width, dim = channels) gets each pixel's
 * channels as its features; everything else keeps CHW order. Returns `images`
 * itself when the layouts already agree, so callers must not write into the result.
 */
export function toLayerLayout(images: Float32Array, d: Dataset, shape: LayerShape): Float32Array {
  const units = unitCount(shape);
  if (units !== exampleUnits(d) || images.length % units !== 0) {
    throw new Error(
      `cannot lay out ${images.length} values of ${describeExample(d)} examples as ${describeShape(shape)}`,
    );
  }
  let c: number;
  let hw: number;
  if (shape.type === 'grid') {
    c = shape.channels;
    hw = shape.height * shape.width;
  } else if (shape.type === 'tokens' && d.channels > 1 && shape.dim === d.channels && shape.tokens === d.height * d.width) {
    c = d.channels;
    hw = shape.tokens;
  } else {
    return images;
  }
  if (c === 1) return images;
  const out = new Float32Array(images.length);
  for (let base = 0; base < images.length; base += units) {
    for (let ch = 0; ch < c; ch++) {
      const from = base + ch * hw;
      for (let p = 0; p < hw; p++) out[base + p * c + ch] = images[from + p];
    }
  }
  return out;
}
