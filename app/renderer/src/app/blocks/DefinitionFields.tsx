/** A definition's name and description, shared by every instance: each change one undo step. */
import type { BlockDefinition } from '../../../../../nodes/graph.js';
import type { Studio } from '../studio.js';
import { StringField } from '../inspector/fields.js';

export function DefinitionFields({ studio, def }: { studio: Studio; def: BlockDefinition }) {
  const ctx = { prefix: 'block', errors: new Map<string, string[]>() };
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return (
    <section className="form">
      <StringField
        label="Name"
        schema={{ description: 'shown on every instance; renaming keeps checkpoints loadable (parameters are named by instance)' }}
        value={def.name ?? ''}
        path="name"
        ctx={ctx}
        onChange={(v, commit) => {
          const name = text(v) || undefined;
          if (commit && name !== def.name) void studio.editor?.updateBlock(def.id, { name });
        }}
      />
      <StringField
        label="Description"
        schema={{ description: 'what the block is for' }}
        value={def.description}
        path="description"
        ctx={ctx}
        onChange={(v, commit) => {
          if (commit && text(v) !== def.description) void studio.editor?.updateBlock(def.id, { description: text(v) });
        }}
      />
    </section>
  );
}
