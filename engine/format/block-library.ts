/**
 * Block library files (`*.blocks.json`, nodes/block-library.ts) read from text: the same
 * size, nesting and syntax diagnostics as graph files, then the library's own checks.
 */
import type { Problem } from '../../nodes/problems.js';
import { validateBlockLibrary, type BlockLibrary } from '../../nodes/block-library.js';
import { parseJsonFile } from './load.js';

export type LibraryLoad = { ok: true; library: BlockLibrary } | { ok: false; problems: Problem[] };

export function loadBlockLibraryText(text: string, source: string): LibraryLoad {
  const parsed = parseJsonFile(text, source, 'a block library');
  return parsed.ok ? validateBlockLibrary(parsed.json) : parsed;
}
