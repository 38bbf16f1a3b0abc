/** The top bar: app name, the web-mode menu bar, and the few commands people reach for most. */
import { findCommand, type CommandId } from '../commands.js';
import { runCommand } from '../dispatch.js';
import { applies, display } from '../keys.js';
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { MenuBar } from './MenuBar.js';

function ToolButton({ studio, id, label, primary }: { studio: Studio; id: CommandId; label?: string; primary?: boolean }) {
  const command = findCommand(id);
  const key = command?.keys?.filter(applies).map(display)[0];
  return (
    <button
      className={`tool${primary ? ' tool--primary' : ''}`}
      data-testid={`tool-${id}`}
      title={key ? `${command?.label} (${key})` : command?.label}
      disabled={command?.enabled ? !command.enabled(studio) : false}
      onClick={() => void runCommand(studio, id)}
    >
      {label ?? command?.label}
    </button>
  );
}

export function Toolbar({ studio }: { studio: Studio }) {
  // Re-rendered on every document change, which is when undo/redo availability changes.
  const { name, dirty } = useStore(studio.doc);
  return (
    <header className="topbar">
      <div className="brand" title="Attractor Studio">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <circle cx="12" cy="12" r="3.2" fill="currentColor" />
          <ellipse cx="12" cy="12" rx="9" ry="4.2" fill="none" stroke="currentColor" strokeWidth="1.5" transform="rotate(-28 12 12)" />
        </svg>
        <span>Attractor Studio</span>
      </div>
      {!studio.isElectron && <MenuBar studio={studio} />}
      <div className="topbar__doc" data-testid="doc-name">
        {name}
        {dirty && <span className="dirty-dot" title="unsaved changes" data-testid="dirty" />}
      </div>
      <div className="toolbar" role="toolbar" aria-label="Commands">
        <ToolButton studio={studio} id="new" label="New" />
        <ToolButton studio={studio} id="open" label="Open" />
        <ToolButton studio={studio} id="save" />
        <span className="toolbar__sep" />
        <ToolButton studio={studio} id="undo" />
        <ToolButton studio={studio} id="redo" />
        <span className="toolbar__sep" />
        <ToolButton studio={studio} id="arrange" label="Arrange" />
        <ToolButton studio={studio} id="zoomToFit" label="Fit" />
        <span className="toolbar__sep" />
        <ToolButton studio={studio} id="examples" label="Examples" primary />
      </div>
    </header>
  );
}
