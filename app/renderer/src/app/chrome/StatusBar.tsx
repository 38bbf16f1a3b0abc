/** The status bar: where the document lives, how the engine judges it, which mode the app runs in and the engine's backend. */
import { useSyncExternalStore } from 'react';
import { useStore } from '../state/store.js';
import type { RunClient } from '../../run/run-client.js';
import { backendTooltip } from '../settings/engine-backend.js';
import type { Studio } from '../studio.js';
import { GuaranteeChip } from '../panels/BottomPanel.js';

export function StatusBar({ studio, run }: { studio: Studio; run?: RunClient }) {
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
      {run && <BackendStatus studio={studio} run={run} />}
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

/**
 * The engine's backend as it reported it (engine.ready, engine.info, run.started), e.g.
 * "wasm (SIMD, 1 thread)"; a skipped GPU says why in the tooltip. A click opens Settings.
 */
function BackendStatus({ studio, run }: { studio: Studio; run: RunClient }) {
  // Only a new backend report re-renders this, not every streamed run event.
  const backend = useSyncExternalStore(run.subscribe, () => run.state.backend, () => run.state.backend);
  const skippedGpu = backend?.skipped.some((s) => s.name === 'tensorflow') ?? false;
  return (
    <button
      className="statusbar__backend"
      data-testid="status-backend"
      data-name={backend?.name ?? ''}
      data-gpu-skipped={skippedGpu ? 'true' : undefined}
      title={backend ? backendTooltip(backend) : 'The engine starts with the first run. Click to choose its backend'}
      onClick={() => studio.ui.show({ kind: 'settings' })}
    >
      {backend ? backend.detail : <span className="muted">engine: not started</span>}
      {skippedGpu && <span className="muted"> · no GPU</span>}
    </button>
  );
}
