// @vitest-environment jsdom
/**
 * A coupling's weight init in the inspector: a file written before "kind" existed shows as
 * "random" with its gain (and the gain's sweep button); a file init shows its path instead.
 */
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { denseKind } from '../../../nodes/kinds/dense.js';
import { ObjectFields } from '../../../app/renderer/src/app/inspector/SchemaForm.js';
import { jsonSchemaOf } from '../../../app/renderer/src/app/inspector/json-schema.js';

afterEach(cleanup);

function inspect(init: Record<string, unknown>) {
  const edits: unknown[] = [];
  const view = render(
    createElement(ObjectFields, {
      schema: jsonSchemaOf(denseKind.params),
      value: { init },
      path: '',
      ctx: { prefix: 'param', errors: new Map(), sweepPath: (p: string) => `W.${p}` },
      onChange: (v: unknown) => edits.push(v),
    }),
  );
  return { has: (id: string) => view.container.querySelector(`[data-testid="${id}"]`), edits };
}

describe('the weight init field', () => {
  it('shows an init without "kind" as random, with its gain to edit and sweep', () => {
    const { has } = inspect({ gain: 0.3 });
    expect((has('param-init.kind') as HTMLSelectElement).value).toBe('random');
    expect((has('param-init.gain') as HTMLInputElement).value).toBe('0.3');
    expect(has('sweep-param-init.gain')).not.toBeNull();
    expect(has('param-init.path')).toBeNull();
  });

  it('shows a file init by its path and array, without the random fields', () => {
    const { has } = inspect({ kind: 'file', path: 'w.npz', array: 'W' });
    expect((has('param-init.kind') as HTMLSelectElement).value).toBe('file');
    expect((has('param-init.path') as HTMLInputElement).value).toBe('w.npz');
    expect((has('param-init.array') as HTMLInputElement).value).toBe('W');
    expect(has('param-init.gain')).toBeNull();
  });
});
