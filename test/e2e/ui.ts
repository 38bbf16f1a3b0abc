/**
 * User actions for the end-to-end tests, written the way a person works the
 * app (palette, menus, dragging wires, typing in the inspector), so the tests
 * read as steps. Reading state a person sees only indirectly (how many nodes
 * the document has) goes through the `?e2e` handle on window.
 *
 * Nothing here sleeps for a fixed time: every wait is for a condition.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { GraphDoc } from '../../nodes/graph.js';
import { EXAMPLES_DIR, SCREENSHOTS } from '../helpers/browser.js';

export interface DocSnapshot {
  readonly graph: GraphDoc;
  readonly dirty: boolean;
  readonly name: string;
  readonly path: string | null;
}

/** How a run ended, as the run panel's status badge says. */
export type RunEnd = 'done' | 'failed' | 'cancelled';

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

  /** An attribute of the element with this test id ('' when absent). */
  async attr(testId: string, name: string): Promise<string> {
    return (await this.byTestId(testId).getAttribute(name)) ?? '';
  }

  async num(testId: string, name: string): Promise<number> {
    return Number(await this.attr(testId, name));
  }

  /** A screenshot into test-artifacts/screenshots/. */
  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
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

  /**
   * The problems and plan on screen are the engine's verdict on the graph as it is now.
   * Checks are debounced and may still be on their way, so instead of guessing how long
   * that takes, ask for a verdict on the current graph and wait until the shown one
   * equals it with no check pending.
   */
  async settled(): Promise<void> {
    await expect
      .poll(
        () =>
          this.page.evaluate(async () => {
            type Check = { problems: unknown; plan?: unknown; pending?: boolean };
            const studio = (window as unknown as { studio?: { editor: unknown; graph(): unknown; ui: { get(): { check: Check } }; api: { call(c: string, p: unknown): Promise<Check> } } }).studio;
            if (!studio?.editor || studio.ui.get().check.pending) return false;
            const fresh = await studio.api.call('graph.check', { graph: studio.graph() });
            const shown = studio.ui.get().check;
            return !shown.pending && JSON.stringify([shown.problems, shown.plan]) === JSON.stringify([fresh.problems, fresh.plan]);
          }),
        { timeout: 15_000, interval: 50 },
      )
      .toBe(true);
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

  // ---- files ---------------------------------------------------------------

  /** An example from the gallery (with no unsaved work: the app would ask first). */
  async openExample(id: string): Promise<void> {
    await this.byTestId('tool-examples').click();
    await this.byTestId(`example-${id}`).click();
    await this.byTestId('examples-dialog').waitFor({ state: 'detached' });
    await this.showsExample(id);
  }

  /** Waits until the canvas holds example `id` (its nodes, from the file), checked. */
  async showsExample(id: string): Promise<void> {
    const file = JSON.parse(readFileSync(join(EXAMPLES_DIR, `${id}.attractor.json`), 'utf8')) as GraphDoc;
    await eventually(async () => expect(await this.nodeIds()).toEqual(file.nodes.map((n) => n.id).sort()));
    await this.settled();
  }

  /** File › Open, and `name`.attractor.json from the workspace's list. */
  async openFromWorkspace(name: string): Promise<void> {
    await this.shortcut('Mod+O');
    await this.byTestId('open-dialog').waitFor();
    await this.page.locator('[data-testid="open-file"]', { hasText: name }).click();
    await this.byTestId('open-dialog').waitFor({ state: 'detached' });
    await expect.poll(async () => (await this.doc()).path ?? '').toMatch(new RegExp(`/${name}\\.attractor\\.json$`));
    await this.settled();
  }

  /** File › Save As into the workspace as `name`.attractor.json. */
  async saveAs(name: string): Promise<void> {
    await this.menu('file', 'saveAs');
    await this.byTestId('saveas-name').fill(name);
    await this.byTestId('saveas-save').click();
    await this.byTestId('saveas-dialog').waitFor({ state: 'detached' });
    await expect.poll(async () => (await this.doc()).path ?? '').toMatch(new RegExp(`/${name}\\.attractor\\.json$`));
  }

  // ---- the canvas ------------------------------------------------------------

  /** Zoom to fit, and wait until every node lies inside the canvas. */
  async zoomToFit(): Promise<void> {
    await this.byTestId('tool-zoomToFit').click();
    await expect
      .poll(() =>
        this.page.evaluate(() => {
          const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
          const nodes = [...document.querySelectorAll('[data-testid^="node-"]')].map((n) => n.getBoundingClientRect());
          return nodes.length > 0 && nodes.every((n) => n.left >= canvas.left && n.right <= canvas.right && n.top >= canvas.top && n.bottom <= canvas.bottom);
        }),
      )
      .toBe(true);
  }

  // ---- runs ------------------------------------------------------------------

  /** Opens the run panel if it is closed. */
  async openRunDock(): Promise<void> {
    if (await this.byTestId('run-open').isVisible()) await this.byTestId('run-open').click();
    await this.byTestId('run-dock').waitFor();
  }

  /** The id of the run the panel shows ('' before the first). */
  private shownRun(): Promise<string> {
    return this.page.evaluate(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-run') ?? '');
  }

  /**
   * Clicks a button that starts a run (run-settle, run-train, run-resume-checkpoint) and
   * returns the new run's id once the panel shows it. The status badge keeps showing the
   * previous run until then: waiting on the status alone could see that run's "done".
   */
  async startRun(button: string): Promise<string> {
    const previous = await this.shownRun();
    await this.byTestId(button).click();
    let id = '';
    await expect.poll(async () => (id = await this.shownRun()), { timeout: 15_000 }).not.toBe(previous);
    return id;
  }

  /** Waits for run `id` to end (generously: settles and trainings on a shared 2-core machine). */
  async runEnded(id: string, timeout = 90_000): Promise<RunEnd> {
    const badge = this.page.locator(`[data-testid="run-status"][data-run="${id}"]`);
    await expect.poll(async () => badge.getAttribute('data-status'), { timeout, interval: 200 }).toMatch(/^(done|failed|cancelled)$/);
    return (await badge.getAttribute('data-status')) as RunEnd;
  }

  /** Starts a run with `button` and waits for it to end. */
  async run(button: string, timeout?: number): Promise<RunEnd> {
    return this.runEnded(await this.startRun(button), timeout);
  }
}
