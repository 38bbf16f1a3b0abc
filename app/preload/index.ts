/**
 * The preload of the editor window: runs sandboxed, before the page, in its
 * own JavaScript world, and puts exactly one object in the page's world,
 * `window.api` (see ./api.ts for what it can do and why nothing more).
 *
 * Bundled into one CommonJS file (out/preload/index.cjs) because a sandboxed
 * preload can `require` only 'electron' and a few Node built-ins.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createApi } from './api.js';

contextBridge.exposeInMainWorld('api', createApi(ipcRenderer, webUtils));
