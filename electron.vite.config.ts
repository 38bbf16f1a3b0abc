// Builds the desktop app into out/: main (Node, ESM), preload (sandboxed, so one
// self-contained CommonJS file) and the renderer (React + Rete, served from
// out/renderer by Electron and by the web-mode host alike).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // The graph check runs on a worker thread of the main process (app/services/graph-check.ts).
      lib: { entry: { index: resolve(root, 'app/main/index.ts'), 'check-worker': resolve(root, 'app/services/check-worker.ts') } },
      // The CUDA build of TensorFlow.js loads a native library from its own folder.
      externalizeDeps: { include: ['@tensorflow/tfjs-node-gpu'] },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      lib: { entry: resolve(root, 'app/preload/index.ts') },
      // A sandboxed preload cannot require npm packages or load ESM: bundle everything into one .cjs.
      externalizeDeps: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'app/renderer'),
    plugins: [react()],
    // Relative asset URLs so the same build loads from file:// (Electron) and http:// (web mode).
    base: './',
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'app/renderer/index.html') },
    },
  },
});
