/**
 * Clamp masks in the engine's state layout (grids channels-last), as flat 0/1 arrays.
 * Picture masks (halves, centre square) treat a grid as h×w pixels across all channels,
 * a square vector as side×side (row-major, as MNIST's 784 pixels), tokens as tokens×dim.
 */
import type { ClampMask } from '../../nodes/kinds/clamp.js';
import type { LayerSpec } from '../compile/plan.js';
import { pictureSize } from '../compile/structure.js';

export interface MaskArray {
  /** 1 for a mask shared by the whole batch, else the batch size. */
  readonly rows: number;
  readonly data: Float32Array;
}

/** Engine offset of pixel (r, c), channel ch. */
function pictureLayout(layer: LayerSpec): { h: number; w: number; channels: number } {
  const pic = pictureSize(layer.shape);
  if (!pic) throw new Error(`layer "${layer.id}" is not a picture`);
  return { ...pic, channels: layer.shape.type === 'grid' ? layer.shape.channels : 1 };
}

function pictureMask(layer: LayerSpec, inside: (r: number, c: number, h: number, w: number) => boolean): Float32Array {
  const { h, w, channels } = pictureLayout(layer);
  const out = new Float32Array(layer.units);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      if (!inside(r, c, h, w)) continue;
      for (let ch = 0; ch < channels; ch++) out[(r * w + c) * channels + ch] = 1;
    }
  }
  return out;
}

/** A file-order unit index (CHW for grids) as an engine offset (HWC). */
export function engineOffset(layer: LayerSpec, index: number): number {
  if (layer.shape.type !== 'grid') return index;
  const { channels, height, width } = layer.shape;
  const ch = Math.floor(index / (height * width));
  const pix = index % (height * width);
  return pix * channels + ch;
}

export function clampMask(mask: ClampMask, layer: LayerSpec, batch: number, random: () => number): MaskArray {
  switch (mask.kind) {
    case 'whole':
      return { rows: 1, data: new Float32Array(layer.units).fill(1) };
    case 'top-half':
      return { rows: 1, data: pictureMask(layer, (r, _c, h) => r < Math.floor(h / 2)) };
    case 'bottom-half':
      return { rows: 1, data: pictureMask(layer, (r, _c, h) => r >= Math.floor(h / 2)) };
    case 'left-half':
      return { rows: 1, data: pictureMask(layer, (_r, c, _h, w) => c < Math.floor(w / 2)) };
    case 'right-half':
      return { rows: 1, data: pictureMask(layer, (_r, c, _h, w) => c >= Math.floor(w / 2)) };
    case 'centre-square': {
      const s = mask.size;
      return {
        rows: 1,
        data: pictureMask(layer, (r, c, h, w) => {
          const r0 = Math.floor((h - s) / 2);
          const c0 = Math.floor((w - s) / 2);
          return r >= r0 && r < r0 + s && c >= c0 && c < c0 + s;
        }),
      };
    }
    case 'random-fraction': {
      // A fresh mask per example, so a batch sees many patterns of missing units.
      const data = new Float32Array(batch * layer.units);
      for (let i = 0; i < data.length; i++) data[i] = random() < mask.fraction ? 1 : 0;
      return { rows: batch, data };
    }
    case 'indices': {
      const data = new Float32Array(layer.units);
      for (const i of mask.indices) data[engineOffset(layer, i)] = 1;
      return { rows: 1, data };
    }
    case 'label-units': {
      const data = new Float32Array(layer.units);
      data.fill(1, mask.offset, mask.offset + mask.count);
      return { rows: 1, data };
    }
  }
}
