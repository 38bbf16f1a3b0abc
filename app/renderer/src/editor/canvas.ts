/**
 * The Rete stack, assembled: editor, area, React rendering with our components,
 * connections, selection, history, minimap, context menu and comments. What the canvas
 * does with user input (which wires to allow, what a menu item does) comes in as hooks.
 */
import { createRoot } from 'react-dom/client';
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, type SocketData } from 'rete-connection-plugin';
import { Presets, ReactPlugin } from 'rete-react-plugin';
import { getDOMSocketPosition } from 'rete-render-utils';
import { HistoryPlugin } from 'rete-history-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { ContextMenuPlugin } from 'rete-context-menu-plugin';
import { CommentExtensions, CommentPlugin, type Comment } from 'rete-comment-plugin';
import type { CanvasHost } from './actions.js';
import type { menuItems } from './context-menu.js';
import { MenuItem } from './menu-item.js';
import { ConnectionView, NodeView, SocketView } from './node-view.js';
import type { AreaExtra, Position, Schemes } from './schemes.js';
import { clientToArea, NotifyingSelector, pointerAccumulating } from './selection.js';
import './styles.css';
import './overlays.css';

export interface CanvasHooks {
  /** A wire was dropped from socket `from` onto socket `to`: create it (true) or refuse (false). */
  connect(from: SocketData, to: SocketData): boolean;
  menu: ReturnType<typeof menuItems>;
  editComment(comment: Comment): Promise<string>;
  selectionChanged(): void;
}

export interface Canvas extends CanvasHost {
  readonly root: HTMLElement;
  readonly connection: ConnectionPlugin<Schemes, AreaExtra>;
  readonly history: HistoryPlugin<Schemes>;
  readonly comments: CommentPlugin<Schemes, AreaExtra>;
  readonly selector: NotifyingSelector;
  readonly selectable: ReturnType<typeof AreaExtensions.selectableNodes>;
  readonly accumulating: ReturnType<typeof pointerAccumulating>;
  /** Where the last context menu was opened, in area coordinates (new nodes go there). */
  readonly menuPoint: () => Position;
  /** Hides the context menu if it is open (Escape, another document opened). */
  closeMenu(): void;
  destroy(): void;
}

const MENU_WIDTH = 170;
const SUBMENU_WIDTH = 200;
const MENU_ITEM_HEIGHT = 26;

/** The menu opens at the pointer; near the canvas's right or bottom edge it (and its submenus) open the other way. */
function placeMenu(root: HTMLElement, clientX: number, clientY: number, items: number): void {
  const box = root.getBoundingClientRect();
  root.classList.toggle('ase-menu-left', clientX + MENU_WIDTH > box.right);
  root.classList.toggle('ase-submenu-left', clientX + MENU_WIDTH + SUBMENU_WIDTH > box.right);
  root.classList.toggle('ase-menu-up', clientY + items * MENU_ITEM_HEIGHT + 12 > box.bottom);
  root.classList.toggle('ase-submenu-up', clientY + (items + 7) * MENU_ITEM_HEIGHT > box.bottom);
}

const sameSocket = (a: SocketData, b: SocketData) => a.nodeId === b.nodeId && a.side === b.side && a.key === b.key;

export function createCanvas(container: HTMLElement, hooks: CanvasHooks): Canvas {
  const root = document.createElement('div');
  root.className = 'ase-root';
  root.dataset.testid = 'graph-editor';
  const surface = document.createElement('div');
  surface.className = 'ase-surface';
  root.appendChild(surface);
  container.appendChild(root);

  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(surface);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new ReactPlugin<Schemes, AreaExtra>({ createRoot });
  // timing 0: every record is its own step; the Recorder (history.ts) decides what a step is.
  const history = new HistoryPlugin<Schemes>({ timing: 0 });
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
  const contextMenu = new ContextMenuPlugin<Schemes>({ items: hooks.menu });
  const comments = new CommentPlugin<Schemes, AreaExtra>({ edit: hooks.editComment });
  const selector = new NotifyingSelector(hooks.selectionChanged);
  const accumulating = pointerAccumulating(root);
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating });

  render.addPreset(
    Presets.classic.setup({
      // Wires end at the socket's centre (the default stops 12px short, sized for the classic sockets).
      socketPositionWatcher: getDOMSocketPosition({ offset: (position) => position }),
      customize: { node: () => NodeView, socket: () => SocketView, connection: () => ConnectionView },
    }),
  );
  render.addPreset(Presets.contextMenu.setup({ delay: 300, customize: { item: () => MenuItem } }));
  render.addPreset(Presets.minimap.setup({ size: 160 }));

  connection.addPreset(
    () =>
      new ClassicFlow({
        // Any other socket reaches makeConnection, where a refusal can say why; the same
        // socket does not, so a click on a socket still starts click-to-connect.
        canMakeConnection: (from, to) => !sameSocket(from, to),
        makeConnection: (from, to) => hooks.connect(from, to),
      }),
  );

  let menuPoint: Position = { x: 0, y: 0 };
  // The menu's element, as the plugin renders it: what an unmount signal names to hide it.
  let menuElement: HTMLElement | null = null;
  const closeMenu = () => {
    if (menuElement && menuElement.style.display !== 'none') void area.emit({ type: 'unmount', data: { element: menuElement } });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') closeMenu();
  };
  document.addEventListener('keydown', onKey);
  area.addPipe((context) => {
    if (context.type === 'render' && context.data.type === 'contextmenu') menuElement = context.data.element;
    if (context.type === 'contextmenu') {
      const { event } = context.data;
      // A right-click on a node or wire also bubbles to the canvas as a 'root' menu, which
      // would replace the node's; only the empty canvas gets the canvas menu (and no native one).
      if (context.data.context === 'root' && event.target !== surface && event.target !== area.area.content.holder) {
        event.preventDefault();
        return undefined;
      }
      const { clientX, clientY } = event;
      menuPoint = clientToArea(area, clientX, clientY);
      placeMenu(root, clientX, clientY, context.data.context === 'root' ? 9 : 5);
    }
    return context;
  });

  editor.use(area);
  area.use(connection);

  area.use(render);
  area.use(contextMenu);
  area.use(minimap);
  area.use(history);
  area.use(comments);

  CommentExtensions.selectable(comments, selector, accumulating);
  AreaExtensions.simpleNodesOrder(area);
  // Low enough that Fit shows a few hundred nodes in the canvas beside the run panel.
  AreaExtensions.restrictor(area, { scaling: { min: 0.03, max: 2.5 } });

  return {
    root,
    editor,
    area,
    connection,
    history,
    comments,
    selector,
    selectable,
    accumulating,
    menuPoint: () => menuPoint,
    closeMenu,
    destroy() {
      document.removeEventListener('keydown', onKey);
      accumulating.destroy();
      area.destroy();
      root.remove();
    },
  };
}
