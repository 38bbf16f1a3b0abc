/**
 * Web mode's Open dialog: the graph files in the host's workspace folder,
 * recently opened files, and Upload for a file from this computer (read in the
 * browser, validated by the host like any other).
 */
import { useEffect, useRef, useState } from 'react';
import type { RecentFile, WorkspaceFile } from '../../../../shared/api.js';
import type { Studio } from '../studio.js';
import { Modal } from './Modal.js';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function OpenDialog({ studio }: { studio: Studio }) {
  const [files, setFiles] = useState<readonly WorkspaceFile[] | null>(null);
  const [recent, setRecent] = useState<readonly RecentFile[]>([]);
  const upload = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void studio.call('file.workspace', {}).then((r) => setFiles(r ?? []));
    void studio.call('file.recent', {}).then((r) => setRecent(r ?? []));
  }, [studio]);

  const close = () => studio.ui.close();
  return (
    <Modal
      title="Open graph"
      testId="open-dialog"
      onClose={close}
      wide
      footer={
        <>
          <input
            ref={upload}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="open-upload-input"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) await studio.openText(file.name, await file.text());
            }}
          />
          <button onClick={() => upload.current?.click()} data-testid="open-upload">
            Upload…
          </button>
          <span className="spacer" />
          <button onClick={close}>Cancel</button>
        </>
      }
    >
      <h3 className="modal__section">
        Workspace {studio.info.workspace && <code className="muted">{studio.info.workspace}</code>}
      </h3>
      {files === null ? (
        <p className="muted">Loading…</p>
      ) : files.length === 0 ? (
        <p className="muted">No graph files in the workspace yet. Save one with File → Save As.</p>
      ) : (
        <ul className="filelist" data-testid="open-workspace">
          {files.map((f) => (
            <li key={f.path}>
              <button className="filelist__item" data-testid="open-file" data-path={f.path} onClick={() => void studio.openPath(f.path)}>
                <span className="filelist__name">{f.name}</span>
                <span className="muted">{when(f.modifiedAt)}</span>
                <span className="muted">{(f.bytes / 1024).toFixed(1)} KB</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {recent.length > 0 && (
        <>
          <h3 className="modal__section">Recent</h3>
          <ul className="filelist" data-testid="open-recent">
            {recent.map((f) => (
              <li key={f.path}>
                <button className="filelist__item" disabled={!f.exists} title={f.path} onClick={() => void studio.openPath(f.path)}>
                  <span className="filelist__name">{f.name}</span>
                  <span className="muted filelist__path">{f.exists ? f.path : `${f.path} (missing)`}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Modal>
  );
}
