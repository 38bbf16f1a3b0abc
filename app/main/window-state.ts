/**
 * The window's document state (title, unsaved changes) and the decision what a
 * close does, kept free of Electron so it is unit tested
 * (test/app/main/window-state.test.ts); window.ts wires it to a BrowserWindow.
 *
 * Closing a window with unsaved changes asks "Save changes to NAME?":
 * - Save: the renderer owns the document, so it is asked to save
 *   ('window.saveAndClose'); once saved it calls window.close, which closes
 *   without asking again. If its save is cancelled or fails, the window stays.
 * - Don't Save: closes.
 * - Cancel (or Esc): the window stays, and a quit in progress is abandoned.
 */

export const APP_NAME = 'Attractor Studio';

/**
 * The title bar text. macOS marks unsaved documents with "— Edited" (and the
 * dot in the close button, setDocumentEdited); Windows and Linux editors put a
 * dot in front of the name.
 */
export function windowTitle(platform: NodeJS.Platform, title: string, dirty: boolean): string {
  const base = title.trim() === '' ? APP_NAME : title.trim();
  if (!dirty) return base;
  return platform === 'darwin' ? `${base} — Edited` : `• ${base}`;
}

export type CloseChoice = 'save' | 'discard' | 'cancel';

/** The buttons of the unsaved-changes prompt, in the order given to the message box. */
export const CLOSE_BUTTONS: readonly { readonly label: string; readonly choice: CloseChoice }[] = [
  { label: 'Save', choice: 'save' },
  { label: "Don't Save", choice: 'discard' },
  { label: 'Cancel', choice: 'cancel' },
];

export function closePromptMessage(title: string): string {
  return `Save changes to ${title.trim() === '' ? 'Untitled' : title.trim()}?`;
}

export interface CloseGuardDeps {
  /** Shows the prompt; resolves with the user's choice. */
  ask(message: string): Promise<CloseChoice>;
  /** Asks the renderer to save and then call window.close. */
  requestSave(): void;
  /** Closes the native window (its 'close' event comes back to `onClose`, which lets it through). */
  closeWindow(): void;
  /** The user cancelled a close. */
  cancelled?(): void;
}

export class CloseGuard {
  private title = '';
  private dirty = false;
  private asking = false;
  private closing = false;

  constructor(private readonly deps: CloseGuardDeps) {}

  setState(title: string, dirty: boolean): void {
    this.title = title;
    this.dirty = dirty;
  }

  /** The BrowserWindow's 'close' event. */
  onClose(event: { preventDefault(): void }): void {
    if (this.closing || !this.dirty) return;
    event.preventDefault();
    // A second close (⌘W pressed again) while the prompt is open is the same question.
    if (this.asking) return;
    this.asking = true;
    void this.deps
      .ask(closePromptMessage(this.title))
      .catch((): CloseChoice => 'cancel')
      .then((choice) => {
        this.asking = false;
        if (choice === 'save') this.deps.requestSave();
        else if (choice === 'discard') this.close();
        else this.deps.cancelled?.();
      });
  }

  /** Close without asking (window.close from the renderer: it has saved, or the user chose to discard). */
  close(): void {
    this.closing = true;
    this.deps.closeWindow();
  }
}
