/**
 * Search-to-add on a dropped wire (as ComfyUI does it): a wire dragged from a socket and
 * dropped on the empty canvas opens a search box there, listing the node kinds that have
 * a socket it can plug into; the one picked is created at the drop point and wired. Escape,
 * or a click elsewhere, leaves nothing behind. Plain DOM over the canvas, keyboard first.
 */
import { defaultParams, KINDS, type KindId } from '../../../../nodes/catalog.js';
import { canConnect, type PortEnd, type PortSpec } from '../../../../nodes/sockets.js';
import { outputEnd } from './sockets.js';

export interface WireChoice {
  readonly kind: KindId;
  readonly title: string;
  /** The new node's port the wire goes to (or comes from). */
  readonly port: string;
  readonly portLabel: string;
}

/** Kinds with an input the output `from` can feed; each with its first such port. */
export function choicesForOutput(from: PortEnd): WireChoice[] {
  return KINDS.flatMap((k) => {
    const port = (k.inputs as readonly PortSpec[]).find((p) => canConnect(from, p).ok);
    return port ? [{ kind: k.id as KindId, title: k.title, port: port.name, portLabel: port.label }] : [];
  });
}

/** Kinds with an output that can feed the input `to`; each with its first such port. */
export function choicesForInput(to: PortSpec): WireChoice[] {
  return KINDS.flatMap((k) => {
    const kind = k.id as KindId;
    const port = (k.outputs as readonly PortSpec[]).find((o) => {
      const end = outputEnd({ kind, params: defaultParams(kind) }, o.name);
      return end !== undefined && canConnect(end, to).ok;
    });
    return port ? [{ kind, title: k.title, port: port.name, portLabel: port.label }] : [];
  });
}

/**
 * Opens the search box at `client` (viewport coordinates) inside `root`. `pick` gets the
 * chosen kind; the box closes itself on a pick, Escape or a press outside it.
 */
export function openWireSearch(root: HTMLElement, client: { x: number; y: number }, choices: readonly WireChoice[], pick: (choice: WireChoice) => void): () => void {
  const box = root.getBoundingClientRect();
  const panel = document.createElement('div');
  panel.className = 'ase-wire-search';
  panel.dataset.testid = 'wire-search';
  panel.style.left = `${Math.min(client.x - box.left, box.width - 240)}px`;
  panel.style.top = `${Math.min(client.y - box.top, box.height - 260)}px`;
  const input = document.createElement('input');
  input.placeholder = 'Add a node to wire…';
  input.dataset.testid = 'wire-search-input';
  input.setAttribute('aria-label', 'Search node kinds to add and wire');
  const list = document.createElement('ul');
  list.setAttribute('role', 'listbox');
  panel.append(input, list);
  root.append(panel);

  let shown: WireChoice[] = [...choices];
  let active = 0;
  const render = () => {
    list.replaceChildren(
      ...shown.map((c, i) => {
        const li = document.createElement('li');
        li.setAttribute('role', 'option');
        li.dataset.testid = 'wire-search-item';
        li.dataset.kind = c.kind;
        li.className = i === active ? 'is-active' : '';
        li.setAttribute('aria-selected', String(i === active));
        li.textContent = `${c.title} · ${c.portLabel}`;
        li.addEventListener('pointerdown', (e) => {
          e.preventDefault();
          done(c);
        });
        return li;
      }),
    );
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    document.removeEventListener('pointerdown', outside, true);
    panel.remove();
  };
  const done = (c: WireChoice | undefined) => {
    close();
    if (c) pick(c);
  };
  const outside = (e: PointerEvent) => {
    if (!panel.contains(e.target as Node)) close();
  };
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase();
    shown = choices.filter((c) => `${c.title} ${c.kind}`.toLowerCase().includes(q));
    active = 0;
    render();
  });
  input.addEventListener('keydown', (e) => {
    // The editor's own shortcuts (Delete, ⌘A …) must not act on the canvas meanwhile.
    e.stopPropagation();
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown.length > 0) active = (active + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      done(shown[active]);
    }
  });
  render();
  // Armed after the drop's own pointer events are over.
  setTimeout(() => document.addEventListener('pointerdown', outside, true), 0);
  input.focus();
  return close;
}
