/**
 * The command registry: every command once, with its label, menu, shortcut and
 * what it does. The in-app menu bar, the toolbar, the shortcuts dialog, the
 * keyboard handler and the native menu's `menu.command` events all read it.
 *
 * Who handles keys: in Electron the native menu (app/main/menu.ts) owns the
 * accelerators and sends `menu.command`; the renderer then handles only keys
 * the menu displays but does not register (Delete, Backspace) and commands
 * that have no menu item. In web mode there is no native menu, so the renderer
 * handles every shortcut itself. One key press therefore runs a command once.
 * The keys are the native menu's, so both modes feel the same.
 */
import { toggleWireShapes } from '../editor/wire-shapes.js';
import type { MenuCommand } from '../../../shared/api.js';
import type { Studio } from './studio.js';
import { exportBlocks, pickBlockLibrary } from './blocks/block-files.js';

export type MenuName = 'file' | 'edit' | 'view' | 'help';
/** Block commands have no native menu item: the renderer handles their keys in both modes. */
export type BlockCommand = 'makeBlock' | 'openBlock' | 'closeBlock' | 'ungroup' | 'importBlocks' | 'exportBlocks';
export type CommandId = MenuCommand | 'shortcuts' | BlockCommand;

export interface Command {
  readonly id: CommandId;
  readonly label: string;
  readonly menu: MenuName;
  /** `Mod` is ⌘ on macOS and Ctrl elsewhere; letters and digits match the physical key. */
  readonly keys?: readonly string[];
  /** Runs even while a text field has focus (Save: commit the field, then save). */
  readonly whileTyping?: boolean;
  /** Starts a group in its menu. */
  readonly separatorBefore?: boolean;
  /** Greyed out in menus and the toolbar when false (checked at render time). */
  enabled?(studio: Studio): boolean;
  run(studio: Studio): unknown;
}

const withEditor = (f: (e: NonNullable<Studio['editor']>, s: Studio) => unknown) => (s: Studio) => (s.editor ? f(s.editor, s) : undefined);
/** One node selected: the editor opens or ungroups it if it is a block, and says so if it is not. */
const oneSelected = (s: Studio) => s.ui.get().selection.length === 1;

export const COMMANDS: readonly Command[] = [
  { id: 'new', label: 'New graph', menu: 'file', keys: ['Mod+N'], run: (s) => s.newGraph() },
  { id: 'open', label: 'Open…', menu: 'file', keys: ['Mod+O'], run: (s) => s.open() },
  { id: 'examples', label: 'Examples…', menu: 'file', run: (s) => s.ui.show({ kind: 'examples' }) },
  { id: 'save', label: 'Save', menu: 'file', keys: ['Mod+S'], whileTyping: true, separatorBefore: true, run: (s) => s.save() },
  { id: 'saveAs', label: 'Save As…', menu: 'file', keys: ['Mod+Shift+S'], whileTyping: true, run: (s) => s.saveAs() },
  { id: 'settings', label: 'Settings…', menu: 'file', keys: ['Mod+,'], separatorBefore: true, run: (s) => s.ui.show({ kind: 'settings' }) },
  { id: 'close', label: 'Close window', menu: 'file', separatorBefore: true, run: (s) => (s.isElectron ? s.closeWindow(false) : undefined) },

  { id: 'undo', label: 'Undo', menu: 'edit', keys: ['Mod+Z'], enabled: (s) => !!s.editor?.canUndo(), run: withEditor((e) => e.undo()) },
  { id: 'redo', label: 'Redo', menu: 'edit', keys: ['Mod+Shift+Z', 'Ctrl+Y'], enabled: (s) => !!s.editor?.canRedo(), run: withEditor((e) => e.redo()) },
  { id: 'cut', label: 'Cut', menu: 'edit', keys: ['Mod+X'], separatorBefore: true, run: withEditor((e) => e.cut()) },
  { id: 'copy', label: 'Copy', menu: 'edit', keys: ['Mod+C'], run: withEditor((e) => e.copy()) },
  { id: 'paste', label: 'Paste', menu: 'edit', keys: ['Mod+V'], run: withEditor((e) => e.paste()) },
  { id: 'duplicate', label: 'Duplicate', menu: 'edit', keys: ['Mod+D'], run: withEditor((e) => e.duplicate()) },
  { id: 'delete', label: 'Delete', menu: 'edit', keys: ['Delete', 'Backspace'], run: withEditor((e) => e.deleteSelected()) },
  { id: 'selectAll', label: 'Select all', menu: 'edit', keys: ['Mod+A'], separatorBefore: true, run: withEditor((e) => e.selectAll()) },
  { id: 'comment', label: 'Add comment', menu: 'edit', keys: ['Mod+Alt+M'], run: withEditor((e) => e.addComment('Comment')) },
  { id: 'makeBlock', label: 'Make block', menu: 'edit', keys: ['Mod+G'], separatorBefore: true, enabled: (s) => s.ui.get().selection.length > 0, run: withEditor((e) => e.makeBlock()) },
  { id: 'openBlock', label: 'Open block', menu: 'edit', keys: ['Mod+Enter'], enabled: oneSelected, run: withEditor((e) => e.openBlock()) },
  { id: 'closeBlock', label: 'Close block', menu: 'edit', keys: ['Mod+ArrowUp'], enabled: (s) => s.blockPath.get().length > 0, run: withEditor((e) => e.closeBlock()) },
  { id: 'ungroup', label: 'Ungroup block', menu: 'edit', keys: ['Mod+Shift+G'], enabled: oneSelected, run: withEditor((e) => e.ungroup()) },
  { id: 'importBlocks', label: 'Import blocks…', menu: 'file', separatorBefore: true, run: (s) => pickBlockLibrary(s) },
  { id: 'exportBlocks', label: 'Export blocks…', menu: 'file', run: (s) => exportBlocks(s) },

  { id: 'zoomToFit', label: 'Zoom to fit', menu: 'view', keys: ['Mod+1'], run: withEditor((e) => e.zoomToFit()) },
  { id: 'arrange', label: 'Auto-arrange', menu: 'view', keys: ['Mod+Shift+A'], run: withEditor((e) => e.arrange()) },
  { id: 'wireShapes', label: 'Shapes on wires (show/hide)', menu: 'view', separatorBefore: true, run: () => toggleWireShapes() },

  { id: 'shortcuts', label: 'Keyboard shortcuts', menu: 'help', keys: ['Mod+/'], run: (s) => s.ui.show({ kind: 'shortcuts' }) },
];

export function findCommand(id: CommandId): Command | undefined {
  return COMMANDS.find((c) => c.id === id);
}

/** Commands that, with a text field focused, mean the field's own editing, not the graph's. */
export const TEXT_EDITING: ReadonlySet<CommandId> = new Set<CommandId>(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
