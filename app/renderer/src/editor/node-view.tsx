/**
 * How nodes, sockets and wires look. Rendered by rete-react-plugin's classic preset with
 * these components swapped in; sockets go through RefSocket so the connection plugin can
 * find them under the pointer.
 */
import type { CSSProperties, PointerEvent as ReactPointerEvent } from 'react';
import { wireMidpoint } from './wire-shapes.js';
import { Presets, type RenderEmit } from 'rete-react-plugin';
import type { KindId } from '../../../../nodes/catalog.js';
import { BLOCK_KIND } from '../../../../nodes/blocks.js';
import type { PortSpec } from '../../../../nodes/sockets.js';
import type { Problem } from '../../../../nodes/problems.js';
import { CATEGORY_COLOURS, summaryText } from './layout.js';
import { SOCKETS, type EditorConnection, type EditorNode, type Schemes, type TypedSocket } from './schemes.js';

/** Dispatched (bubbling) by a wire the user clicks; the canvas turns it into a selection. */
export const WIRE_PICK_EVENT = 'ase-wire-pick';
export interface WirePickDetail {
  id: string;
  accumulate: boolean;
}

/** Dispatched (bubbling) by a double-click on a block instance: the canvas opens the block. */
export const BLOCK_OPEN_EVENT = 'ase-block-open';

/**
 * A double-click, told from two presses: the browser's own dblclick never comes, because
 * the area moves a picked node's element to the front between press and release, and a
 * click needs both on one element.
 */
const DOUBLE_PRESS_MS = 400;
let lastPress: { id: string; at: number } | undefined;

const cls = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ');

function problemText(p: Problem): string {
  return p.port ? `${p.port}: ${p.message}` : p.message;
}

function Badge({ id, problems }: { id: string; problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const severity = errors > 0 ? 'error' : 'warning';
  return (
    <span
      className={`ase-badge ase-badge--${severity}`}
      data-testid={`badge-${id}`}
      data-severity={severity}
      title={problems.map(problemText).join('\n')}
    >
      {severity === 'error' ? '!' : '⚠'}
      {problems.length > 1 ? ` ${problems.length}` : ''}
    </span>
  );
}

interface PortProps {
  node: EditorNode;
  port: PortSpec | undefined;
  side: 'input' | 'output';
  emit: RenderEmit<Schemes>;
}

function Port({ node, port, side, emit }: PortProps) {
  if (!port) return <div className={`ase-port ase-port--${side} ase-port--empty`} />;
  const problems = node.problems.filter((p) => p.port === port.name);
  const short = side === 'input' ? 'in' : 'out';
  return (
    <div
      className={cls('ase-port', `ase-port--${side}`, problems.length > 0 && 'has-problem')}
      data-port={port.name}
      title={[port.doc, ...problems.map((p) => p.message)].join('\n')}
    >
      <Presets.classic.RefSocket
        name="ase-socket-slot"
        side={side}
        socketKey={port.name}
        nodeId={node.id}
        emit={emit}
        payload={SOCKETS[port.socket]}
        data-testid={`socket-${node.id}-${short}-${port.name}`}
        data-socket={port.socket}
      />
      <span className="ase-port__label">{port.label}</span>
    </div>
  );
}

export function NodeView({ data, emit }: { data: EditorNode; emit: RenderEmit<Schemes> }) {
  const spec = data.face;
  const rows = Math.max(spec.inputs.length, spec.outputs.length);
  const summary = data.summarize ? data.summarize() : summaryText(data.kind as KindId, data.params);
  const errors = data.problems.some((p) => p.severity === 'error');
  const style = { width: data.width, height: data.height, '--ase-cat': CATEGORY_COLOURS[spec.category] } as CSSProperties;
  const isBlock = data.kind === BLOCK_KIND;
  const press = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const now = e.timeStamp;
    const again = lastPress?.id === data.id && now - lastPress.at < DOUBLE_PRESS_MS;
    lastPress = again ? undefined : { id: data.id, at: now };
    if (again) e.currentTarget.dispatchEvent(new CustomEvent(BLOCK_OPEN_EVENT, { bubbles: true, detail: data.id }));
  };
  return (
    <div
      className={cls('ase-node', isBlock && 'ase-node--block', data.selected && 'is-selected', errors ? 'has-errors' : data.problems.length > 0 && 'has-warnings')}
      data-testid={`node-${data.id}`}
      data-kind={data.kind}
      data-block={data.block}
      data-category={spec.category}
      data-selected={data.selected ? 'true' : 'false'}
      style={style}
      onPointerDown={isBlock ? press : undefined}
    >
      <div className="ase-node__header" title={spec.doc}>
        <span className="ase-node__title">{spec.title}</span>
        {isBlock && (
          <span className="ase-node__block-mark" title="a block: double-click to open it">
            ▣
          </span>
        )}
        <Badge id={data.id} problems={data.problems} />
      </div>
      <div className="ase-node__label" title={data.caption ? `${data.caption} (${data.id})` : data.id}>
        <span className="ase-node__caption">{data.caption ?? data.id}</span>
        {data.caption !== undefined && <span className="ase-node__id">{data.id}</span>}
      </div>
      <div className="ase-node__summary" title={summary}>
        {summary}
      </div>
      <div className="ase-node__ports">
        {Array.from({ length: rows }, (_, i) => (
          <div className="ase-port-row" key={i}>
            <Port node={data} port={spec.inputs[i]} side="input" emit={emit} />
            <Port node={data} port={spec.outputs[i]} side="output" emit={emit} />
          </div>
        ))}
      </div>
    </div>
  );
}

export function SocketView({ data }: { data: TypedSocket }) {
  return <div className={`ase-socket ase-socket--${data.type}`} />;
}

function WireShape({ path, shape }: { path: string; shape: string }) {
  const mid = wireMidpoint(path);
  if (!mid) return null;
  return (
    <text className="ase-wire-shape" x={mid.x} y={mid.y - 5} textAnchor="middle" data-testid="wire-shape">
      {shape}
    </text>
  );
}

export function ConnectionView({ data }: { data: EditorConnection }) {
  const { path } = Presets.classic.useConnection();
  if (!path) return null;
  if (data.isPseudo) {
    return (
      <svg className="ase-wire-svg" data-testid="connection-pseudo">
        <path className="ase-wire ase-wire--pseudo" d={path} />
      </svg>
    );
  }
  const pick = (e: ReactPointerEvent<SVGPathElement>) => {
    if (e.button !== 0) return;
    // Keep the area from panning (and from clearing the selection on release).
    e.stopPropagation();
    const detail: WirePickDetail = { id: data.id, accumulate: e.ctrlKey || e.metaKey || e.shiftKey };
    e.currentTarget.dispatchEvent(new CustomEvent(WIRE_PICK_EVENT, { bubbles: true, detail }));
  };
  return (
    <svg
      className="ase-wire-svg"
      data-testid="connection"
      data-from={`${data.source}.${data.sourceOutput}`}
      data-to={`${data.target}.${data.targetInput}`}
    >
      <path className="ase-wire-hit" d={path} onPointerDown={pick} />
      <path className={cls('ase-wire', `ase-wire--${data.socket}`, data.selected && 'is-selected')} d={path} />
      {data.shape && <WireShape path={path} shape={data.shape} />}
    </svg>
  );
}
