/**
 * The catalog's Zod schemas seen as JSON Schema (input side: defaults make a
 * field optional), which is what the inspector's forms are generated from.
 * Only the shapes the catalog uses are handled: objects, discriminated unions
 * (`oneOf` whose options share a `const` key), enums, numbers, integers,
 * booleans, strings and arrays of numbers.
 */
import { z } from '../../../../../nodes/schema.js';

export interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
}

export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'object' | 'union' | 'numbers' | 'unknown';

const cache = new WeakMap<object, JsonSchema>();

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let json = cache.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    cache.set(schema, json);
  }
  return json;
}

export function optionsOf(s: JsonSchema): readonly JsonSchema[] {
  return s.oneOf ?? s.anyOf ?? [];
}

/** The key every option pins with a `const` (e.g. `type` for layer shapes, `kind` for masks). */
export function discriminatorOf(s: JsonSchema): string | undefined {
  const options = optionsOf(s);
  if (options.length === 0) return undefined;
  const keys = Object.keys(options[0].properties ?? {});
  return keys.find((k) => options.every((o) => o.properties?.[k]?.const !== undefined));
}

export function fieldKind(s: JsonSchema): FieldKind {
  if (optionsOf(s).length > 0) return discriminatorOf(s) ? 'union' : 'unknown';
  if (s.enum) return 'enum';
  switch (s.type) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'object':
      return 'object';
    case 'array':
      return s.items?.type === 'integer' || s.items?.type === 'number' ? 'numbers' : 'unknown';
    default:
      return 'unknown';
  }
}

/** Bounds worth showing: zod writes ±MAX_SAFE_INTEGER on every int, which says nothing. */
export function bounds(s: JsonSchema): { min?: number; max?: number } {
  const useful = (n: number | undefined) => (n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined);
  return { min: useful(s.minimum ?? s.exclusiveMinimum), max: useful(s.maximum ?? s.exclusiveMaximum) };
}

/** A fresh value for a required field without a default: the smallest valid-looking one. */
function starter(s: JsonSchema): unknown {
  if (s.default !== undefined) return s.default;
  switch (fieldKind(s)) {
    case 'integer':
    case 'number':
      return Math.max(bounds(s).min ?? 0, s.type === 'integer' ? 1 : 0);
    case 'boolean':
      return false;
    case 'enum':
      return s.enum?.[0];
    case 'numbers':
      return Array.from({ length: s.minItems ?? 0 }, () => 0);
    case 'union':
      return optionValue(optionsOf(s)[0], discriminatorOf(s)!);
    case 'object':
      return {};
    default:
      return '';
  }
}

/** The value a union switches to when its type select changes: the option's constant and its required fields. */
export function optionValue(option: JsonSchema, discriminator: string): Record<string, unknown> {
  const out: Record<string, unknown> = { [discriminator]: option.properties?.[discriminator]?.const };
  for (const key of option.required ?? []) {
    if (key !== discriminator) out[key] = starter(option.properties?.[key] ?? {});
  }
  return out;
}

export function optionFor(s: JsonSchema, value: unknown): JsonSchema | undefined {
  const key = discriminatorOf(s);
  if (!key || !isRecord(value)) return undefined;
  const picked = discriminantOf(s, value);
  return optionsOf(s).find((o) => o.properties?.[key]?.const === picked);
}

/** The option a union value picks: its discriminator, or, left out, the option whose discriminator has a default (a weight init without "kind" is "random"). */
export function discriminantOf(s: JsonSchema, value: Record<string, unknown> | undefined): unknown {
  const key = discriminatorOf(s);
  if (!key) return undefined;
  if (value?.[key] !== undefined) return value[key];
  return optionsOf(s).find((o) => o.properties?.[key]?.default !== undefined)?.properties?.[key]?.const;
}

/** `softmaxGroup` → `Softmax group`, `beta1` → `Beta1` */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
