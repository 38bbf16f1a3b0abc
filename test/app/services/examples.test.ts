import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { problemLine } from '../../../nodes/problems.js';
import { EXAMPLES_DIR, electronServices, expectOpened, messages, tempFolder } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

const exampleIds = async () =>
  (await readdir(EXAMPLES_DIR))
    .filter((n) => n.endsWith('.attractor.json'))
    .map((n) => n.slice(0, -'.attractor.json'.length))
    .sort();

describe('the bundled examples', () => {
  it('lists every file in examples/ with its name, description and node count', async () => {
    const { handlers } = electronServices(dir);
    const list = await handlers['examples.list']({});
    expect(list.map((e) => e.id)).toEqual(await exampleIds());
    for (const e of list) {
      expect(e.name, e.id).not.toBe('');
      expect(e.description, e.id).not.toBe('');
      expect(e.nodes, e.id).toBeGreaterThan(0);
    }
  });

  it('each opens as an unsaved template that the compiler accepts without errors', async () => {
    const { handlers } = electronServices(dir);
    const ids = await exampleIds();
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const r = expectOpened(await handlers['examples.open']({ id }));
      // path null: saving an example asks for a name instead of writing into the installation.
      expect(r).toMatchObject({ path: null, name: id });
      const check = await handlers['graph.check']({ graph: r.graph });
      const errors = check.problems.filter((p) => p.severity === 'error');
      expect(errors.map(problemLine), id).toEqual([]);
      expect(check.plan, id).toBeDefined();
    }
  });

  it('refuses an unknown example', async () => {
    const { handlers } = electronServices(dir);
    expect(messages(await handlers['examples.open']({ id: 'no-such-example' }))).toEqual(['there is no example "no-such-example"']);
  });
});
