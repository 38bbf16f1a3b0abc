/**
 * End-to-end harness: the real web-mode host (app/web) in this process,
 * serving the built renderer (out/renderer) and the real services over a
 * temporary workspace and data folder, driven by Debian's Chromium through
 * playwright-core. One `startStudio()` per test file: a browser, a host, a page.
 *
 * The renderer must be built first (`npx electron-vite build`; `npm test` does
 * it through `npm run build`).
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
  readonly browser: Browser;
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
        'Run `npx electron-vite build` (or `npm run build`) before the end-to-end tests.',
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

export async function startStudio(options: StudioOptions = {}): Promise<StudioSession> {
  assertRendererBuilt();
  const temp = await mkdtemp(join(tmpdir(), 'attractor-e2e-'));
  const workspace = join(temp, 'workspace');
  const dataDir = join(temp, 'data');
  await mkdir(workspace);
  await mkdir(dataDir);
  await mkdir(SCREENSHOTS, { recursive: true });

  const host = await startHost({ port: 0, host: '127.0.0.1', workspace, dataDir, rendererDir: RENDERER_DIR, examplesDir: EXAMPLES_DIR, version: 'e2e' });
  let browser: Browser | undefined;
  try {
    // launch() gives every run a fresh temporary profile: no state leaks between runs.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 }, acceptDownloads: true });
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
    const url = `${host.url}?${query}`;
    const opened = browser;
    return {
      browser: opened,
      context,
      page,
      host,
      workspace,
      dataDir,
      url,
      errors,
      async close() {
        await opened.close().catch(() => {});
        await host.close();
        await rm(temp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await host.close();
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

/** Errors not on the list of expected ones (regexes): what a test asserts is empty. */
export function unexpectedErrors(errors: readonly string[], expected: readonly RegExp[] = []): string[] {
  return errors.filter((e) => !expected.some((re) => re.test(e)));
}
