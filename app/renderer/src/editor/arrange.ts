/**
 * Auto-arrange with ELK's layered algorithm, left to right (inputs on the left, outputs on
 * the right, as the nodes draw them). ELK is 1.5 MB, so it is loaded on first use.
 */
import type { AreaPlugin } from 'rete-area-plugin';
import { portCentreY } from './layout.js';
import type { AreaExtra, Schemes } from './schemes.js';

const PORT_SIZE = 10;

export const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '80',
  'elk.spacing.componentComponent': '80',
} as const;

export function lazyArranger(area: AreaPlugin<Schemes, AreaExtra>): () => Promise<void> {
  let loading: Promise<(area: AreaPlugin<Schemes, AreaExtra>) => Promise<void>> | undefined;
  return async () => {
    loading ??= import('rete-auto-arrange-plugin').then(({ AutoArrangePlugin, ArrangeAppliers }) => {
      const plugin = new AutoArrangePlugin<Schemes>();
      plugin.addPreset(() => ({
        port: ({ side, index, width }) => ({
          x: side === 'output' ? width - PORT_SIZE / 2 : -PORT_SIZE / 2,
          y: portCentreY(index) - PORT_SIZE / 2,
          width: PORT_SIZE,
          height: PORT_SIZE,
          side: side === 'output' ? 'EAST' : 'WEST',
        }),
      }));
      area.use(plugin);
      return async () => {
        await plugin.layout({ options: { ...LAYOUT_OPTIONS }, applier: new ArrangeAppliers.StandardApplier() });
      };
    });
    const run = await loading;
    await run(area);
  };
}
