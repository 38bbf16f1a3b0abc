/** Why a file could not be opened (or saved): every problem with its place in the file. The current graph is untouched. */
import { pathText, type Problem } from '../../../../../nodes/problems.js';
import type { Studio } from '../studio.js';
import { Modal } from './Modal.js';

export function FileErrorDialog({ studio, title, source, problems }: { studio: Studio; title: string; source: string; problems: readonly Problem[] }) {
  return (
    <Modal
      title={title}
      testId="open-error"
      onClose={() => studio.ui.close()}
      wide
      footer={
        <>
          <span className="muted small">Nothing was changed: the graph you had open is still open.</span>
          <span className="spacer" />
          <button className="primary" onClick={() => studio.ui.close()}>
            OK
          </button>
        </>
      }
    >
      <p>
        <code data-testid="open-error-source">{source}</code> has {problems.length} problem{problems.length === 1 ? '' : 's'}:
      </p>
      <table className="problems problems--boxed">
        <thead>
          <tr>
            <th>where in the file</th>
            <th>node</th>
            <th>problem</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p, i) => (
            <tr key={i} data-testid="open-error-problem">
              <td className="problems__path">
                <code>{pathText(p.path)}</code>
              </td>
              <td className="problems__node">{p.nodeId ?? '—'}</td>
              <td className="problems__message">{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
