/** Driving engine/run/ directly in tests: a run context with a fresh gate and a recorder as the sink, the backend, a folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { RunControl } from '../../../engine/run/control.js';
import { backendSummary, type RunContext } from '../../../engine/run/context.js';
import { Recorder } from '../server/recorder.js';

export function runContext(runId: string, kind: 'settle' | 'train', backend: BackendInfo): { ctx: RunContext; rec: Recorder } {
  const rec = new Recorder();
  const control = new RunControl(runId, kind, rec.send);
  return { ctx: { control, emit: rec.send, backend: backendSummary(backend), backendName: backend.name }, rec };
}

/** Frames off: the loops' own events only. */
export const NO_FRAMES = { activations: false, attention: false, every: 1, examples: 1, maxFps: 30 } as const;

/** The wasm backend, started once for the file's tests; read it inside a test. */
export function wasmBackend(): () => BackendInfo {
  let backend: BackendInfo | undefined;
  beforeAll(async () => {
    backend = await startBackend('wasm');
  });
  return () => backend!;
}

/** A temporary folder for the file's tests, removed after them. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
