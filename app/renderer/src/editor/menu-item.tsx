/**
 * A context-menu row. The preset's own row passes its `hasSubitems` flag through to the
 * DOM (React warns); this one turns it into a class.
 */
import type { HTMLProps } from 'react';

export function MenuItem({ hasSubitems, className, ...props }: HTMLProps<HTMLDivElement> & { hasSubitems?: boolean }) {
  return <div {...props} className={['ase-menu-item', hasSubitems ? 'has-subitems' : '', className ?? ''].join(' ').trim()} />;
}
