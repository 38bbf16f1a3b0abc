/**
 * Shapes on wires, as Netron draws them: every wire leaving a layer is labelled with the
 * shape of the state it carries (`784`, `1×28×28`, `16 tokens × 49`), from the compiler's
 * last check, so a mismatch can be seen where it is wired. The labels can be hidden (View ›
 * Shapes on wires); the choice is remembered in this browser's storage.
 */
import type { PlanSummary } from '../../../../engine/protocol/check.js';

const STORAGE_KEY = 'attractor.view.wireShapes';
const HIDDEN_CLASS = 'hide-wire-shapes';

/** `vector[784]` → `784`, `grid[1×28×28]` → `1×28×28`, `tokens[16×49]` → `16 tokens × 49`. */
export function wireShapeText(shape: string): string {
  const m = /^(\w+)\[([^\]]+)\]$/.exec(shape);
  if (!m) return shape;
  const [, type, dims] = m;
  if (type === 'tokens') {
    const [tokens, dim] = dims.split('×');
    return `${tokens} tokens × ${dim}`;
  }
  return dims;
}

/** Layer id → the label of the wires leaving it; empty when the graph does not compile (no shapes are known). */
export function wireShapes(plan: PlanSummary | undefined): ReadonlyMap<string, string> {
  return new Map((plan?.layers ?? []).map((l) => [l.id, wireShapeText(l.shape)]));
}

export function wireShapesShown(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'hidden';
  } catch {
    return true;
  }
}

/** Applies the remembered choice to the page (a class the stylesheet hides the labels by). */
export function applyWireShapesChoice(): void {
  document.documentElement.classList.toggle(HIDDEN_CLASS, !wireShapesShown());
}

export function toggleWireShapes(): void {
  try {
    localStorage.setItem(STORAGE_KEY, wireShapesShown() ? 'hidden' : 'shown');
  } catch {
    // Storage refused (private mode): the choice lasts this page.
  }
  applyWireShapesChoice();
}

/** The point halfway along a wire's path (a cubic Bézier `M x0 y0 C x1 y1 x2 y2 x3 y3`, else its end points' middle). */
export function wireMidpoint(path: string): { x: number; y: number } | undefined {
  const n = path.match(/-?\d+(\.\d+)?(e-?\d+)?/g)?.map(Number) ?? [];
  if (n.length === 8) return { x: (n[0] + 3 * n[2] + 3 * n[4] + n[6]) / 8, y: (n[1] + 3 * n[3] + 3 * n[5] + n[7]) / 8 };
  if (n.length >= 4) return { x: (n[0] + n[n.length - 2]) / 2, y: (n[1] + n[n.length - 1]) / 2 };
  return undefined;
}
