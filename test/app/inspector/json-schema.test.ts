import { describe, expect, it } from 'vitest';
import { denseKind } from '../../../nodes/kinds/dense.js';
import { discriminantOf, jsonSchemaOf, optionFor } from '../../../app/renderer/src/app/inspector/json-schema.js';

describe('a union whose discriminator has a default (a weight init)', () => {
  const init = jsonSchemaOf(denseKind.params).properties!.init;

  it('picks the default option for a value written without "kind", as the loader does', () => {
    expect(discriminantOf(init, { gain: 0.3 })).toBe('random');
    expect(optionFor(init, { gain: 0.3 })?.properties).toHaveProperty('gain');
  });

  it('picks the option a value names', () => {
    expect(discriminantOf(init, { kind: 'file', path: 'w.npy' })).toBe('file');
    expect(optionFor(init, { kind: 'file', path: 'w.npy' })?.properties).toHaveProperty('path');
  });
});
