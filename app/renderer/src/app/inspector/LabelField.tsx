/** A node's label, shown on the node instead of its id: one undo step per committed edit. */
import type { Studio } from '../studio.js';
import { StringField } from './fields.js';

export function LabelField({ studio, node }: { studio: Studio; node: { id: string; label?: string } }) {
  return (
    <section className="form">
      <StringField
        label="Label"
        schema={{ description: 'shown on the node instead of its id' }}
        value={node.label ?? ''}
        path="label"
        ctx={{ prefix: 'node', errors: new Map() }}
        onChange={(v, commit) => {
          const label = typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
          if (commit && label !== node.label) studio.editor?.setLabel(node.id, label);
        }}
      />
    </section>
  );
}
