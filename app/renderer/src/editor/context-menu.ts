/**
 * Right-click menus: the canvas offers the catalog by category and the graph's blocks; a
 * node offers make block, duplicate and delete, and a block instance open and ungroup.
 */
import type { Props as MenuProps } from 'rete-context-menu-plugin';
import { KINDS, type KindId } from '../../../../nodes/catalog.js';
import type { Category } from '../../../../nodes/kind.js';
import { CATEGORY_TITLES } from './layout.js';
import { EditorConnection, EditorNode, type Schemes } from './schemes.js';
import { BLOCK_KIND } from '../../../../nodes/blocks.js';
import { isBoundary } from './faces.js';

type ItemsCollection = ReturnType<MenuProps<Schemes>['items']>;
type Item = ItemsCollection['list'][number];

export interface MenuActions {
  addNode(kind: KindId): void;
  addComment(): void;
  arrange(): void;
  zoomToFit(): void;
  deleteNode(id: string): void;
  duplicateNode(id: string): void;
  deleteConnection(id: string): void;
  /** The block definitions a new instance can be made of: id and title. */
  blocks(): { id: string; title: string }[];
  addBlock(id: string): void;
  makeBlock(id: string): void;
  openBlock(id: string): void;
  ungroup(id: string): void;
}

const CATEGORY_ORDER: readonly Category[] = ['layers', 'couplings', 'data', 'training', 'dynamics'];

export function menuItems(actions: MenuActions): (context: 'root' | EditorNode | EditorConnection) => ItemsCollection {
  return (context) => {
    if (context === 'root') {
      const categories: Item[] = CATEGORY_ORDER.map((category) => ({
        label: CATEGORY_TITLES[category],
        key: `category-${category}`,
        handler: () => undefined,
        subitems: KINDS.filter((k) => k.category === category).map((k) => ({
          label: k.title,
          key: `add-${k.id}`,
          handler: () => actions.addNode(k.id),
        })),
      }));
      const blocks = actions.blocks();
      const blockItems: Item[] =
        blocks.length > 0
          ? [
              {
                label: 'Blocks',
                key: 'category-blocks',
                handler: () => undefined,
                subitems: blocks.map((b) => ({ label: b.title, key: `add-block-${b.id}`, handler: () => actions.addBlock(b.id) })),
              },
            ]
          : [];
      return {
        searchBar: false,
        list: [
          ...categories,
          ...blockItems,
          { label: 'Comment', key: 'add-comment', handler: () => actions.addComment() },
          { label: 'Arrange', key: 'arrange', handler: () => actions.arrange() },
          { label: 'Fit to view', key: 'fit', handler: () => actions.zoomToFit() },
        ],
      };
    }
    if (context instanceof EditorNode) {
      if (isBoundary(context.id)) return { searchBar: false, list: [] };
      const block: Item[] =
        context.kind === BLOCK_KIND
          ? [
              { label: 'Open block', key: 'open-block', handler: () => actions.openBlock(context.id) },
              { label: 'Ungroup', key: 'ungroup', handler: () => actions.ungroup(context.id) },
            ]
          : [];
      return {
        searchBar: false,
        list: [
          ...block,
          { label: 'Make block', key: 'make-block', handler: () => actions.makeBlock(context.id) },
          { label: 'Duplicate', key: 'duplicate', handler: () => actions.duplicateNode(context.id) },
          { label: 'Delete', key: 'delete', handler: () => actions.deleteNode(context.id) },
        ],
      };
    }
    if (context instanceof EditorConnection) {
      return { searchBar: false, list: [{ label: 'Delete connection', key: 'delete-connection', handler: () => actions.deleteConnection(context.id) }] };
    }
    return { searchBar: false, list: [] };
  };
}
