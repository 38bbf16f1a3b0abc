/**
 * Block library files (`*.blocks.json`): export the graph's definitions as a download (in
 * the desktop app the same save prompt as chart exports), import one picked from this
 * computer. The host reads and checks the file (`blocks.openText`); the editor adds its
 * definitions as one undo step, renaming any whose id the graph uses for another block.
 */
import { BLOCK_LIBRARY_EXTENSION, blockLibrary } from '../../../../../nodes/block-library.js';
import type { Studio } from '../studio.js';

export function exportBlocks(studio: Studio, ids?: readonly string[]): void {
  const editor = studio.editor;
  if (!editor) return;
  const all = editor.blocks();
  if (all.length === 0) {
    studio.ui.notify('This graph has no blocks to export: select nodes and make a block first.');
    return;
  }
  const chosen = ids ?? all.map((d) => d.id);
  const name = chosen.length === 1 ? chosen[0] : studio.doc.get().name.replace(/\.attractor\.json$|\.json$/, '') || 'blocks';
  const text = `${JSON.stringify(blockLibrary(all, chosen, name), null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}${BLOCK_LIBRARY_EXTENSION}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function importBlocksText(studio: Studio, name: string, text: string): Promise<void> {
  const result = await studio.call('blocks.openText', { name, text });
  if (!result || !studio.editor) return;
  if (!result.ok) {
    studio.ui.show({ kind: 'fileError', title: 'Could not import the blocks', source: result.source, problems: result.problems });
    return;
  }
  const { added, renamed } = await studio.editor.importBlocks(result.blocks);
  const renames = Object.entries(renamed).map(([from, to]) => `${from} → ${to}`);
  studio.ui.notify(
    added.length === 0
      ? `${name}: this graph has those blocks already`
      : `Imported ${added.length} block${added.length === 1 ? '' : 's'} from ${name}${renames.length > 0 ? ` (ids in use, renamed: ${renames.join(', ')})` : ''}`,
  );
}

/** Asks for a library file on this computer and imports it. */
export function pickBlockLibrary(studio: Studio): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void file.text().then((text) => importBlocksText(studio, file.name, text));
  });
  input.click();
}
