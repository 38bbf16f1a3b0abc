/**
 * Mounting the real graph editor (Rete + React) in jsdom, with the few layout facts jsdom
 * does not compute, and user gestures expressed as the pointer events Rete listens to.
 */
import { waitFor } from '@testing-library/react';
import { vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGraphEditor, type GraphEditor } from '../../../app/renderer/src/editor/index.js';
import { validateGraph } from '../../../nodes/validate.js';
import type { GraphDoc } from '../../../nodes/graph.js';

let pointed: Element[] = [];

/**
 * jsdom lays nothing out: sockets get an offset parent (so wires get a path), the canvas a
 * size (so zoom-to-fit has something to fit into), and hit-testing answers what a test points at.
 */
export function installShims(): void {
  Object.defineProperty(HTMLElement.prototype, 'offsetParent', {
    configurable: true,
    get(this: HTMLElement) {
      return this.parentElement;
    },
  });
  for (const [prop, size] of [
    ['clientWidth', 1000],
    ['clientHeight', 700],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('ase-surface') ? size : 0;
      },
    });
  }
  document.elementsFromPoint = () => pointed;
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: vi.fn(async () => undefined), readText: vi.fn(async () => '') },
  });
}

export function example(name: string): GraphDoc {
  const raw: unknown = JSON.parse(readFileSync(resolve(import.meta.dirname, `../../../examples/${name}.attractor.json`), 'utf8'));
  const result = validateGraph(raw);
  if (!result.ok) throw new Error(`example ${name} does not validate`);
  return result.graph;
}

export interface Mounted {
  editor: GraphEditor;
  container: HTMLElement;
  changes: string[];
  refused: string[];
  selections: string[][];
  unmount(): void;
}

export async function mount(graph?: GraphDoc): Promise<Mounted> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const changes: string[] = [];
  const refused: string[] = [];
  const selections: string[][] = [];
  const editor = await createGraphEditor(container, { onRefusedConnection: (r) => refused.push(r) });
  editor.onChange((r) => changes.push(r));
  editor.onSelectionChange((ids) => selections.push(ids));
  if (graph) {
    await editor.load(graph);
    await waitFor(() => {
      if (container.querySelectorAll('[data-testid^="node-"]').length !== graph.nodes.length) throw new Error('not rendered yet');
    });
  }
  return {
    editor,
    container,
    changes,
    refused,
    selections,
    unmount() {
      editor.destroy();
      container.remove();
    },
  };
}

export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

export function byTestId(container: HTMLElement, id: string): HTMLElement {
  const el = container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no element with data-testid="${id}"`);
  return el;
}

const pointer = (type: string, x = 0, y = 0, init: PointerEventInit = {}) =>
  new PointerEvent(type, { bubbles: true, cancelable: true, button: 0, pointerId: 1, pointerType: 'mouse', clientX: x, clientY: y, ...init });

/** Press on one socket, release over another (as the connection plugin sees it), and let the wire land. */
export async function drawWire(container: HTMLElement, fromSocket: string, toSocket: string | Element): Promise<void> {
  const from = byTestId(container, fromSocket);
  const to = typeof toSocket === 'string' ? byTestId(container, toSocket) : toSocket;
  pointed = [from];
  from.dispatchEvent(pointer('pointerdown'));
  await tick();
  pointed = [to];
  window.dispatchEvent(pointer('pointerup'));
  await tick(10);
  pointed = [];
}

/** Press on a node's header, move by (dx, dy) in a few steps, release. */
export async function dragNode(container: HTMLElement, id: string, dx: number, dy: number, init: PointerEventInit = {}): Promise<void> {
  const header = byTestId(container, `node-${id}`).querySelector('.ase-node__header')!;
  header.dispatchEvent(pointer('pointerdown', 100, 100, init));
  await tick();
  for (let i = 1; i <= 4; i++) {
    window.dispatchEvent(pointer('pointermove', 100 + (dx * i) / 4, 100 + (dy * i) / 4, init));
    await tick();
  }
  window.dispatchEvent(pointer('pointerup', 100 + dx, 100 + dy, init));
  await tick(10);
}

export function positionOf(editor: GraphEditor, id: string): { x: number; y: number } | undefined {
  return editor.toGraph().nodes.find((n) => n.id === id)?.position;
}

/** Press and release on an element (a pick, as Rete's drag handlers see it). */
export async function press(el: Element, init: PointerEventInit = {}): Promise<void> {
  el.dispatchEvent(pointer('pointerdown', 10, 10, init));
  await tick();
  window.dispatchEvent(pointer('pointerup', 10, 10, init));
  await tick(10);
}
