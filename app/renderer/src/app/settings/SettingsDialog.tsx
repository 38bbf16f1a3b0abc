/**
 * Settings: the engine backend. Applied at once with a checked `engine.configure` (the
 * engine process restarts with it and must come up; refused while a run is in progress, or
 * with the engine's reason when it cannot start here) and remembered in localStorage.
 * The status bar shows what the engine reports once it is up.
 */
import { useState } from 'react';
import { ENGINE_BACKENDS, type EngineBackend } from '../../../../shared/api.js';
import type { Studio } from '../studio.js';
import { Modal } from '../dialogs/Modal.js';
import { BACKEND_LABELS, storeBackend, storedBackend } from './engine-backend.js';

export function SettingsDialog({ studio }: { studio: Studio }) {
  const [backend, setBackend] = useState<EngineBackend>(storedBackend() ?? 'auto');
  const [status, setStatus] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (next: EngineBackend) => {
    const before = backend;
    setBackend(next);
    setBusy(true);
    setStatus({ tone: 'info', text: `Starting the engine on ${next}…` });
    try {
      // Checked: the engine starts on it now, and a backend that cannot start here is refused with the reason.
      await studio.api.call('engine.configure', { backend: next, check: true });
      storeBackend(next);
      setStatus({ tone: 'info', text: `The engine runs on ${next} now (the status bar shows what it reports).` });
    } catch (err) {
      setBackend(before);
      setStatus({ tone: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Settings"
      testId="settings-dialog"
      onClose={() => studio.ui.close()}
      footer={
        <>
          <span className="spacer" />
          <button className="primary" data-testid="settings-close" onClick={() => studio.ui.close()}>
            Done
          </button>
        </>
      }
    >
      <h3 className="modal__section">Engine</h3>
      <label className="settings__field">
        Backend{' '}
        <select value={backend} disabled={busy} data-testid="settings-backend" onChange={(e) => void choose(e.target.value as EngineBackend)}>
          {ENGINE_BACKENDS.map((b) => (
            <option key={b} value={b}>
              {BACKEND_LABELS[b]}
            </option>
          ))}
        </select>
      </label>
      {status && (
        <p className={status.tone === 'error' ? 'sev--error' : 'muted'} role={status.tone === 'error' ? 'alert' : undefined} data-testid="settings-status">
          {status.text}
        </p>
      )}
      <p className="muted small">
        The engine runs in a Node process beside the app ({studio.isElectron ? 'a utility process' : 'a worker thread of the web host'}), where the datasets, checkpoints and the
        native TensorFlow build live — not in this window. Changing the backend restarts it.
      </p>
    </Modal>
  );
}
