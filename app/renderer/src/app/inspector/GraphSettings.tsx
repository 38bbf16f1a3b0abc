/**
 * The graph's own settings (nothing selected): name, description, and the
 * settle and training sections of the file, as forms from nodes/config.ts.
 */
import { useState } from 'react';
import { settleConfigSchema, trainingConfigSchema } from '../../../../../nodes/config.js';
import type { z } from '../../../../../nodes/schema.js';
import { useStore } from '../state/store.js';
import type { GraphMeta } from '../state/document.js';
import type { Studio } from '../studio.js';
import { StringField } from './fields.js';
import { jsonSchemaOf } from './json-schema.js';
import { ObjectFields } from './SchemaForm.js';
import { problemErrors, schemaErrors } from './errors.js';

type Section = 'settle' | 'training';
const SCHEMAS: Record<Section, z.ZodType> = { settle: settleConfigSchema, training: trainingConfigSchema };

function SectionForm({ studio, section, title }: { studio: Studio; section: Section; title: string }) {
  const { graph } = useStore(studio.doc);
  const { check } = useStore(studio.ui);
  const [draft, setDraft] = useState<Record<string, unknown> | null>(null);
  const stored = graph[section] as unknown as Record<string, unknown>;
  const value = draft ?? stored;
  const errors = problemErrors(check.problems, [section], schemaErrors(SCHEMAS[section], value));
  return (
    <>
      <h3 className="inspector__section">{title}</h3>
      <section className="form">
        <ObjectFields
          schema={jsonSchemaOf(SCHEMAS[section])}
          value={value}
          path={section}
          ctx={{ prefix: 'graph', errors: prefixed(errors, section), sweepPath: (path) => path }}
          onChange={(next, commit) => {
            if (!commit) return setDraft(next);
            setDraft(null);
            // Stored even when invalid, like node params: the problem is shown, nothing typed is lost.
            studio.setMeta({ [section]: next } as Partial<GraphMeta>);
          }}
        />
      </section>
    </>
  );
}

/** Form paths include the section (`settle.steps`); the error map was built relative to it. */
function prefixed(errors: Map<string, string[]>, section: string): Map<string, string[]> {
  return new Map([...errors].map(([path, msgs]) => [path ? `${section}.${path}` : section, msgs]));
}

export function GraphSettings({ studio }: { studio: Studio }) {
  const { graph } = useStore(studio.doc);
  const none = { prefix: 'graph', errors: new Map<string, string[]>() };
  return (
    <div className="inspector__body">
      <header className="inspector__header">
        <div className="inspector__title">
          <span className="chip">graph</span>
          <h2>Graph settings</h2>
        </div>
        <p className="inspector__doc">Select a node to edit its parameters.</p>
      </header>
      <section className="form">
        <StringField label="Name" schema={{}} value={graph.name} path="name" ctx={none} onChange={(v, commit) => commit && studio.setMeta({ name: String(v) })} />
        <StringField
          label="Description"
          schema={{}}
          value={graph.description}
          path="description"
          ctx={none}
          multiline
          onChange={(v, commit) => commit && studio.setMeta({ description: String(v) })}
        />
      </section>
      <SectionForm studio={studio} section="settle" title="Settling" />
      <SectionForm studio={studio} section="training" title="Training" />
    </div>
  );
}
