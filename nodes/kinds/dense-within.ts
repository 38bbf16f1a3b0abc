import { z, weightInit, selfConnections } from '../schema.js';
import { defineKind, initSummary, layerIn } from '../kind.js';

export const denseWithinParams = z.object({ init: weightInit(0.3), selfConnections: selfConnections() }).strict();

export const denseWithinKind = defineKind({
  id: 'dense-within',
  title: 'Dense recurrent coupling',
  category: 'couplings',
  doc: 'All-to-all inside one layer, E = −½ x·Wx with W = (W0+W0ᵀ)/2 and diagonal ≥ 0.',
  inputs: [layerIn('layer', 'layer', 'the layer coupled to itself')],
  outputs: [],
  params: denseWithinParams,
  summary: (p) => initSummary(p.init),
});
