/**
 * One form control per primitive parameter type. Text-like fields keep what is
 * typed locally and report it as a draft on every keystroke (so errors show
 * while typing) but commit on blur or Enter: one undo step per edit, not per
 * key. Selects and checkboxes commit at once.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { bounds, type JsonSchema } from './json-schema.js';
import { requestSweepParam } from '../../runs/requests.js';

export type ErrorMap = ReadonlyMap<string, readonly string[]>;

export interface FormContext {
  /** Test ids are `<prefix>-<path>` and `<prefix>-error-<path>`. */
  readonly prefix: string;
  readonly errors: ErrorMap;
  /** The sweep path of a field (`W.init.gain`, `training.optimizer.lr`): numeric fields get a ⤳ that adds it to a sweep. */
  readonly sweepPath?: (path: string) => string;
}

export interface FieldProps {
  readonly label: string;
  readonly schema: JsonSchema;
  /** As stored; `undefined` when absent (the default applies). */
  readonly value: unknown;
  readonly path: string;
  readonly ctx: FormContext;
  /** `undefined` removes the field, so its default applies again. */
  onChange(value: unknown, commit: boolean): void;
}

export function FieldRow(props: { label: string; path: string; ctx: FormContext; hint?: string; children: ReactNode }) {
  const errors = props.ctx.errors.get(props.path) ?? [];
  const id = `${props.ctx.prefix}-${props.path}`;
  return (
    <div className={`field${errors.length ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id} title={props.hint}>
        {props.label}
      </label>
      <div className="field__control">{props.children}</div>
      {props.hint && <div className="field__hint">{props.hint}</div>}
      {errors.length > 0 && (
        <div className="field__error" data-testid={`${props.ctx.prefix}-error-${props.path}`} role="alert">
          {errors.join('; ')}
        </div>
      )}
    </div>
  );
}

function controlProps(p: FieldProps) {
  const id = `${p.ctx.prefix}-${p.path}`;
  return { id, 'data-testid': id, 'aria-invalid': p.ctx.errors.has(p.path) || undefined };
}

/** Local text that follows the stored value except while the user is typing in it. */
function useDraft(value: string) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [text, setText] = useState(value);
  useEffect(() => {
    if (document.activeElement !== ref.current) setText(value);
  }, [value]);
  return { ref, text, setText };
}

function commitKeys(commit: () => void, revert: () => void) {
  return (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    else if (e.key === 'Escape') revert();
  };
}

/** Typed text → what is stored: a number, nothing (empty), or the text itself so validation can name it. */
function parseNumber(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

export function NumberField(p: FieldProps) {
  const shown = p.value ?? p.schema.default;
  const { ref, text, setText } = useDraft(shown === undefined ? '' : String(shown));
  const { min, max } = bounds(p.schema);
  const commit = () => p.onChange(parseNumber(text), true);
  const revert = () => {
    setText(shown === undefined ? '' : String(shown));
    p.onChange(p.value, false);
  };
  return (
    <FieldRow label={p.label} path={p.path} ctx={p.ctx} hint={p.schema.description}>
      <input
        {...controlProps(p)}
        ref={ref}
        type="number"
        step={p.schema.type === 'integer' ? 1 : 'any'}
        min={min}
        max={max}
        placeholder={p.schema.default === undefined ? 'not set' : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          p.onChange(parseNumber(e.target.value), false);
        }}
        onBlur={commit}
        onKeyDown={commitKeys(() => ref.current?.blur(), revert)}
      />
      {p.ctx.sweepPath && (
        <button type="button" className="run-mini sweep-here" title="Sweep this parameter (Runs › Sweep)" data-testid={`sweep-${controlProps(p).id}`} onClick={() => requestSweepParam({ path: p.ctx.sweepPath!(p.path), value: shown })}>
          ⤳
        </button>
      )}
    </FieldRow>
  );
}

export function NumbersField(p: FieldProps) {
  const shown = Array.isArray(p.value) ? p.value.join(', ') : '';
  const { ref, text, setText } = useDraft(shown);
  const parse = (t: string): unknown => (t.trim() === '' ? undefined : t.split(/[\s,]+/).filter(Boolean).map(parseNumber));
  return (
    <FieldRow label={p.label} path={p.path} ctx={p.ctx} hint={p.schema.description}>
      <input
        {...controlProps(p)}
        ref={ref}
        type="text"
        placeholder="e.g. 0, 1, 2"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          p.onChange(parse(e.target.value), false);
        }}
        onBlur={() => p.onChange(parse(text), true)}
        onKeyDown={commitKeys(() => ref.current?.blur(), () => setText(shown))}
      />
    </FieldRow>
  );
}

export function StringField(p: FieldProps & { multiline?: boolean }) {
  const shown = typeof p.value === 'string' ? p.value : typeof p.schema.default === 'string' ? p.schema.default : '';
  const { ref, text, setText } = useDraft(shown);
  const common = {
    ...controlProps(p),
    value: text,
    onBlur: () => p.onChange(text, true),
  };
  return (
    <FieldRow label={p.label} path={p.path} ctx={p.ctx} hint={p.schema.description}>
      {p.multiline ? (
        <textarea {...common} ref={ref} rows={3} onChange={(e) => setText(e.target.value)} />
      ) : (
        <input
          {...common}
          ref={ref}
          type="text"
          onChange={(e) => {
            setText(e.target.value);
            p.onChange(e.target.value, false);
          }}
          onKeyDown={commitKeys(() => ref.current?.blur(), () => setText(shown))}
        />
      )}
    </FieldRow>
  );
}

export function BooleanField(p: FieldProps) {
  const checked = (p.value ?? p.schema.default) === true;
  return (
    <FieldRow label={p.label} path={p.path} ctx={p.ctx} hint={p.schema.description}>
      <input {...controlProps(p)} type="checkbox" checked={checked} onChange={(e) => p.onChange(e.target.checked, true)} />
    </FieldRow>
  );
}

export function SelectField(p: FieldProps & { options: readonly unknown[] }) {
  const current = p.value ?? p.schema.default;
  return (
    <FieldRow label={p.label} path={p.path} ctx={p.ctx} hint={p.schema.description}>
      <select
        {...controlProps(p)}
        value={current === undefined ? '' : String(current)}
        onChange={(e) => {
          const picked = p.options.find((o) => String(o) === e.target.value);
          p.onChange(picked, true);
        }}
      >
        {current === undefined && <option value="">— choose —</option>}
        {p.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    </FieldRow>
  );
}
