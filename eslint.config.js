// ESLint flat config.
//
// Besides typescript-eslint's recommended rules (syntax only, no type
// information, so `eslint .` stays fast), this file enforces the import
// directions of DESIGN.md §6 / STYLE.md: one `no-restricted-imports` block per
// folder, where the folder names the runtime its code runs in (the idea of VS
// Code's `code-layering` rule). Every restriction carries a message that says
// why, so a failing lint explains the architecture instead of just refusing.
//
// Relative imports are matched on the import string as written; a pattern like
// `(../)+…/engine/` catches `../engine/x.js` and `../../engine/x.js` from any
// depth. Dynamic `import()` is not checked by this rule.
//
// Flat config does not merge one rule's options across blocks (the last block
// that matches a file wins), so the folder globs below must not overlap.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---- what may be imported, as regexes on the import string -------------

/** A relative import that climbs out of the current folder into `dir`. */
const up = (dir) => `^(?:\\./)?(?:\\.\\./)+(?:[^/]+/)*?(?:${dir})(?:/|$)`;

const TFJS = '^@tensorflow/';
const REACT = '^(?:react|react-dom)(?:/|$)';
const RETE = '^rete(?:-[a-z0-9-]+)?(?:/|$)';
const ELECTRON = '^(?:electron|@electron/[^/]+)(?:/|$)';

const rule = (patterns) => ['error', { patterns }];

// ---- the layers ----------------------------------------------------------

const nodesLayer = rule([
  {
    regex: up('engine|app'),
    message:
      'nodes/ is the catalog shared by the editor and the engine: it imports nothing else of ours (no engine/, no app/). Move what both sides need into nodes/, or let engine/ or app/ call into nodes/ instead.',
  },
  {
    regex: TFJS,
    message:
      'nodes/ is pure data and validation, loaded by the renderer too: no TensorFlow.js here. Tensor code belongs in engine/.',
  },
  {
    regex: `${REACT}|${RETE}|${ELECTRON}`,
    message:
      'nodes/ is pure data and validation shared by the engine and the editor: no React, Rete.js or Electron. UI code belongs in app/renderer/, Electron code in app/main/.',
  },
]);

/** What holds for every file in engine/: it never imports the app or UI libraries. */
const engineBase = [
  {
    regex: up('app'),
    message:
      'engine/ never imports app/: imports flow app → engine → nodes, so the engine runs headless (CLI, worker, tests). If app/ and the engine must share a type, define it in engine/protocol/ (or nodes/) and import it from app/.',
  },
  {
    regex: `${REACT}|${RETE}`,
    message:
      'engine/ is headless TypeScript on TensorFlow.js: no React or Rete.js. The editor talks to the engine through engine/protocol/ messages.',
  },
  {
    regex: ELECTRON,
    message:
      'engine/ must run without Electron (CLI, Node worker, browser-mode host): no Electron imports. Hosting the engine in a utility process is app/main/\'s job.',
  },
  {
    regex: up('bench'),
    message: 'bench/ is a developer tool that measures the engine: the engine never imports it. Move what both need into the engine.',
  },
];

const notCli = {
  regex: `${up('cli')}|^\\.\\./cli(?:/|$)`,
  message:
    'Nothing in the engine imports engine/cli/: the CLI is an adapter on the run driver (engine/run/), like the run-protocol server. Move what it shares into engine/run/ or lower.',
};
const notServer = {
  regex: `${up('server')}`,
  message:
    'Nothing in the engine imports engine/server/ (the run-protocol server, an adapter on the run driver like the CLI). Move what it shares into engine/run/ or lower.',
};

/**
 * Folders that run in the Electron main process (the editor's live check compiles graphs
 * there; files and the protocol are read there): TensorFlow.js must never load in them.
 * Types from the tensor side are fine (they vanish at build); values are not.
 */
const noTensors = (folder, why) => [
  {
    regex: TFJS,
    allowTypeImports: true,
    message: `${folder} never imports TensorFlow.js: ${why}. Tensor code belongs in engine/runtime/ (a coupling kind gets it handed to bind(): engine/couplings/kind.ts).`,
  },
  {
    regex: `${up('runtime|train|backend|parallel|run')}|^(?:\\./)?(?:\\.\\./)+tf\\.js$`,
    allowTypeImports: true,
    message: `${folder} never imports the tensor side of the engine (runtime/, train/, backend/, parallel/, run/, tf.js) except as types: ${why}.`,
  },
];

const inMainProcess = 'it runs in the Electron main process, which never loads TensorFlow.js';
const tsRule = (patterns) => ['error', { patterns }];

/** Per engine folder: what it may not import, on top of engineBase. Globs are disjoint. */
const ENGINE_BLOCKS = [
  { files: ['engine/compile/**', 'engine/format/**'], patterns: [...noTensors('engine/compile/ and engine/format/', inMainProcess), notCli, notServer] },
  {
    files: ['engine/protocol/**'],
    patterns: [
      ...noTensors('engine/protocol/', 'the renderer and the Electron main process import its message types'),
      {
        regex: up('compile|format|couplings|data|cli|server'),
        message: 'engine/protocol/ is the vocabulary both sides share: it imports only nodes/ and itself, so the renderer can use it. Define shared types here and let the engine import them.',
      },
    ],
  },
  {
    files: ['engine/experiments/**'],
    patterns: [...noTensors('engine/experiments/', "the app's services read run folders and run sweeps in the Electron main process"), notCli, notServer],
  },
  { files: ['engine/couplings/**'], patterns: [...noTensors('engine/couplings/', 'the compiler reads the coupling registry in the Electron main process'), notCli, notServer] },
  { files: ['engine/cli/**'], patterns: [notServer] },
  { files: ['engine/server/**'], patterns: [notCli] },
  { files: ['engine/*.ts', 'engine/runtime/**', 'engine/train/**', 'engine/data/**', 'engine/backend/**', 'engine/parallel/**', 'engine/run/**', 'engine/analysis/**'], patterns: [notCli, notServer] },
];

const benchLayer = rule([
  {
    regex: up('app'),
    message: 'bench/ measures the engine from the outside: it may import engine/ and nodes/, never app/.',
  },
  {
    regex: `${REACT}|${RETE}|${ELECTRON}`,
    message: 'bench/ is a headless developer tool: no React, Rete.js or Electron.',
  },
]);

const RENDERER_ENGINE_INTERNALS = `^(?:\\./)?(?:\\.\\./)+(?:[^/]+/)*?engine(?:/?$|/(?!protocol(?:/|$)))`;

const rendererLayer = rule([
  {
    regex: RENDERER_ENGINE_INTERNALS,
    message:
      'app/renderer/ talks to the engine only through messages: it may import engine/protocol/ (message types and the transport-free client), never other engine internals. Ask for the result with a protocol message, or move the shared type into engine/protocol/.',
  },
  {
    regex: TFJS,
    message:
      'app/renderer/ never imports TensorFlow.js: tensors live in the engine (worker / utility process), and every number the UI shows comes from the engine over the protocol.',
  },
  {
    regex: `${ELECTRON}|${up('main|preload')}`,
    message:
      'app/renderer/ is sandboxed web content: no Electron and no app/main/ or app/preload/ imports. Call the typed window.api that app/preload/ exposes; share channel names and payload types through app/shared/.',
  },
]);

const preloadLayer = rule([
  {
    regex: '(?:^|/)request-schemas(?:\\.js)?$',
    message:
      'app/preload/ imports app/shared/api.ts (channel names and types) only: app/shared/request-schemas.ts pulls Zod and the engine command schemas into the sandboxed bundle (192 kB instead of 4 kB). Main checks every payload against them.',
  },
  {
    regex: up('nodes|engine|main|renderer'),
    message:
      'app/preload/ may import only `electron` and app/shared/: it is the one narrow, hand-checked bridge between the renderer and the main process. Put shared channel names and payload types in app/shared/.',
  },
  {
    regex: '^(?!\\.|electron$)',
    message:
      'app/preload/ runs sandboxed and may import only `electron` and app/shared/ (a sandboxed preload cannot load npm packages or most Node built-ins).',
  },
]);

const mainLayer = rule([
  {
    regex: `${REACT}|${RETE}`,
    message:
      'app/main/ is the Electron main process (Node): no React or Rete.js. UI code belongs in app/renderer/.',
  },
  {
    regex: up('renderer|preload'),
    message:
      'app/main/ does not import app/renderer/ or app/preload/ code: they run in other processes. Share channel names and payload types through app/shared/.',
  },
]);

const sharedLayer = rule([
  {
    regex: `${ELECTRON}|${REACT}|${RETE}|${TFJS}`,
    message:
      'app/shared/ holds IPC channel names and payload types imported by main, preload and renderer alike: no Electron, React, Rete.js or TensorFlow.js.',
  },
  {
    regex: `${up('main|preload|renderer')}|${RENDERER_ENGINE_INTERNALS}`,
    message:
      'app/shared/ is imported by every process: it may use nodes/ and engine/protocol/ types, never app/main/, app/preload/, app/renderer/ or engine internals.',
  },
]);

const servicesLayer = rule([
  {
    regex: ELECTRON,
    message:
      'app/services/ is hosted twice, by Electron main over IPC and by the web-mode Node host over a WebSocket: no Electron imports. Pass what differs (dialogs, the window) in through ServiceOptions.',
  },
  {
    regex: `${REACT}|${RETE}|${up('main|preload|renderer|web')}`,
    message:
      'app/services/ runs in Node behind the API: no React or Rete.js, and no app/main/, app/preload/, app/renderer/ or app/web/ code (those call the services, not the other way round).',
  },
]);

const hostLayer = rule([
  {
    regex: `${ELECTRON}|${REACT}|${RETE}`,
    message:
      'app/web/ is the web-mode Node server (no display, maybe a GPU box): no Electron, React or Rete.js. It serves the built renderer and the services over a WebSocket.',
  },
  {
    regex: up('main|preload|renderer'),
    message: 'app/web/ serves the built renderer as files; it does not import app/main/, app/preload/ or app/renderer/ code.',
  },
]);

export default defineConfig(
  globalIgnores([
    'dist/',
    'schema/',
    'release/',
    'out/',
    'coverage/',
    'test-artifacts/',
    '.cache/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['app/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // Import directions, one block per folder (globs must stay disjoint).
  { files: ['nodes/**'], rules: { 'no-restricted-imports': nodesLayer } },
  ...ENGINE_BLOCKS.map(({ files, patterns }) => ({
    files,
    rules: { '@typescript-eslint/no-restricted-imports': tsRule([...engineBase, ...patterns]) },
  })),
  { files: ['bench/**'], rules: { 'no-restricted-imports': benchLayer } },
  { files: ['app/renderer/**'], rules: { 'no-restricted-imports': rendererLayer } },
  { files: ['app/preload/**'], rules: { 'no-restricted-imports': preloadLayer } },
  { files: ['app/main/**'], rules: { 'no-restricted-imports': mainLayer } },
  { files: ['app/shared/**'], rules: { 'no-restricted-imports': sharedLayer } },
  { files: ['app/services/**'], rules: { 'no-restricted-imports': servicesLayer } },
  { files: ['app/web/**'], rules: { 'no-restricted-imports': hostLayer } },

  {
    // DESIGN §6, "loops are device-friendly": a synchronous read stalls a GPU backend (and
    // throws on tfjs-webgpu in Node). The engine reads through runtime/readback.ts, async.
    files: ['engine/**', 'bench/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['dataSync', 'arraySync', 'bufferSync'].map((property) => ({
          property,
          message: `${property}() is a synchronous read: it stalls a GPU backend and throws on tfjs-webgpu in Node. Keep values on the device and read them in batches with readValues() (engine/runtime/readback.ts).`,
        })),
      ],
    },
  },
  {
    // The catalog and the engine handle untrusted files and tensors: `any`
    // switches the type checker off exactly where it matters. Use `unknown`
    // and narrow.
    files: ['nodes/**', 'engine/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
