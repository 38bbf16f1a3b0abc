/**
 * The bundled example graphs (`examples/*.attractor.json`).
 *
 * Examples are read-only templates: one opens with `path: null`, like a new
 * graph, so the first save asks for a name (Save As) instead of writing into
 * the installation folder, which may be read-only and is replaced by every
 * update. Its `name` is the example's id (`hopfield`), a fine file name to
 * suggest in that Save As.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadGraphFile } from '../../engine/format/load.js';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import type { ExampleInfo, OpenResult } from '../shared/api.js';
import { errorCode, errorMessage, opened, refused, refusedWith } from './results.js';

/** Ids are what `examples.open` accepts (its schema): lower-case letters, digits and dashes. */
const EXAMPLE_ID = /^[a-z0-9-]{1,100}$/;

export class Examples {
  constructor(private readonly dir: string) {}

  /** Every example that loads, sorted by id; one that does not load is left out rather than offered broken. */
  async list(): Promise<ExampleInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      throw new Error(`the bundled examples cannot be read from ${this.dir}: ${errorMessage(err)}`);
    }
    const ids = names
      .filter((n) => n.endsWith(GRAPH_EXTENSION))
      .map((n) => n.slice(0, -GRAPH_EXTENSION.length))
      .filter((id) => EXAMPLE_ID.test(id))
      .sort();
    const infos = await Promise.all(
      ids.map(async (id): Promise<ExampleInfo | undefined> => {
        const loaded = await loadGraphFile(this.pathOf(id));
        if (!loaded.ok) return undefined;
        return { id, name: loaded.graph.name, description: loaded.graph.description, nodes: loaded.graph.nodes.length };
      }),
    );
    return infos.filter((i): i is ExampleInfo => i !== undefined);
  }

  async open(id: string): Promise<OpenResult> {
    // The schema already restricts ids; checked again because this joins the id into a path.
    if (!EXAMPLE_ID.test(id)) return refused(id, `"${id}" is not an example id`);
    const loaded = await loadGraphFile(this.pathOf(id));
    if (loaded.ok) return opened(null, id, loaded);
    const missing = await readdir(this.dir).then(
      (names) => !names.includes(`${id}${GRAPH_EXTENSION}`),
      (err: unknown) => errorCode(err) === 'ENOENT',
    );
    return missing ? refused(id, `there is no example "${id}"`) : refusedWith(id, loaded.problems);
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}${GRAPH_EXTENSION}`);
  }
}
