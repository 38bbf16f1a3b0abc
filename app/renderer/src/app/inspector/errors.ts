/**
 * The errors a form shows, by dotted field path: the kind's schema applied to
 * the values being edited (immediate, also for a draft not yet committed) and
 * the engine's problems for that node (shapes, ports, what only the compiler
 * knows). The same message from both is shown once.
 */
import type { z } from '../../../../../nodes/schema.js';
import { problemsFromZod, type PathSegment, type Problem } from '../../../../../nodes/problems.js';

export type MutableErrors = Map<string, string[]>;

export const dotted = (path: readonly PathSegment[]) => path.map(String).join('.');

function add(map: MutableErrors, path: string, message: string) {
  const list = map.get(path) ?? [];
  if (!list.includes(message)) list.push(message);
  map.set(path, list);
}

export function schemaErrors(schema: z.ZodType, value: unknown, into: MutableErrors = new Map()): MutableErrors {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) for (const p of problemsFromZod(r.error)) add(into, dotted(p.path), p.message);
  return into;
}

/** Problems under `prefix` (e.g. `nodes, 3, params`), re-rooted at the form. */
export function problemErrors(problems: readonly Problem[], prefix: readonly PathSegment[], into: MutableErrors = new Map()): MutableErrors {
  for (const p of problems) {
    if (p.path.length <= prefix.length || !prefix.every((seg, i) => p.path[i] === seg)) continue;
    add(into, dotted(p.path.slice(prefix.length)), p.message);
  }
  return into;
}
