/**
 * A form generated from a JSON Schema (json-schema.ts): objects become groups,
 * discriminated unions a type select that swaps the sub-form, primitives the
 * controls of fields.tsx. Values absent from the stored object show their
 * defaults; an edit writes only the field that changed.
 */
import type { ReactNode } from 'react';
import { BooleanField, NumberField, NumbersField, SelectField, StringField, type FieldProps, type FormContext } from './fields.js';
import { carryShape, isLayerShape } from './shape-switch.js';
import { discriminantOf, discriminatorOf, fieldKind, humanize, isRecord, optionFor, optionValue, optionsOf, type JsonSchema } from './json-schema.js';

type Value = Record<string, unknown>;

interface ObjectProps {
  readonly schema: JsonSchema;
  readonly value: Value;
  readonly path: string;
  readonly ctx: FormContext;
  /** Keys drawn elsewhere (a union's discriminator is its select). */
  readonly skip?: string;
  onChange(value: Value, commit: boolean): void;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function ObjectFields(p: ObjectProps) {
  const entries = Object.entries(p.schema.properties ?? {}).filter(([key]) => key !== p.skip);
  return (
    <>
      {entries.map(([key, schema]) => (
        <Field
          key={key}
          label={humanize(key)}
          schema={schema}
          value={p.value[key]}
          path={join(p.path, key)}
          ctx={p.ctx}
          onChange={(v, commit) => {
            const next = { ...p.value };
            if (v === undefined) delete next[key];
            else next[key] = v;
            p.onChange(next, commit);
          }}
        />
      ))}
    </>
  );
}

function Group(p: FieldProps & { children?: ReactNode }) {
  const errors = p.ctx.errors.get(p.path) ?? [];
  return (
    <fieldset className="group">
      <legend title={p.schema.description}>{p.label}</legend>
      {p.children}
      {errors.length > 0 && (
        <div className="field__error" data-testid={`${p.ctx.prefix}-error-${p.path}`} role="alert">
          {errors.join('; ')}
        </div>
      )}
    </fieldset>
  );
}

function UnionField(p: FieldProps) {
  const key = discriminatorOf(p.schema)!;
  const current = isRecord(p.value) ? p.value : isRecord(p.schema.default) ? p.schema.default : undefined;
  const option = optionFor(p.schema, current);
  const consts = optionsOf(p.schema).map((o) => o.properties?.[key]?.const);
  return (
    <Group {...p}>
      <SelectField
        label={humanize(key)}
        schema={{ description: option?.description ?? p.schema.description }}
        value={discriminantOf(p.schema, current)}
        path={join(p.path, key)}
        ctx={p.ctx}
        options={consts}
        onChange={(picked, commit) => {
          const next = optionsOf(p.schema).find((o) => o.properties?.[key]?.const === picked);
          if (!next) return;
          const fresh = optionValue(next, key);
          p.onChange(isLayerShape(current) && isLayerShape(fresh) ? carryShape(current, fresh) : fresh, commit);
        }}
      />
      {option && current && (
        <ObjectFields schema={option} value={current} path={p.path} ctx={p.ctx} skip={key} onChange={(v, commit) => p.onChange(v, commit)} />
      )}
    </Group>
  );
}

export function Field(p: FieldProps) {
  switch (fieldKind(p.schema)) {
    case 'number':
    case 'integer':
      return <NumberField {...p} />;
    case 'numbers':
      return <NumbersField {...p} />;
    case 'boolean':
      return <BooleanField {...p} />;
    case 'enum':
      return <SelectField {...p} options={p.schema.enum ?? []} />;
    case 'string':
      return <StringField {...p} />;
    case 'union':
      return <UnionField {...p} />;
    case 'object': {
      const value = isRecord(p.value) ? p.value : isRecord(p.schema.default) ? p.schema.default : {};
      return (
        <Group {...p}>
          <ObjectFields schema={p.schema} value={value} path={p.path} ctx={p.ctx} onChange={(v, commit) => p.onChange(v, commit)} />
        </Group>
      );
    }
    default:
      return (
        <div className="field field--readonly" title="edit this in the file">
          <span className="field__label">{p.label}</span>
          <code className="field__control">{JSON.stringify(p.value ?? p.schema.default ?? null)}</code>
        </div>
      );
  }
}

/** Every path the form draws a field (or group) for, so problems elsewhere can be listed on their own. */
export function fieldPaths(schema: JsonSchema, value: unknown, path = '', out = new Set<string>()): Set<string> {
  if (path) out.add(path);
  const kind = fieldKind(schema);
  if (kind === 'object') {
    const v = isRecord(value) ? value : isRecord(schema.default) ? schema.default : {};
    for (const [key, s] of Object.entries(schema.properties ?? {})) fieldPaths(s, v[key], join(path, key), out);
  } else if (kind === 'union') {
    const v = isRecord(value) ? value : schema.default;
    const option = optionFor(schema, v);
    if (option) for (const [key, s] of Object.entries(option.properties ?? {})) fieldPaths(s, isRecord(v) ? v[key] : undefined, join(path, key), out);
  }
  return out;
}
