/** The bottom panel: Problems (live validation) and Plan (the compiled schedule and its guarantee). */
import { useMemo, type ReactNode } from 'react';
import { pathText, type Problem } from '../../../../../nodes/problems.js';
import type { GuaranteeKind } from '../../../../../engine/protocol/check.js';
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { NodeName, nodeLabels } from '../node-names.js';

export function BottomPanel({ studio, splitter }: { studio: Studio; splitter?: ReactNode }) {
  const { bottomTab, check } = useStore(studio.ui);
  const errors = check.problems.filter((p) => p.severity === 'error').length;
  const warnings = check.problems.length - errors;
  return (
    <section className="bottom" aria-label="Problems and plan" data-testid="bottom-panel" data-pending={check.pending}>
      {splitter}
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={bottomTab === 'problems'} className="tab" data-testid="tab-problems" onClick={() => studio.ui.setBottomTab('problems')}>
          Problems
          <span className={`count${errors ? ' count--error' : warnings ? ' count--warning' : ''}`}>{check.problems.length}</span>
        </button>
        <button role="tab" aria-selected={bottomTab === 'plan'} className="tab" data-testid="tab-plan" onClick={() => studio.ui.setBottomTab('plan')}>
          Plan
          {check.plan && <GuaranteeChip kind={check.plan.guarantee.kind} small />}
        </button>
        <span className="tabs__spacer" />
        {check.pending && <span className="muted small">checking…</span>}
      </div>
      <div className="bottom__body">{bottomTab === 'problems' ? <ProblemsList studio={studio} problems={check.problems} /> : <PlanView studio={studio} />}</div>
    </section>
  );
}

function ProblemsList({ studio, problems }: { studio: Studio; problems: readonly Problem[] }) {
  // Recomputed with each check: the labels are the ones the checked graph had.
  const labels = useMemo(() => nodeLabels(studio.graph()), [studio, problems]);
  if (problems.length === 0) return <p className="muted pad">No problems: the graph compiles.</p>;
  const reveal = (p: Problem) => {
    if (!p.nodeId || !studio.editor) return;
    studio.editor.select([p.nodeId]);
    studio.editor.focusNode(p.nodeId);
  };
  return (
    <table className="problems">
      <tbody>
        {problems.map((p, i) => (
          <tr
            key={i}
            data-testid="problem"
            data-severity={p.severity}
            data-node={p.nodeId}
            className={p.nodeId ? 'clickable' : undefined}
            onClick={() => reveal(p)}
            title={p.nodeId ? 'Select this node' : undefined}
          >
            <td className={`sev sev--${p.severity}`} aria-label={p.severity}>
              {p.severity === 'error' ? '✕' : '!'}
            </td>
            <td className="problems__node">{p.nodeId ? <NodeName id={p.nodeId} labels={labels} /> : '—'}</td>
            <td className="problems__path">
              <code>{pathText(p.path)}</code>
            </td>
            <td className="problems__message">
              {p.message}
              {p.port && <span className="muted"> (port “{p.port}”)</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const GUARANTEE_LABEL: Record<GuaranteeKind, string> = {
  descent: 'energy descent',
  'fixed-point-or-2-cycle': 'fixed point or 2-cycle',
  none: 'no guarantee',
};

export function GuaranteeChip({ kind, small }: { kind: GuaranteeKind; small?: boolean }) {
  return <span className={`guarantee guarantee--${kind}${small ? ' guarantee--small' : ''}`}>{GUARANTEE_LABEL[kind]}</span>;
}

/**
 * The compiler's plan text, wrapped: each line keeps its indentation and wraps under
 * itself with a hanging indent, so nothing is cut off or needs sideways scrolling in a
 * narrow panel. Indents are in ch of the monospace font, as the text was laid out.
 */
function PlanText({ text }: { text: string }) {
  return (
    <div className="plan__text" data-testid="plan-text">
      {text.split('\n').map((line, i) => {
        const indent = line.length - line.trimStart().length;
        return (
          <div key={i} className="plan__line" style={{ paddingLeft: `${indent + 4}ch`, textIndent: '-4ch' }}>
            {line.trimStart() || '\u00a0'}
          </div>
        );
      })}
    </div>
  );
}

function PlanView({ studio }: { studio: Studio }) {
  const { check } = useStore(studio.ui);
  const plan = check.plan;
  const labels = useMemo(() => nodeLabels(studio.graph()), [studio, plan]);
  if (!plan) return <p className="muted pad">{check.problems.length ? 'Fix the errors to see the plan.' : 'Add layers and couplings to see the plan.'}</p>;
  return (
    <div className="plan">
      <div className="plan__summary">
        <dl>
          <dt>Schedule</dt>
          <dd data-testid="plan-schedule">
            {plan.schedule} · {plan.phases} phase{plan.phases === 1 ? '' : 's'}
          </dd>
          <dt>Guarantee</dt>
          <dd data-testid="plan-guarantee" data-kind={plan.guarantee.kind}>
            <GuaranteeChip kind={plan.guarantee.kind} />
            <span className="plan__reason">{plan.guarantee.reason}</span>
          </dd>
          <dt>Parameters</dt>
          <dd>
            {plan.params.free.toLocaleString()} free · {plan.params.fixed.toLocaleString()} fixed
          </dd>
        </dl>
        <table className="plan__layers">
          <thead>
            <tr>
              <th>layer</th>
              <th>shape</th>
              <th>units</th>
              <th>f</th>
              <th>clamped</th>
            </tr>
          </thead>
          <tbody>
            {plan.layers.map((l) => (
              <tr key={l.id} data-testid={`plan-layer-${l.id}`}>
                <td>
                  <NodeName id={l.id} labels={labels} />
                </td>
                <td>{l.shape}</td>
                <td>{l.units.toLocaleString()}</td>
                <td>{l.activation}</td>
                <td>{l.clamped}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="plan__text-col">
        {labels.size > 0 && (
          // The plan text is the compiler's (as `attractor compile` prints it, by id): the labelled nodes' ids, named.
          <p className="plan__labels muted small" data-testid="plan-labels">
            {[...labels].map(([id, label], i) => (
              <span key={id}>
                {i > 0 && ' · '}
                <code>{id}</code> = {label}
              </span>
            ))}
          </p>
        )}
        <PlanText text={plan.text} />
      </div>
    </div>
  );
}
