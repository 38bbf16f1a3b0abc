/** Right-click menus: the canvas offers the catalog by category, a node offers delete and duplicate. */
import type { Props as MenuProps } from 'rete-context-menu-plugin';
import { KINDS, type KindId } from '../../../../nodes/catalog.js';
import type { Category } from '../../../../nodes/kind.js';
import { CATEGORY_TITLES } from './layout.js';
import { EditorConnection, EditorNode, type Schemes } from './schemes.js';

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
      return {
        searchBar: false,
        list: [
          ...categories,
          { label: 'Comment', key: 'add-comment', handler: () => actions.addComment() },
          { label: 'Arrange', key: 'arrange', handler: () => actions.arrange() },
          { label: 'Fit to view', key: 'fit', handler: () => actions.zoomToFit() },
        ],
      };
    }
    if (context instanceof EditorNode) {
      return {
        searchBar: false,
        list: [
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
