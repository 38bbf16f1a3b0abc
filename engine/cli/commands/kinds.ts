import { KINDS } from '../../../nodes/catalog.js';
import { z } from '../../../nodes/schema.js';
import { parse } from '../args.js';
import type { Io } from '../io.js';

export async function kindsCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'attractor kinds [--json]');
  const rows = KINDS.map((k) => ({
    id: k.id,
    title: k.title,
    category: k.category,
    doc: k.doc,
    inputs: k.inputs.map((p) => ({ name: p.name, socket: p.socket, shapes: p.shapes })),
    outputs: k.outputs.map((p) => ({ name: p.name, socket: p.socket })),
    defaults: k.params.parse({}),
    schema: z.toJSONSchema(k.params, { io: 'input' }),
  }));
  if (values.json) {
    io.out(JSON.stringify(rows));
    return 0;
  }
  for (const k of rows) {
    const ports = [...k.inputs.map((p) => `in:${p.name}`), ...k.outputs.map((p) => `out:${p.name}`)].join(' ');
    io.out(`${k.id.padEnd(14)} ${k.doc}`);
    io.out(`${''.padEnd(14)} ports: ${ports}; defaults: ${JSON.stringify(k.defaults)}`);
  }
  return 0;
}
