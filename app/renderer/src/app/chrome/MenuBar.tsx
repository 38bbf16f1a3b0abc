/**
 * The in-app menu bar of web mode (Electron has the native one): File, Edit,
 * View, Help from the command registry, plus Open Recent. Opening one menu
 * and hovering another switches, as desktop menu bars do.
 */
import { useEffect, useRef, useState } from 'react';
import type { RecentFile } from '../../../../shared/api.js';
import { COMMANDS, type CommandId, type MenuName } from '../commands.js';
import { runCommand } from '../dispatch.js';
import { applies, display } from '../keys.js';
import type { Studio } from '../studio.js';

const MENUS: readonly { id: MenuName; title: string }[] = [
  { id: 'file', title: 'File' },
  { id: 'edit', title: 'Edit' },
  { id: 'view', title: 'View' },
  { id: 'help', title: 'Help' },
];

/** Close Window means nothing in a browser tab. */
const NOT_IN_BROWSER: ReadonlySet<CommandId> = new Set(['close']);

export function MenuBar({ studio }: { studio: Studio }) {
  const [open, setOpen] = useState<MenuName | null>(null);
  const [recent, setRecent] = useState<readonly RecentFile[]>([]);
  const bar = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!bar.current?.contains(e.target as Node)) setOpen(null);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(null);
    window.addEventListener('pointerdown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  useEffect(() => {
    if (open === 'file') void studio.call('file.recent', {}).then((r) => setRecent(r ?? []));
  }, [open, studio]);

  const run = (id: CommandId) => {
    setOpen(null);
    void runCommand(studio, id);
  };

  return (
    <div className="menubar" ref={bar} role="menubar">
      {MENUS.map((m) => (
        <div key={m.id} className="menubar__menu">
          <button
            className={`menubar__title${open === m.id ? ' is-open' : ''}`}
            data-testid={`menu-${m.id}`}
            aria-haspopup="menu"
            aria-expanded={open === m.id}
            onClick={() => setOpen(open === m.id ? null : m.id)}
            onPointerEnter={() => open && setOpen(m.id)}
          >
            {m.title}
          </button>
          {open === m.id && (
            <div className="menu" role="menu">
              {COMMANDS.filter((c) => c.menu === m.id && !NOT_IN_BROWSER.has(c.id)).map((c) => (
                <div key={c.id}>
                  {c.separatorBefore && <hr />}
                  <button
                    role="menuitem"
                    className="menu__item"
                    data-testid={`menu-item-${c.id}`}
                    disabled={c.enabled ? !c.enabled(studio) : false}
                    onClick={() => run(c.id)}
                  >
                    <span>{c.label}</span>
                    <kbd>{c.keys?.filter(applies).map(display)[0]}</kbd>
                  </button>
                  {c.id === 'open' && <RecentMenu recent={recent} onPick={(path) => (setOpen(null), void studio.openPath(path))} />}
                </div>
              ))}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

function RecentMenu({ recent, onPick }: { recent: readonly RecentFile[]; onPick(path: string): void }) {
  return (
    <div className="menu__sub">
      <button role="menuitem" className="menu__item" aria-haspopup="menu" data-testid="menu-item-recent">
        <span>Open Recent</span>
        <kbd>▸</kbd>
      </button>
      <div className="menu menu--sub" role="menu">
        {recent.length === 0 && <div className="menu__empty">No recent files</div>}
        {recent.slice(0, 10).map((f) => (
          <button key={f.path} role="menuitem" className="menu__item" disabled={!f.exists} title={f.path} onClick={() => onPick(f.path)}>
            <span>{f.name}</span>
            <kbd>{f.exists ? '' : 'missing'}</kbd>
          </button>
        ))}
      </div>
    </div>
  );
}
