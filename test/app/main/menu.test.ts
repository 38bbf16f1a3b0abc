// The native application menu (app/main/menu.ts), per platform.
//
// The real Electron cannot run on CI machines (no Electron binary, no
// display), so Menu.buildFromTemplate is not called here: the template is
// plain data built by a pure function, and the tests read it. Clicking an
// item means calling its `click`; `send` is a recording stand-in for sending
// an event to the window's WebContents.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS, type RecentFile } from '../../../app/shared/api.js';
import { RECENT_IN_MENU, menuTemplate, type MenuExtras, type NativeEdit, type Send } from '../../../app/main/menu.js';

type Item = MenuItemConstructorOptions;
const PLATFORMS = ['darwin', 'win32', 'linux'] as const;

function build(platform: NodeJS.Platform, recent: RecentFile[] = [], extras: MenuExtras = {}) {
  const sent: [string, unknown][] = [];
  const native: NativeEdit[] = [];
  const send: Send = (event, payload) => void sent.push([event, payload]);
  const template = menuTemplate(platform, recent, send, { nativeEdit: (op) => native.push(op), ...extras });
  return { template, sent, native, items: flatten(template) };
}

function flatten(items: readonly Item[]): Item[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu as Item[]) : [])]);
}

function click(item: Item | undefined): void {
  expect(item, 'menu item').toBeDefined();
  (item!.click as () => void)();
}

function byLabel(items: Item[], label: string): Item | undefined {
  return items.find((i) => i.label === label && i.visible !== false);
}

function recentFile(n: number, exists = true): RecentFile {
  return { path: `/home/u/graphs/g${n}.attractor.json`, name: `g${n}`, openedAt: '2026-11-23T00:00:00Z', exists };
}

describe('accelerators', () => {
  it('use Cmd on macOS and Ctrl elsewhere, never CmdOrCtrl', () => {
    for (const platform of PLATFORMS) {
      const { items } = build(platform);
      const keys = items.map((i) => i.accelerator).filter((a): a is string => typeof a === 'string');
      expect(keys.length).toBeGreaterThan(10);
      for (const key of keys) {
        expect(key, `${platform}: ${key}`).not.toMatch(/CmdOrCtrl|CommandOrControl/);
        if (platform === 'darwin') expect(key, key).not.toMatch(/Ctrl/);
        else expect(key, key).not.toMatch(/Cmd/);
      }
    }
  });

  const expected: [string, string][] = [
    ['New', 'N'],
    ['Open…', 'O'],
    ['Save', 'S'],
    ['Save As…', 'Shift+S'],
    ['Close Window', 'W'],
    ['Undo', 'Z'],
    ['Cut', 'X'],
    ['Copy', 'C'],
    ['Paste', 'V'],
    ['Duplicate', 'D'],
    ['Select All', 'A'],
  ];
  for (const platform of PLATFORMS) {
    it(`are the platform's usual ones on ${platform}`, () => {
      const { items } = build(platform);
      const mod = platform === 'darwin' ? 'Cmd' : 'Ctrl';
      for (const [label, key] of expected) {
        const shown = platform === 'darwin' ? label : label.replace('…', '...');
        expect(byLabel(items, shown)?.accelerator, `${platform} ${shown}`).toBe(`${mod}+${key}`);
      }
    });
  }

  it('make Redo ⇧⌘Z on macOS', () => {
    const redo = build('darwin').items.filter((i) => i.label === 'Redo');
    expect(redo.map((i) => i.accelerator)).toEqual(['Cmd+Shift+Z']);
  });
  it('make Redo Ctrl+Y on Windows, with Ctrl+Shift+Z working too', () => {
    const redo = build('win32').items.filter((i) => i.label === 'Redo');
    expect(redo.map((i) => [i.accelerator, i.visible !== false])).toEqual([
      ['Ctrl+Y', true],
      ['Ctrl+Shift+Z', false],
    ]);
  });
  it('make Redo Ctrl+Shift+Z on Linux, with Ctrl+Y working too', () => {
    const redo = build('linux').items.filter((i) => i.label === 'Redo');
    expect(redo.map((i) => [i.accelerator, i.visible !== false])).toEqual([
      ['Ctrl+Shift+Z', true],
      ['Ctrl+Y', false],
    ]);
  });
  it('leave Delete/Backspace to text fields: Delete is shown but not registered', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const del = byLabel(build(platform).items, 'Delete');
      expect(del?.accelerator).toBe('Delete');
      expect(del?.registerAccelerator).toBe(false);
    }
    expect(byLabel(build('darwin').items, 'Delete')?.accelerator).toBeUndefined();
  });
  it('are not given twice on one platform', () => {
    for (const platform of PLATFORMS) {
      const keys = build(platform)
        .items.filter((i) => i.accelerator && i.registerAccelerator !== false)
        .map((i) => String(i.accelerator).toLowerCase());
      expect(new Set(keys).size, `${platform}: ${keys.join(', ')}`).toBe(keys.length);
    }
  });
});

describe('commands', () => {
  it('every item that sends a command sends one of MENU_COMMANDS', () => {
    for (const platform of PLATFORMS) {
      const { items, sent } = build(platform, [recentFile(1)]);
      for (const item of items.filter((i) => typeof i.click === 'function')) click(item);
      const commands = sent.filter(([event]) => event === 'menu.command').map(([, payload]) => (payload as { command: string }).command);
      for (const command of commands) expect(MENU_COMMANDS).toContain(command);
      // Every command but 'close' is reachable from the menu ('close' is the native Close Window).
      expect(new Set(commands)).toEqual(new Set(MENU_COMMANDS.filter((c) => c !== 'close')));
      // And nothing but menu commands and the one recent file is sent.
      expect(sent.filter(([event]) => event !== 'menu.command')).toEqual([['file.openPath', { path: recentFile(1).path }]]);
    }
  });
  it('sends the right command for each item', () => {
    const { items, sent } = build('linux');
    const pairs: [string, string][] = [
      ['New', 'new'], ['Open...', 'open'], ['Examples...', 'examples'], ['Save', 'save'], ['Save As...', 'saveAs'],
      ['Undo', 'undo'], ['Redo', 'redo'], ['Cut', 'cut'], ['Copy', 'copy'], ['Paste', 'paste'],
      ['Duplicate', 'duplicate'], ['Delete', 'delete'], ['Select All', 'selectAll'],
      ['Zoom to Fit', 'zoomToFit'], ['Auto-arrange', 'arrange'], ['Add Comment', 'comment'],
    ];
    for (const [label, command] of pairs) {
      sent.length = 0;
      click(byLabel(items, label));
      expect(sent, label).toEqual([['menu.command', { command }]]);
    }
  });
  it('runs the native editing command first for text-editing items, so text fields work', () => {
    const { items, native, sent } = build('win32');
    for (const label of ['Undo', 'Redo', 'Cut', 'Copy', 'Paste', 'Delete', 'Select All']) click(byLabel(items, label));
    expect(native).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
    expect(sent).toHaveLength(7);
    native.length = 0;
    click(byLabel(items, 'Duplicate'));
    expect(native).toEqual([]);
  });
  it('closes the native window (which asks about unsaved changes) instead of sending "close"', () => {
    let closed = 0;
    const { items, sent } = build('darwin', [], { closeWindow: () => closed++ });
    click(byLabel(items, 'Close Window'));
    expect(closed).toBe(1);
    expect(sent).toEqual([]);
  });
});

describe('Open Recent', () => {
  const submenu = (items: Item[]) => byLabel(items, 'Open Recent')!.submenu as Item[];

  it('lists recent files, newest first as given, and opens one by path', () => {
    const { items, sent } = build('linux', [recentFile(1), recentFile(2)]);
    const entries = submenu(items).filter((i) => i.type !== 'separator');
    expect(entries.map((i) => i.label)).toEqual([recentFile(1).path, recentFile(2).path, 'Clear Recently Opened']);
    click(entries[1]);
    expect(sent).toEqual([['file.openPath', { path: recentFile(2).path }]]);
  });
  it(`shows at most ${RECENT_IN_MENU}`, () => {
    const many = Array.from({ length: RECENT_IN_MENU + 5 }, (_, i) => recentFile(i));
    const entries = submenu(build('linux', many).items).filter((i) => i.click && i.label !== 'Clear Recently Opened');
    expect(entries).toHaveLength(RECENT_IN_MENU);
  });
  it('marks missing files and disables them', () => {
    const entry = submenu(build('linux', [recentFile(1, false)]).items)[0]!;
    expect(entry.label).toBe(`${recentFile(1).path} (missing)`);
    expect(entry.enabled).toBe(false);
  });
  it('says when there is nothing, and clears through the services', () => {
    let cleared = 0;
    const empty = submenu(build('linux', [], { clearRecent: () => cleared++ }).items);
    expect(empty[0]).toMatchObject({ label: 'No Recent Files', enabled: false });
    expect(byLabel(empty, 'Clear Recently Opened')?.enabled).toBe(false);
    const full = submenu(build('linux', [recentFile(1)], { clearRecent: () => cleared++ }).items);
    click(byLabel(full, 'Clear Recently Opened'));
    expect(cleared).toBe(1);
  });
});

describe('platform conventions', () => {
  it('macOS: app menu first (About … Quit), a Window menu, no Quit in File', () => {
    const { template } = build('darwin');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['Attractor Studio', 'File', 'Edit', 'View', 'windowMenu', 'help']);
    const appMenu = (template[0]!.submenu as Item[]).map((i) => i.role).filter(Boolean);
    expect(appMenu).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect((template[1]!.submenu as Item[]).some((i) => i.role === 'quit')).toBe(false);
  });
  it('Windows and Linux: File ends with Exit / Quit, About is in Help', () => {
    for (const [platform, quit] of [['win32', 'Exit'], ['linux', 'Quit']] as const) {
      const { template } = build(platform);
      expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'help']);
      const file = template[0]!.submenu as Item[];
      expect(file.at(-1)).toMatchObject({ role: 'quit', label: quit });
      expect((template[3]!.submenu as Item[]).some((i) => i.role === 'about')).toBe(true);
    }
  });
  it('DevTools and Reload only in development', () => {
    for (const platform of PLATFORMS) {
      const roles = (dev: boolean) => build(platform, [], { dev }).items.map((i) => i.role);
      expect(roles(false)).not.toContain('toggleDevTools');
      expect(roles(false)).not.toContain('forceReload');
      expect(roles(true)).toContain('toggleDevTools');
      expect(roles(true)).toContain('forceReload');
    }
  });
});
