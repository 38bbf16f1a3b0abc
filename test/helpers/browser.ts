/**
 * End-to-end harness: the real web-mode host (app/web) in this process, serving the
 * built renderer (out/renderer) and the real services over a temporary workspace and
 * data folder, driven by Debian's Chromium through playwright-core.
 *
 * Chromium is launched once per test file (`launchChromium`); every test opens a studio
 * of its own (`openStudio`): a new host with an empty workspace, data folder and engine,
 * and a new browser context (empty localStorage), so no test sees files, checkpoints,
 * autosaves or settings another test left behind. test/e2e/fixtures.ts wires both into
 * Vitest fixtures.
 *
 * The renderer and the engine bundle are built by test/global-setup.ts before the
 * browser tier runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { startHost, type Host } from '../../app/web/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The built renderer; ATTRACTOR_RENDERER_DIR tests another build of it. */
export const RENDERER_DIR = process.env.ATTRACTOR_RENDERER_DIR ?? join(ROOT, 'out/renderer');
export const EXAMPLES_DIR = join(ROOT, 'examples');
export const SCREENSHOTS = join(ROOT, 'test-artifacts/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface StudioSession {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly host: Host;
  /** The folder Open and Save As browse (web mode). */
  readonly workspace: string;
  /** Recent files and autosaves. */
  readonly dataDir: string;
  /** The page URL with the test query (`?e2e&autosaveMs=…`). */
  readonly url: string;
  /** Console errors and uncaught page errors so far, as text. */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface StudioOptions {
  /** Autosave interval for the page (the app's `?autosaveMs=`); the app's default is 30 s. */
  readonly autosaveMs?: number;
  readonly viewport?: { width: number; height: number };
}

export function assertRendererBuilt(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(
      `The renderer is not built: ${join(RENDERER_DIR, 'index.html')} is missing. ` +
        'Run the browser tests through Vitest (its global setup builds it), or `npm run build:app`.',
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
}

function describe(msg: ConsoleMessage): string {
  const at = msg.location();
  return `console.${msg.type()}: ${msg.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ''}`;
}

export async function launchChromium(): Promise<Browser> {
  assertRendererBuilt();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A host over a fresh workspace and data folder, and a fresh context and page in `browser`. */
export async function openStudio(browser: Browser, options: StudioOptions = {}): Promise<StudioSession> {
  const temp = await mkdtemp(join(tmpdir(), 'attractor-e2e-'));
  const workspace = join(temp, 'workspace');
  const dataDir = join(temp, 'data');
  await mkdir(workspace);
  await mkdir(dataDir);
  await mkdir(SCREENSHOTS, { recursive: true });

  const host = await startHost({ port: 0, host: '127.0.0.1', workspace, dataDir, rendererDir: RENDERER_DIR, examplesDir: EXAMPLES_DIR, version: 'e2e' });
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close().catch(() => {});
    await host.close();
    await rm(temp, { recursive: true, force: true });
  };
  try {
    context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(describe(msg));
    });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    // Leaving with unsaved changes asks "leave site?": the tests' reloads mean it.
    page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()));

    const query = new URLSearchParams({ e2e: '1' });
    if (options.autosaveMs) query.set('autosaveMs', String(options.autosaveMs));
    return { context, page, host, workspace, dataDir, url: `${host.url}?${query}`, errors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Errors not on the list of expected ones (regexes): what a test asserts is empty. */
export function unexpectedErrors(errors: readonly string[], expected: readonly RegExp[] = []): string[] {
  return errors.filter((e) => !expected.some((re) => re.test(e)));
}
