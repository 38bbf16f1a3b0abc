/** Web mode's Save As: a file name in the host's workspace folder, or Download to this computer. */
import { useState } from 'react';
import { GRAPH_EXTENSION } from '../../../../../nodes/graph.js';
import { baseName, type Studio } from '../studio.js';
import { Modal } from './Modal.js';

/** Characters no file system we run on accepts in a name (control characters are refused by the host). */
const NAME = /^[^\\/:*?"<>|]{1,200}$/;

export function SaveAsDialog({ studio }: { studio: Studio }) {
  const current = studio.doc.get();
  const [name, setName] = useState(baseName(current.path ?? current.name));
  const [busy, setBusy] = useState(false);
  const valid = NAME.test(name.trim());
  const save = async () => {
    if (!valid || busy) return;
    setBusy(true);
    await studio.saveAsName(name.trim());
    setBusy(false);
  };
  return (
    <Modal
      title="Save graph as"
      testId="saveas-dialog"
      onClose={() => studio.ui.close()}
      footer={
        <>
          <button data-testid="saveas-download" onClick={() => studio.download(name.trim() || 'graph')} title="Save a copy to this computer">
            Download
          </button>
          <span className="spacer" />
          <button onClick={() => studio.ui.close()}>Cancel</button>
          <button className="primary" data-testid="saveas-save" disabled={!valid || busy} onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <label className="stack">
        <span>File name in the workspace</span>
        <div className="suffixed">
          <input
            autoFocus
            data-testid="saveas-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void save()}
          />
          <span className="suffixed__suffix">{name.endsWith('.json') ? '' : GRAPH_EXTENSION}</span>
        </div>
      </label>
      {!valid && name !== '' && <p className="field__error">A file name cannot contain / \ : * ? " &lt; &gt; |</p>}
      {studio.info.workspace && (
        <p className="muted small">
          Saved in <code>{studio.info.workspace}</code> on the machine running Attractor Studio.
        </p>
      )}
    </Modal>
  );
}
