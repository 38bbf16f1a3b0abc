/**
 * User actions for the end-to-end tests, written the way a person works the
 * app (palette, menus, dragging wires, typing in the inspector), so the tests
 * read as steps. Reading state a person sees only indirectly (how many nodes
 * the document has) goes through the `?e2e` handle on window.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { GraphDoc } from '../../nodes/graph.js';

export interface DocSnapshot {
  readonly graph: GraphDoc;
  readonly dirty: boolean;
  readonly name: string;
  readonly path: string | null;
}

/** Polls until `check` passes (or throws its last failure after `timeout` ms). */
export async function eventually<T>(check: () => Promise<T>, timeout = 10_000): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export class UI {
  constructor(readonly page: Page) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.byTestId('app').waitFor();
    await this.settled();
  }

  /** The document as the app holds it (canvas read fresh). */
  doc(): Promise<DocSnapshot> {
    return this.page.evaluate(() => {
      const studio = (window as unknown as { studio: { graph(): unknown; doc: { get(): { dirty: boolean; name: string; path: string | null } } } }).studio;
      const { dirty, name, path } = studio.doc.get();
      return { graph: studio.graph(), dirty, name, path } as never;
    });
  }

  async nodeIds(): Promise<string[]> {
    return (await this.doc()).graph.nodes.map((n) => n.id).sort();
  }

  /** The engine has answered for the latest change (no check debouncing or in flight). */
  async settled(): Promise<void> {
    await this.page.waitForFunction(() => {
      const studio = (window as unknown as { studio?: { editor: unknown; ui: { get(): { check: { pending: boolean } } } } }).studio;
      return !!studio?.editor && !studio.ui.get().check.pending;
    });
    // One more tick: a change made just now schedules its check after this frame.
    await this.page.waitForTimeout(250);
    await this.page.waitForFunction(() => !(window as unknown as { studio: { ui: { get(): { check: { pending: boolean } } } } }).studio.ui.get().check.pending);
  }

  /** Click a palette entry: the node appears at the canvas centre, selected. Returns its id. */
  async addFromPalette(kind: string): Promise<string> {
    const before = new Set(await this.nodeIds());
    await this.byTestId(`palette-${kind}`).click();
    return this.newNode(before);
  }

  /** Drag a palette entry onto the canvas at (x, y) inside it. */
  async dropFromPalette(kind: string, x: number, y: number): Promise<string> {
    const before = new Set(await this.nodeIds());
    await this.byTestId(`palette-${kind}`).dragTo(this.byTestId('canvas'), { targetPosition: { x, y } });
    return this.newNode(before);
  }

  private async newNode(before: ReadonlySet<string>): Promise<string> {
    return eventually(async () => {
      const added = (await this.nodeIds()).filter((id) => !before.has(id));
      expect(added).toHaveLength(1);
      await this.byTestId(`node-${added[0]}`).waitFor();
      return added[0];
    });
  }

  /** Press on one socket, move, release on the other: a wire, as a person draws it. */
  async connect(from: string, fromPort: string, to: string, toPort: string): Promise<void> {
    const a = await this.centre(this.byTestId(`socket-${from}-out-${fromPort}`));
    const b = await this.centre(this.byTestId(`socket-${to}-in-${toPort}`));
    await this.page.mouse.move(a.x, a.y);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
    await this.page.mouse.move(b.x, b.y, { steps: 6 });
    await this.page.mouse.up();
  }

  async edges(): Promise<string[]> {
    return (await this.doc()).graph.edges.map((e) => `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`).sort();
  }

  private async centre(locator: Locator): Promise<{ x: number; y: number }> {
    await locator.scrollIntoViewIfNeeded();
    const box = await locator.boundingBox();
    if (!box) throw new Error('element is not visible');
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** Select a node by clicking its header. */
  async select(id: string): Promise<void> {
    await this.byTestId(`node-${id}`).locator('.ase-node__header').click();
    await expect.poll(() => this.byTestId('inspector-node-id').textContent()).toBe(id);
  }

  /** Type a value into an inspector field and commit it (Enter), as one edit. */
  async setParam(path: string, value: string): Promise<void> {
    const field = this.byTestId(`param-${path}`);
    await field.fill(value);
    await field.press('Enter');
    await this.settled();
  }

  async pickParam(path: string, value: string): Promise<void> {
    await this.byTestId(`param-${path}`).selectOption(value);
    await this.settled();
  }

  /** The Problems panel's rows, as text. */
  async problems(severity?: 'error' | 'warning'): Promise<string[]> {
    await this.byTestId('tab-problems').click();
    const rows = severity ? this.page.locator(`[data-testid="problem"][data-severity="${severity}"]`) : this.byTestId('problem');
    return rows.allInnerTexts();
  }

  /** A menu command from the in-app menu bar (web mode). */
  async menu(menu: 'file' | 'edit' | 'view' | 'help', command: string): Promise<void> {
    await this.byTestId(`menu-${menu}`).click();
    await this.byTestId(`menu-item-${command}`).click();
  }

  /** A shortcut with the platform's modifier (Ctrl on the Linux test machine). */
  async shortcut(keys: string): Promise<void> {
    await this.page.keyboard.press(keys.replace('Mod', 'Control'));
  }
}
