/** Whichever dialog the UI store says is open (at most one at a time). */
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { ExamplesDialog } from './ExamplesDialog.js';
import { FileErrorDialog } from './FileErrorDialog.js';
import { Modal } from './Modal.js';
import { OpenDialog } from './OpenDialog.js';
import { SaveAsDialog } from './SaveAsDialog.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { SettingsDialog } from '../settings/SettingsDialog.js';

export function Dialogs({ studio }: { studio: Studio }) {
  const { modal } = useStore(studio.ui);
  if (!modal) return null;
  switch (modal.kind) {
    case 'open':
      return <OpenDialog studio={studio} />;
    case 'saveAs':
      return <SaveAsDialog studio={studio} />;
    case 'examples':
      return <ExamplesDialog studio={studio} />;
    case 'shortcuts':
      return <ShortcutsDialog studio={studio} />;
    case 'settings':
      return <SettingsDialog studio={studio} />;
    case 'fileError':
      return <FileErrorDialog studio={studio} title={modal.title} source={modal.source} problems={modal.problems} />;
    case 'confirm':
      return (
        <Modal
          title={modal.title}
          testId="confirm-dialog"
          onClose={() => modal.resolve('cancel')}
          footer={
            <>
              <span className="spacer" />
              {[...modal.choices].reverse().map((c) => (
                <button
                  key={c.id}
                  className={c.primary ? 'primary' : c.danger ? 'danger' : undefined}
                  data-testid={`confirm-${c.id}`}
                  onClick={() => modal.resolve(c.id)}
                >
                  {c.label}
                </button>
              ))}
            </>
          }
        >
          <p>{modal.message}</p>
        </Modal>
      );
    case 'recovery': {
      const r = modal.recovery;
      const at = new Date(r.savedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      return (
        <Modal
          title="Restore unsaved work?"
          testId="recovery-offer"
          onClose={() => studio.ui.close()}
          footer={
            <>
              <span className="spacer" />
              <button className="danger" data-testid="recovery-discard" onClick={() => void studio.discardRecovery(r.sessionId)}>
                Discard
              </button>
              <button className="primary" data-testid="recovery-restore" onClick={() => void studio.restore(r.sessionId)}>
                Restore
              </button>
            </>
          }
        >
          <p>
            Restore unsaved work from {at}? <strong>{r.name}</strong>
            {r.path ? (
              <>
                {' '}
                (<code>{r.path}</code>)
              </>
            ) : null}{' '}
            was not saved when Attractor Studio last closed.
          </p>
        </Modal>
      );
    }
  }
}
