/** Ports as the inspector lists them: name, direction, socket type and the layer shapes an input takes. */
import type { PortSpec } from '../../../../../nodes/sockets.js';

export function PortList({ inputs, outputs }: { inputs: readonly PortSpec[]; outputs: readonly PortSpec[] }) {
  const all = [...inputs.map((p) => ({ ...p, dir: 'in' })), ...outputs.map((p) => ({ ...p, dir: 'out' }))];
  if (all.length === 0) return <p className="muted">No ports.</p>;
  return (
    <ul className="ports">
      {all.map((p) => (
        <li key={`${p.dir}-${p.name}`} title={p.doc}>
          <span className={`port-dot port-dot--${p.socket}`} />
          <span className="ports__name">{p.label}</span>
          <span className="muted">
            {p.dir === 'in' ? 'input' : 'output'} · {p.socket}
            {p.shapes ? ` (${p.shapes.join(', ')})` : ''} · {p.doc}
          </span>
        </li>
      ))}
    </ul>
  );
}
