/** Help → Keyboard shortcuts, generated from the command registry in this platform's notation. */
import { COMMANDS, type MenuName } from '../commands.js';
import { applies, display } from '../keys.js';
import type { Studio } from '../studio.js';
import { Modal } from './Modal.js';

const TITLES: Record<MenuName, string> = { file: 'File', edit: 'Edit', view: 'View', help: 'Help' };

export function ShortcutsDialog({ studio }: { studio: Studio }) {
  const menus = (Object.keys(TITLES) as MenuName[]).map((m) => ({ m, commands: COMMANDS.filter((c) => c.menu === m && c.keys?.some(applies)) }));
  return (
    <Modal title="Keyboard shortcuts" testId="shortcuts-dialog" onClose={() => studio.ui.close()}>
      <div className="shortcuts">
        {menus.map(({ m, commands }) => (
          <section key={m}>
            <h3 className="modal__section">{TITLES[m]}</h3>
            <dl>
              {commands.map((c) => (
                <div key={c.id} className="shortcuts__row">
                  <dt>{c.label}</dt>
                  <dd>
                    {c.keys!.filter(applies).map((k) => (
                      <kbd key={k}>{display(k)}</kbd>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="muted small">
        Shortcuts other than Save are ignored while you type in a field. {studio.isElectron ? '' : 'In a browser tab a few keys (such as Ctrl+N) may be kept by the browser: use the File menu then.'}
      </p>
    </Modal>
  );
}
