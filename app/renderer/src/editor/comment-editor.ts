/**
 * A small in-canvas editor for a comment's text. The comment plugin's default is
 * `window.prompt`, which Electron does not implement.
 */
export type CommentEdit = { kind: 'save'; text: string } | { kind: 'delete' } | null;

export function editCommentText(root: HTMLElement, anchor: HTMLElement, text: string): Promise<CommentEdit> {
  return new Promise((resolve) => {
    const panel = document.createElement('div');
    panel.className = 'ase-comment-editor';
    panel.dataset.testid = 'comment-editor';
    const area = document.createElement('textarea');
    area.value = text;
    area.rows = 4;
    area.setAttribute('aria-label', 'Comment text');
    const buttons = document.createElement('div');
    buttons.className = 'ase-comment-editor__buttons';
    const button = (label: string, onClick: () => void, className = '') => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.className = className;
      b.addEventListener('click', onClick);
      buttons.appendChild(b);
      return b;
    };

    const finish = (result: CommentEdit) => {
      panel.remove();
      resolve(result);
    };
    const save = () => finish(area.value.trim() === '' ? { kind: 'delete' } : { kind: 'save', text: area.value });
    button('Delete', () => finish({ kind: 'delete' }), 'ase-danger');
    button('Cancel', () => finish(null));
    button('Save', save, 'ase-primary');

    // Typing here must not reach the canvas (pan, zoom) or the app's shortcuts.
    for (const type of ['pointerdown', 'wheel', 'dblclick', 'contextmenu', 'keyup'] as const) {
      panel.addEventListener(type, (e) => e.stopPropagation());
    }
    panel.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Escape') finish(null);
      else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) save();
    });

    const rootBox = root.getBoundingClientRect();
    const box = anchor.getBoundingClientRect();
    panel.style.left = `${Math.max(8, box.left - rootBox.left)}px`;
    panel.style.top = `${Math.max(8, box.top - rootBox.top)}px`;
    panel.append(area, buttons);
    root.appendChild(panel);
    area.focus();
    area.select();
  });
}

/**
 * Double-click on a comment. Counted from pointer presses: the comment plugin moves the
 * comment's element in the DOM on every press, so the browser's own dblclick lands on
 * the canvas behind it (where it would zoom, which is stopped here too).
 */
export function onCommentDoubleClick(root: HTMLElement, open: (id: string) => void): () => void {
  let last: { id: string; time: number; x: number; y: number } | undefined;
  let lastCommentPress = -Infinity;
  const down = (e: PointerEvent) => {
    const id = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-comment-id]')?.dataset.commentId : undefined;
    if (id === undefined || e.button !== 0) {
      last = undefined;
      return;
    }
    const now = performance.now();
    lastCommentPress = now;
    if (last && last.id === id && now - last.time < 450 && Math.hypot(e.clientX - last.x, e.clientY - last.y) < 6) {
      last = undefined;
      open(id);
    } else {
      last = { id, time: now, x: e.clientX, y: e.clientY };
    }
  };
  const dblclick = (e: MouseEvent) => {
    if (performance.now() - lastCommentPress < 600) e.stopPropagation();
  };
  root.addEventListener('pointerdown', down, true);
  root.addEventListener('dblclick', dblclick, true);
  return () => {
    root.removeEventListener('pointerdown', down, true);
    root.removeEventListener('dblclick', dblclick, true);
  };
}
