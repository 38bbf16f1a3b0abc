/** Layer shapes as they appear in graph files, and the arithmetic on them. */
import { z, positiveInt } from './schema.js';

export const layerShapeSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('vector'), size: positiveInt().describe('units') }).strict(),
    z
      .object({
        type: z.literal('grid'),
        channels: positiveInt().describe('feature maps'),
        height: positiveInt().describe('rows'),
        width: positiveInt().describe('columns'),
      })
      .strict(),
    z
      .object({
        type: z.literal('tokens'),
        tokens: positiveInt().describe('sequence length'),
        dim: positiveInt().describe('features per token'),
      })
      .strict(),
  ],
  { error: 'expected a shape with type "vector", "grid" or "tokens"' },
);

export type LayerShape = z.infer<typeof layerShapeSchema>;
export type ShapeType = LayerShape['type'];

export function unitCount(shape: LayerShape): number {
  switch (shape.type) {
    case 'vector':
      return shape.size;
    case 'grid':
      return shape.channels * shape.height * shape.width;
    case 'tokens':
      return shape.tokens * shape.dim;
  }
}

/** Dimensions of one example's state tensor in the engine: grids are channels-last (HWC), as tfjs convolutions want. */
export function stateDims(shape: LayerShape): number[] {
  switch (shape.type) {
    case 'vector':
      return [shape.size];
    case 'grid':
      return [shape.height, shape.width, shape.channels];
    case 'tokens':
      return [shape.tokens, shape.dim];
  }
}

export function describeShape(shape: LayerShape): string {
  switch (shape.type) {
    case 'vector':
      return `vector[${shape.size}]`;
    case 'grid':
      return `grid[${shape.channels}×${shape.height}×${shape.width}]`;
    case 'tokens':
      return `tokens[${shape.tokens}×${shape.dim}]`;
  }
}

/** `vector[784]`, `grid 1×28×28`, `tokens 16×49`: a shape in the few characters a node has room for. */
export function compactShape(shape: LayerShape): string {
  switch (shape.type) {
    case 'vector':
      return `vector[${shape.size}]`;
    case 'grid':
      return `grid ${shape.channels}×${shape.height}×${shape.width}`;
    case 'tokens':
      return `tokens ${shape.tokens}×${shape.dim}`;
  }
}
