/**
 * Edit state before settling (Simbrain): with "edit start" on, a click on a unit of any
 * layer image flips it in the start state of the last settle (its first frame); the next
 * Settle starts from the edited layers (settle.start `start`; a held unit stays as set).
 * Edits belong to one graph and are dropped when another opens.
 */
import { useEffect, useState } from 'react';
import type { SettleRun } from '../run-state.js';
import type { PickedUnit } from './UnitPlot.js';

/** A unit flipped within its activation's range: ±1 for tanh and sign (0 becomes 1), 1 − v for sigmoid and softmax. */
export function flipValue(v: number, activation: string): number {
  if (activation === 'sigmoid' || activation === 'softmax') return 1 - v;
  return v === 0 ? 1 : -v;
}

export function useStartEdits(run: SettleRun | null, graphKey: string) {
  const [edits, setEdits] = useState<ReadonlyMap<string, Float32Array>>(new Map());
  const [on, setOn] = useState(false);
  useEffect(() => {
    setEdits(new Map());
    setOn(false);
  }, [graphKey]);

  const flip = (p: PickedUnit) => {
    const layer = run?.frames[0]?.layers.find((l) => l.layerId === p.layerId);
    if (!run || !layer) return;
    const units = layer.data.length / layer.examples;
    const next = Float32Array.from(edits.get(p.layerId) ?? layer.data.subarray(0, units));
    next[p.unit] = flipValue(next[p.unit], run.plan?.layers.find((l) => l.id === p.layerId)?.activation ?? 'tanh');
    setEdits(new Map(edits).set(p.layerId, next));
  };
  const changed = [...edits.keys()];
  // Number lists, as a drawn input goes: they cross the host's JSON request check as they are.
  const command = edits.size > 0 ? { start: [...edits].map(([layer, data]) => ({ layer, data: Array.from(data) })) } : {};
  const toggle = (
    <label className="run-check" title="Click units of any layer image to flip them in the start state; the next Settle starts from it">
      <input type="checkbox" checked={on} disabled={!run?.frames.length} data-testid="settle-edit" onChange={(e) => setOn(e.target.checked)} /> edit start
      {changed.length > 0 && (
        <span className="muted small" data-testid="settle-edits" data-layers={changed.join(',')}>
          {' '}
          ({changed.join(', ')}){' '}
          <button className="run-mini" data-testid="settle-edits-clear" onClick={() => setEdits(new Map())}>
            clear
          </button>
        </span>
      )}
    </label>
  );
  return { on, flip, command, toggle };
}
