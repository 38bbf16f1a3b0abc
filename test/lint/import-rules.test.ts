// The import directions of DESIGN.md §6, as enforced by eslint.config.js.
// Snippets are linted as if they lived at the given path; no file is written.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });
/** Engine folders check imports with typescript-eslint's rule, which can let type-only imports through. */
const TS_RULE = '@typescript-eslint/no-restricted-imports';

interface Finding {
  ruleId: string | null;
  line: number;
  message: string;
}

async function lint(file: string, code: string, ruleId = 'no-restricted-imports'): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  expect(result, `no lint result for ${file}`).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `parse error in the ${file} snippet`).toEqual([]);
  return result!.messages
    .filter((m) => m.ruleId === ruleId)
    .map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message }));
}

describe('nodes/ imports nothing of ours', () => {
  it('rejects the engine, with a message that explains the rule', async () => {
    const found = await lint('nodes/x.ts', "import { tf } from '../engine/tf.js';\nexport const t = tf;\n");
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("'../engine/tf.js'");
    expect(found[0]!.message).toContain('nodes/ is the catalog shared by the editor and the engine');
  });

  it('rejects the engine and app from a nested folder, and re-exports', async () => {
    const found = await lint(
      'nodes/kinds/x.ts',
      [
        "import type { Plan } from '../../engine/compile/plan.js';",
        "export * from '../../app/shared/ipc.js';",
        'export type P = Plan;',
      ].join('\n'),
    );
    expect(found.map((f) => f.line)).toEqual([1, 2]);
  });

  it('rejects tfjs, React, Rete and Electron', async () => {
    const found = await lint(
      'nodes/x.ts',
      [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import { useState } from 'react';",
        "import { NodeEditor } from 'rete';",
        "import { ipcRenderer } from 'electron';",
        'export const all = [tf, useState, NodeEditor, ipcRenderer];',
      ].join('\n'),
    );
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4]);
    expect(found[0]!.message).toContain('no TensorFlow.js here');
    expect(found[1]!.message).toContain('no React, Rete.js or Electron');
  });

  it('allows its own files and third-party data libraries', async () => {
    const found = await lint(
      'nodes/kinds/x.ts',
      [
        "import { z } from '../schema.js';",
        "import { defineKind } from '../kind.js';",
        "import * as zod from 'zod';",
        'export const all = [z, defineKind, zod];',
      ].join('\n'),
    );
    expect(found).toEqual([]);
  });
});

describe('engine/ imports nodes/ and tfjs, never app/ or UI libraries', () => {
  it('rejects app/ and React, each with its message', async () => {
    const found = await lint(
      'engine/x.ts',
      [
        "import { openWindow } from '../app/main/x.js';",
        "import React from 'react';",
        'export const all = [openWindow, React];',
      ].join('\n'),
      TS_RULE,
    );
    expect(found.map((f) => f.line)).toEqual([1, 2]);
    expect(found[0]!.message).toContain("'../app/main/x.js'");
    expect(found[0]!.message).toContain('engine/ never imports app/');
    expect(found[1]!.message).toContain("'react'");
    expect(found[1]!.message).toContain('engine/ is headless');
  });

  it('rejects Rete and Electron', async () => {
    const found = await lint(
      'engine/server/x.ts',
      [
        "import { AreaPlugin } from 'rete-area-plugin';",
        "import { utilityProcess } from 'electron';",
        'export const all = [AreaPlugin, utilityProcess];',
      ].join('\n'),
      TS_RULE,
    );
    expect(found.map((f) => f.line)).toEqual([1, 2]);
    expect(found[1]!.message).toContain('without Electron');
  });

  it('allows nodes/, tfjs and its own files on the tensor side', async () => {
    const found = await lint(
      'engine/runtime/x.ts',
      [
        "import type { GraphDoc } from '../../nodes/graph.js';",
        "import * as tf from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
        "import { tf as ours } from '../tf.js';",
        "import { compileGraph } from '../compile/compile.js';",
        'export type G = GraphDoc;',
        'export const all = [tf, ours, compileGraph];',
      ].join('\n'),
      TS_RULE,
    );
    expect(found).toEqual([]);
  });
});

describe('layers inside engine/', () => {
  it('compile/ and format/ never load TensorFlow.js or the tensor side: they run in the Electron main process', async () => {
    const found = await lint(
      'engine/compile/x.ts',
      [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import { tf as ours } from '../tf.js';",
        "import { settle } from '../runtime/settle.js';",
        "import { trainBatch } from '../train/trainer.js';",
        "import type { Plan } from './plan.js';",
        'export type P = Plan;',
        'export const all = [tf, ours, settle, trainBatch];',
      ].join('\n'),
      TS_RULE,
    );
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4]);
    expect(found[0]!.message).toContain('Electron main process');
    expect(found[2]!.message).toContain('tensor side');
  });

  it('couplings/ may name tensor types but never load them', async () => {
    const values = await lint('engine/couplings/x.ts', "import { product } from '../runtime/products.js';\nexport const p = product;\n", TS_RULE);
    expect(values).toHaveLength(1);
    expect(values[0]!.message).toContain('engine/couplings/');
    const types = await lint(
      'engine/couplings/x.ts',
      ["import type * as TensorKit from '../runtime/tensor-kit.js';", "import type { Tensor } from '../tf.js';", 'export type K = typeof TensorKit;', 'export type T = Tensor;'].join('\n'),
      TS_RULE,
    );
    expect(types).toEqual([]);
  });

  it('protocol/ imports only nodes/ and itself', async () => {
    const found = await lint('engine/protocol/x.ts', "import type { Plan } from '../compile/plan.js';\nimport type { Problem } from '../../nodes/problems.js';\nexport type P = [Plan, Problem];\n", TS_RULE);
    expect(found.map((f) => f.line)).toEqual([1]);
    expect(found[0]!.message).toContain('vocabulary both sides share');
  });

  it('nothing imports the CLI, the run-protocol server or the benchmark', async () => {
    const found = await lint(
      'engine/train/x.ts',
      [
        "import { run } from '../cli/main.js';",
        "import { EngineHost } from '../server/host.js';",
        "import { gflops } from '../../bench/flops.js';",
        'export const all = [run, EngineHost, gflops];',
      ].join('\n'),
      TS_RULE,
    );
    expect(found.map((f) => f.line)).toEqual([1, 2, 3]);
    expect(found[0]!.message).toContain('engine/cli/');
    expect(found[2]!.message).toContain('bench/');
    expect(await lint('engine/server/x.ts', "import { run } from '../cli/main.js';\nexport const r = run;\n", TS_RULE)).toHaveLength(1);
    expect(await lint('engine/cli/x.ts', "import { EngineHost } from '../server/host.js';\nexport const h = EngineHost;\n", TS_RULE)).toHaveLength(1);
  });
});

describe('app/renderer/ reaches the engine only through engine/protocol/', () => {
  it('rejects engine internals and tfjs, each with its message', async () => {
    const found = await lint(
      'app/renderer/x.ts',
      [
        "import { settle } from '../../engine/runtime/settle.js';",
        "import * as tf from '@tensorflow/tfjs-core';",
        'export const all = [settle, tf];',
      ].join('\n'),
    );
    expect(found.map((f) => f.line)).toEqual([1, 2]);
    expect(found[0]!.message).toContain("'../../engine/runtime/settle.js'");
    expect(found[0]!.message).toContain('never other engine internals');
    expect(found[1]!.message).toContain("'@tensorflow/tfjs-core'");
    expect(found[1]!.message).toContain('never imports TensorFlow.js');
  });

  it('rejects type-only imports of engine internals too', async () => {
    const found = await lint(
      'app/renderer/panels/x.ts',
      "import type { Plan } from '../../../engine/compile/plan.js';\nexport type P = Plan;\n",
    );
    expect(found).toHaveLength(1);
  });

  it('rejects Electron and the main / preload code', async () => {
    const found = await lint(
      'app/renderer/x.ts',
      [
        "import { ipcRenderer } from 'electron';",
        "import { createWindow } from '../main/window.js';",
        "import { api } from '../preload/index.js';",
        'export const all = [ipcRenderer, createWindow, api];',
      ].join('\n'),
    );
    expect(found.map((f) => f.line)).toEqual([1, 2, 3]);
    expect(found[0]!.message).toContain('window.api');
  });

  it('allows engine/protocol/, nodes/, app/shared/, React and Rete', async () => {
    const found = await lint(
      'app/renderer/editor/x.tsx',
      [
        "import type { Request } from '../../../engine/protocol/messages.js';",
        "import { KINDS } from '../../../nodes/catalog.js';",
        "import { CHANNELS } from '../../shared/ipc.js';",
        "import { connect } from '../engine-client/client.js';",
        "import { useState } from 'react';",
        "import { NodeEditor } from 'rete';",
        'export type R = Request;',
        'export const all = [KINDS, CHANNELS, connect, useState, NodeEditor];',
      ].join('\n'),
    );
    expect(found).toEqual([]);
  });
});

describe('app/preload/ imports only electron and app/shared/', () => {
  it('rejects everything else', async () => {
    const found = await lint(
      'app/preload/x.ts',
      [
        "import { KINDS } from '../../nodes/catalog.js';",
        "import { z } from 'zod';",
        "import { readFileSync } from 'node:fs';",
        "import { createWindow } from '../main/window.js';",
        'export const all = [KINDS, z, readFileSync, createWindow];',
      ].join('\n'),
    );
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4]);
    expect(found[1]!.message).toContain('may import only `electron` and app/shared/');
  });

  it('allows electron and app/shared/', async () => {
    const found = await lint(
      'app/preload/x.ts',
      [
        "import { contextBridge, ipcRenderer } from 'electron';",
        "import { CHANNELS } from '../shared/ipc.js';",
        'export const all = [contextBridge, ipcRenderer, CHANNELS];',
      ].join('\n'),
    );
    expect(found).toEqual([]);
  });
});

describe('no `any` in nodes/ and engine/', () => {
  it('reports an explicit any as an error', async () => {
    for (const file of ['nodes/x.ts', 'engine/x.ts']) {
      const found = await lint(file, 'export const f = (v: any) => v;\n', '@typescript-eslint/no-explicit-any');
      expect(found, file).toHaveLength(1);
    }
  });
});

describe('the engine never reads the device synchronously', () => {
  it('rejects dataSync, arraySync and bufferSync with a message that says what to do', async () => {
    const found = await lint(
      'engine/train/x.ts',
      ["import { tf } from '../tf.js';", 'const t = tf.scalar(1);', 'export const a = [t.dataSync(), t.arraySync(), t.bufferSync()];'].join('\n'),
      'no-restricted-properties',
    );
    expect(found.map((f) => f.line)).toEqual([3, 3, 3]);
    expect(found[0]!.message).toContain('readValues()');
  });
});
