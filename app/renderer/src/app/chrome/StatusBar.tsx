/** The status bar: where the document lives, how the engine judges it, and which mode the app runs in. */
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { GuaranteeChip } from '../panels/BottomPanel.js';

export function StatusBar({ studio }: { studio: Studio }) {
  const doc = useStore(studio.doc);
  const { check } = useStore(studio.ui);
  const errors = check.problems.filter((p) => p.severity === 'error').length;
  const warnings = check.problems.length - errors;
  const where = doc.path ?? (doc.origin === 'example' ? `example: ${doc.name}` : doc.origin === 'recovery' ? 'recovered, not saved' : 'not saved yet');
  return (
    <footer className="statusbar">
      <span className="statusbar__mode" data-testid="status-mode" title={`${studio.info.platform} · v${studio.info.version}`}>
        {studio.isElectron ? 'desktop' : 'web'}
      </span>
      <span className="statusbar__path" data-testid="status-path" title={doc.path ?? undefined}>
        {where}
        {doc.dirty ? ' • modified' : ''}
      </span>
      <span className="statusbar__spacer" />
      <button className="statusbar__problems" data-testid="status-problems" onClick={() => studio.ui.setBottomTab('problems')} title="Show problems">
        <span className={errors ? 'sev--error' : undefined}>✕ {errors}</span>
        <span className={warnings ? 'sev--warning' : undefined}>! {warnings}</span>
      </button>
      <button className="statusbar__plan" data-testid="status-guarantee" onClick={() => studio.ui.setBottomTab('plan')} title="Show the plan">
        {check.plan ? (
          <>
            <span className="muted">{check.plan.schedule}</span> <GuaranteeChip kind={check.plan.guarantee.kind} small />
          </>
        ) : (
          <span className="muted">{errors ? 'does not compile' : 'no plan'}</span>
        )}
      </button>
    </footer>
  );
}
