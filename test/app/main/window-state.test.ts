// The title bar and the unsaved-changes prompt (app/main/window-state.ts).
//
// The real Electron cannot run on CI machines (no Electron binary, no
// display), so no BrowserWindow or message box is shown: the CloseGuard gets
// recording stand-ins for "show the prompt" (resolving with the user's
// choice), "ask the renderer to save" (the 'window.saveAndClose' event) and
// "close the native window", and a FakeEvent for the window's 'close' event.
import { describe, expect, it } from 'vitest';
import { CLOSE_BUTTONS, CloseGuard, closePromptMessage, windowTitle, type CloseChoice } from '../../../app/main/window-state.js';
import { FakeEvent } from './fakes.js';

function guard(choice: CloseChoice | Promise<CloseChoice>) {
  const log: string[] = [];
  let resolveAsk: (() => void) | undefined;
  const g = new CloseGuard({
    ask: (message) => {
      log.push(`ask ${message}`);
      // A fixed choice waits for answer(), as the user takes a while; a promise is the prompt's own outcome.
      if (choice instanceof Promise) return choice;
      const fixed = choice;
      return new Promise<void>((resolve) => (resolveAsk = resolve)).then(() => fixed);
    },
    requestSave: () => log.push('save'),
    closeWindow: () => log.push('close'),
    cancelled: () => log.push('cancelled'),
  });
  return { g, log, answer: () => resolveAsk?.() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('window title', () => {
  it('marks unsaved changes the macOS way', () => {
    expect(windowTitle('darwin', 'hopfield', true)).toBe('hopfield — Edited');
    expect(windowTitle('darwin', 'hopfield', false)).toBe('hopfield');
  });
  it('marks unsaved changes with a dot on Windows and Linux', () => {
    expect(windowTitle('win32', 'hopfield', true)).toBe('• hopfield');
    expect(windowTitle('linux', 'hopfield', false)).toBe('hopfield');
  });
  it('falls back to the app name', () => {
    expect(windowTitle('linux', '  ', false)).toBe('Attractor Studio');
  });
});

describe('closing', () => {
  it('offers Save, Don\'t Save and Cancel, naming the graph', () => {
    expect(CLOSE_BUTTONS.map((b) => b.label)).toEqual(['Save', "Don't Save", 'Cancel']);
    expect(closePromptMessage('hopfield')).toBe('Save changes to hopfield?');
    expect(closePromptMessage('')).toBe('Save changes to Untitled?');
  });
  it('closes a window without unsaved changes at once', () => {
    const { g, log } = guard('cancel');
    g.setState('hopfield', false);
    const event = new FakeEvent();
    g.onClose(event);
    expect(event.prevented).toBe(false);
    expect(log).toEqual([]);
  });
  it('Save: keeps the window and asks the renderer to save (it then calls window.close)', async () => {
    const { g, log, answer } = guard('save');
    g.setState('hopfield', true);
    const event = new FakeEvent();
    g.onClose(event);
    expect(event.prevented).toBe(true);
    answer();
    await settle();
    expect(log).toEqual(['ask Save changes to hopfield?', 'save']);
    g.close();
    // The close that follows is let through.
    const again = new FakeEvent();
    g.onClose(again);
    expect(again.prevented).toBe(false);
    expect(log.at(-1)).toBe('close');
  });
  it("Don't Save: closes", async () => {
    const { g, log, answer } = guard('discard');
    g.setState('hopfield', true);
    g.onClose(new FakeEvent());
    answer();
    await settle();
    expect(log).toEqual(['ask Save changes to hopfield?', 'close']);
  });
  it('Cancel: keeps the window and reports it (a quit stops)', async () => {
    const { g, log, answer } = guard('cancel');
    g.setState('hopfield', true);
    const event = new FakeEvent();
    g.onClose(event);
    answer();
    await settle();
    expect(event.prevented).toBe(true);
    expect(log).toEqual(['ask Save changes to hopfield?', 'cancelled']);
  });
  it('asks once while the prompt is open', async () => {
    const { g, log, answer } = guard('cancel');
    g.setState('hopfield', true);
    const second = new FakeEvent();
    g.onClose(new FakeEvent());
    g.onClose(second);
    expect(second.prevented).toBe(true);
    answer();
    await settle();
    expect(log.filter((l) => l.startsWith('ask'))).toHaveLength(1);
  });
  it('treats a failing prompt as Cancel', async () => {
    const { g, log } = guard(Promise.reject(new Error('no display')));
    g.setState('hopfield', true);
    g.onClose(new FakeEvent());
    await settle();
    expect(log).toEqual(['ask Save changes to hopfield?', 'cancelled']);
  });
});
