/**
 * Why a checkpoint's names may not match a graph with blocks: parameters inside a block
 * are named by their path through the instances ("stage2/conv", "stage2/maps.b"), so
 * renaming an instance renames its parameters, and the old weights no longer load.
 * Renaming a block definition changes no path, so those weights still load.
 */
import { PATH_SEPARATOR } from '../../nodes/blocks.js';

/**
 * One line per instance path that looks renamed: every name the graph misses under the new
 * path is present in the weights under the old one.
 */
export function renamedBlockHints(missing: readonly string[], extra: readonly string[]): string[] {
  const renames = new Map<string, { from: string; to: string; count: number }>();
  const extras = extra.map((e) => e.split(PATH_SEPARATOR));
  for (const m of missing) {
    const want = m.split(PATH_SEPARATOR);
    if (want.length < 2) continue;
    for (const have of extras) {
      if (have.length !== want.length || have[have.length - 1] !== want[want.length - 1]) continue;
      const differ = want.map((seg, i) => (seg === have[i] ? -1 : i)).filter((i) => i >= 0);
      if (differ.length !== 1) continue;
      const i = differ[0];
      const from = have.slice(0, i + 1).join(PATH_SEPARATOR);
      const to = want.slice(0, i + 1).join(PATH_SEPARATOR);
      const key = `${from}\u0000${to}`;
      const seen = renames.get(key) ?? { from, to, count: 0 };
      renames.set(key, { ...seen, count: seen.count + 1 });
      break;
    }
  }
  return [...renames.values()].map(
    (r) =>
      `the weights name block "${r.from}" where the graph has "${r.to}" (${r.count} parameter${r.count === 1 ? '' : 's'}): parameters inside a block are named by the instance's path, so rename the instance back to load these weights`,
  );
}
