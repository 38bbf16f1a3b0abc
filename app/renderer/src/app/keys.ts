/**
 * Shortcut strings ("Mod+Shift+S") matched against key events and shown in
 * menus in the platform's own notation (⌘⇧S on macOS, Ctrl+Shift+S elsewhere).
 */
export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

interface Combo {
  readonly mod: boolean;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  readonly key: string;
}

function parse(spec: string): Combo {
  const parts = spec.split('+');
  const key = parts.pop() ?? '';
  return { mod: parts.includes('Mod'), ctrl: parts.includes('Ctrl'), shift: parts.includes('Shift'), alt: parts.includes('Alt'), key };
}

/** Letters and digits by physical key (Shift+1 is "!" on most layouts, and Alt changes letters on macOS). */
function keyOf(e: KeyboardEvent): string {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3);
  if (/^Digit[0-9]$/.test(e.code)) return e.code.slice(5);
  if (e.code === 'Slash') return '/';
  return e.key.length === 1 ? e.key.toUpperCase() : e.key;
}

/** A spec with Ctrl (not Mod) is a Windows/Linux convention only, so it does not apply on macOS. */
export function applies(spec: string): boolean {
  return !(IS_MAC && parse(spec).ctrl);
}

export function matches(spec: string, e: KeyboardEvent): boolean {
  const c = parse(spec);
  if (!applies(spec)) return false;
  const wantMeta = IS_MAC && c.mod;
  const wantCtrl = (!IS_MAC && c.mod) || c.ctrl;
  return e.metaKey === wantMeta && e.ctrlKey === wantCtrl && e.shiftKey === c.shift && e.altKey === c.alt && keyOf(e) === c.key;
}

export function display(spec: string): string {
  const c = parse(spec);
  const key = c.key === 'Delete' ? (IS_MAC ? '⌦' : 'Del') : c.key === 'Backspace' ? (IS_MAC ? '⌫' : 'Backspace') : c.key;
  if (IS_MAC) return `${c.ctrl ? '⌃' : ''}${c.alt ? '⌥' : ''}${c.shift ? '⇧' : ''}${c.mod ? '⌘' : ''}${key}`;
  return [c.mod || c.ctrl ? 'Ctrl' : '', c.alt ? 'Alt' : '', c.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** Typing in a field: shortcuts other than Save leave the keys to the field. */
export function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(target.type);
  return false;
}
