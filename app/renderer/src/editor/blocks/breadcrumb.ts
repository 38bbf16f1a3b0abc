/**
 * The way back out of a block: a breadcrumb over the canvas while a block is open,
 * "Graph › stage2 (Conv stage) › …", each crumb but the last going back to its scope.
 * Plain DOM inside the canvas root, like the canvas's other overlays.
 */
import type { ScopePath } from './scopes.js';

export interface Breadcrumb {
  show(path: ScopePath, titleOf: (block: string) => string): void;
  destroy(): void;
}

export function createBreadcrumb(root: HTMLElement, goTo: (depth: number) => void): Breadcrumb {
  const nav = document.createElement('nav');
  nav.className = 'ase-breadcrumb';
  nav.dataset.testid = 'block-breadcrumb';
  nav.setAttribute('aria-label', 'Blocks open');
  nav.hidden = true;
  root.appendChild(nav);
  // The canvas pans on a press that reaches it.
  const stop = (e: Event) => e.stopPropagation();
  nav.addEventListener('pointerdown', stop);

  return {
    show(path, titleOf) {
      nav.replaceChildren();
      nav.hidden = path.length === 0;
      const crumbs = [{ label: 'Graph', title: 'the top level of the graph' }, ...path.map((s) => ({ label: s.instance, title: titleOf(s.block) }))];
      crumbs.forEach((crumb, depth) => {
        if (depth > 0) nav.append(Object.assign(document.createElement('span'), { className: 'ase-breadcrumb__sep', textContent: '›' }));
        const last = depth === crumbs.length - 1;
        const el = document.createElement(last ? 'span' : 'button');
        el.className = last ? 'ase-breadcrumb__here' : 'ase-breadcrumb__crumb';
        el.dataset.testid = `breadcrumb-${depth}`;
        el.textContent = depth === 0 ? crumb.label : `${crumb.label} (${crumb.title})`;
        el.title = depth === 0 ? crumb.title : `block "${crumb.title}", instance "${crumb.label}"`;
        if (!last) el.addEventListener('click', () => goTo(depth));
        nav.append(el);
      });
    },
    destroy() {
      nav.removeEventListener('pointerdown', stop);
      nav.remove();
    },
  };
}
