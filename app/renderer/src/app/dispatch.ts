/**
 * Where commands come from: the keyboard (web mode), the native menu
 * (Electron's `menu.command`), file associations and the close flow. See
 * commands.ts for why each command is bound to exactly one of keys and menu.
 */
import { MENU_COMMANDS, type MenuCommand } from '../../../shared/api.js';
import { COMMANDS, TEXT_EDITING, findCommand, type CommandId } from './commands.js';
import { applies, isTextTarget, matches } from './keys.js';
import type { Studio } from './studio.js';

export async function runCommand(studio: Studio, id: CommandId): Promise<void> {
  const command = findCommand(id);
  if (!command) return;
  // A field being edited commits on blur: commit it first, so Save writes what is on screen.
  if (command.whileTyping && isTextTarget(document.activeElement)) (document.activeElement as HTMLElement).blur();
  try {
    await command.run(studio);
  } catch (err) {
    studio.ui.notify(`${command.label} failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}

/** Keys the native menu registers in Electron; the renderer takes the rest (Delete is shown there, not registered). */
function handledHere(studio: Studio, id: CommandId): boolean {
  if (!studio.isElectron) return true;
  return id === 'delete' || !(MENU_COMMANDS as readonly string[]).includes(id);
}

export function installKeyboard(studio: Studio): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.isComposing) return;
    // A dialog owns the keyboard (Enter, Escape, typing in its fields).
    if (studio.ui.get().modal) return;
    const typing = isTextTarget(e.target);
    for (const command of COMMANDS) {
      const spec = command.keys?.find((k) => applies(k) && matches(k, e));
      if (!spec || !handledHere(studio, command.id)) continue;
      if (typing && !command.whileTyping) return;
      e.preventDefault();
      void runCommand(studio, command.id);
      return;
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}

/**
 * The native menu runs Chromium's own editing command first, then tells us: with
 * a text field focused the field has had its cut/copy/paste/undo, and the graph
 * must not get it too.
 */
function menuCommand(studio: Studio, command: MenuCommand): void {
  if (TEXT_EDITING.has(command) && isTextTarget(document.activeElement)) return;
  void runCommand(studio, command);
}

export function installHostEvents(studio: Studio): () => void {
  const offs = [
    studio.api.on('menu.command', ({ command }) => menuCommand(studio, command)),
    studio.api.on('file.openPath', ({ path }) => void studio.openPath(path)),
    studio.api.on('window.saveAndClose', () => void studio.closeWindow(true)),
  ];
  return () => offs.forEach((off) => off());
}

/** Web mode: the browser's own "leave site?" prompt guards unsaved work (Electron's main asks natively). */
export function installBeforeUnload(studio: Studio): () => void {
  if (studio.isElectron) return () => {};
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!studio.doc.get().dirty) return;
    e.preventDefault();
    e.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  return () => window.removeEventListener('beforeunload', onBeforeUnload);
}

/** Files dragged from the desktop onto the window (palette drags carry no files and are left alone). */
export function installFileDrop(studio: Studio): () => void {
  const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
  const onOver = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void studio.openDropped(file);
  };
  window.addEventListener('dragover', onOver);
  window.addEventListener('drop', onDrop);
  return () => {
    window.removeEventListener('dragover', onOver);
    window.removeEventListener('drop', onDrop);
  };
}
