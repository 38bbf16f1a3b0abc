/**
 * A page that mounts the graph editor on a real example, for looking at it and for
 * driving it from a browser (`window.graphEditor`) before the app shell exists.
 */
import example from '../../../../../examples/mnist-patches.attractor.json';
import { validateGraph } from '../../../../../nodes/validate.js';
import { KIND_IDS } from '../../../../../nodes/catalog.js';
import { createGraphEditor, type GraphEditor } from '../index.js';

declare global {
  interface Window {
    graphEditor?: GraphEditor;
    harnessLog?: string[];
  }
}

const log = document.getElementById('log')!;
const lines: string[] = (window.harnessLog = []);
const say = (line: string) => {
  lines.push(line);
  log.textContent = lines.slice(-200).join('\n');
  log.scrollTop = log.scrollHeight;
};

const validation = validateGraph(example);
if (!validation.ok) throw new Error(validation.problems.map((p) => p.message).join('\n'));

const editor = await createGraphEditor(document.getElementById('canvas')!, {
  onRefusedConnection: (reason) => say(`refused: ${reason}`),
});
window.graphEditor = editor;
editor.onChange((reason) => say(`change: ${reason}`));
editor.onSelectionChange((ids) => say(`selection: ${ids.join(', ') || '(none)'}`));
await editor.load(validation.graph);

const bar = document.getElementById('bar')!;
const button = (label: string, run: () => unknown) => {
  const b = document.createElement('button');
  b.textContent = label;
  b.dataset.testid = `harness-${label.toLowerCase().replace(/\W+/g, '-')}`;
  b.addEventListener('click', () => void run());
  bar.appendChild(b);
};
const kinds = document.createElement('select');
for (const k of KIND_IDS) kinds.add(new Option(k, k));
bar.appendChild(kinds);
button('Add', () => editor.addNode(kinds.value as (typeof KIND_IDS)[number]));
button('Undo', () => editor.undo());
button('Redo', () => editor.redo());
button('Copy', () => editor.copy());
button('Cut', () => editor.cut());
button('Paste', () => editor.paste());
button('Duplicate', () => editor.duplicate());
button('Delete', () => editor.deleteSelected());
button('Select all', () => editor.selectAll());
button('Fit', () => editor.zoomToFit());
button('Arrange', () => editor.arrange());
button('Comment', () => editor.addComment('Note'));
button('Problems', () =>
  editor.setProblems([
    { severity: 'error', path: ['nodes', 1], nodeId: 'cut', port: 'grid', message: 'expected a grid whose sides divide by 7' },
    { severity: 'warning', path: ['nodes', 2], nodeId: 'attend', message: 'no descent guarantee with step 0.1' },
  ]),
);
button('Dump', () => say(JSON.stringify(editor.toGraph())));
say('ready');
