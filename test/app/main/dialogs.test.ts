// The Open/Save dialogs (app/main/dialogs.ts). The real Electron cannot run
// on CI machines (no Electron binary, no display), so the dialog functions
// are recording stand-ins that answer as the user would.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { GRAPH_FILTERS, createDialogs, suggestedFileName } from '../../../app/main/dialogs.js';

function fake(answers: { open?: string[]; save?: string }) {
  const asked: (OpenDialogOptions | SaveDialogOptions)[] = [];
  const dialogs = createDialogs({
    defaultDir: '/home/u/Documents',
    showOpenDialog: async (options) => {
      asked.push(options);
      return { canceled: !answers.open, filePaths: answers.open ?? [] };
    },
    showSaveDialog: async (options) => {
      asked.push(options);
      return { canceled: !answers.save, filePath: answers.save ?? '' };
    },
  });
  return { dialogs, asked };
}

describe('dialogs', () => {
  it('filter to graph files', () => {
    expect(GRAPH_FILTERS).toEqual([{ name: 'Attractor graph', extensions: ['attractor.json', 'json'] }]);
  });
  it('open: a path, or null when cancelled; the next dialog starts in its folder', async () => {
    const { dialogs, asked } = fake({ open: ['/data/nets/a.attractor.json'] });
    expect(await dialogs.openGraph()).toBe('/data/nets/a.attractor.json');
    expect(asked[0]).toMatchObject({ defaultPath: '/home/u/Documents', properties: ['openFile'], filters: GRAPH_FILTERS });
    await dialogs.saveGraph('b');
    expect(asked[1]?.defaultPath).toBe(join('/data/nets', 'b.attractor.json'));
    expect(await fake({}).dialogs.openGraph()).toBeNull();
  });
  it('save: suggests a clean file name, returns the path or null', async () => {
    const { dialogs, asked } = fake({ save: '/home/u/Documents/x.attractor.json' });
    expect(await dialogs.saveGraph('My net')).toBe('/home/u/Documents/x.attractor.json');
    expect(asked[0]?.defaultPath).toBe(join('/home/u/Documents', 'My net.attractor.json'));
    expect(await fake({}).dialogs.saveGraph('x')).toBeNull();
  });
  it('file names lose characters some platforms forbid, and get the graph extension', () => {
    expect(suggestedFileName('a/b:c*?')).toBe('a-b-c-.attractor.json');
    expect(suggestedFileName('..hidden')).toBe('hidden.attractor.json');
    expect(suggestedFileName('')).toBe('untitled.attractor.json');
    expect(suggestedFileName('x.attractor.json')).toBe('x.attractor.json');
    expect(suggestedFileName('x.JSON')).toBe('x.JSON');
  });
});
