/** Lookups over a validated graph: nodes by id with their file index, and what feeds each input port. */
import type { FlatGraph, GraphNode, NodeOfKind } from '../../nodes/graph.js';
import type { KindId } from '../../nodes/catalog.js';
import type { Problem } from '../../nodes/problems.js';

export interface Feed {
  readonly node: GraphNode;
  readonly port: string;
  readonly edgeIndex: number;
}

/** View nodes stand in for a layer only on some ports: say which, since the wire looks like any other layer wire. */
const VIEW_HINTS: Partial<Record<string, string>> = {
  patches: ' (a patches node feeds the "layer" input of self-attention and hopfield-memory)',
  unpatch: ' (an unpatch node feeds grid inputs: conv, conv-within and patches)',
};

export class GraphIndex {
  readonly problems: Problem[] = [];
  private readonly byId = new Map<string, { node: GraphNode; index: number }>();
  private readonly feeds = new Map<string, Feed[]>();

  constructor(readonly graph: FlatGraph) {
    graph.nodes.forEach((node, index) => this.byId.set(node.id, { node, index }));
    graph.edges.forEach((edge, edgeIndex) => {
      const from = this.byId.get(edge.from.node);
      if (!from) return;
      const key = `${edge.to.node}\u0000${edge.to.port}`;
      const list = this.feeds.get(key) ?? [];
      list.push({ node: from.node, port: edge.from.port, edgeIndex });
      this.feeds.set(key, list);
    });
  }

  nodesOf<K extends KindId>(kind: K): NodeOfKind<K>[] {
    return this.graph.nodes.filter((n): n is NodeOfKind<K> => n.kind === kind);
  }

  indexOf(id: string): number {
    return this.byId.get(id)?.index ?? -1;
  }

  node(id: string): GraphNode | undefined {
    return this.byId.get(id)?.node;
  }

  feedsOf(nodeId: string, port: string): Feed[] {
    return this.feeds.get(`${nodeId}\u0000${port}`) ?? [];
  }

  error(nodeId: string, message: string, port?: string, path: (string | number)[] = []): void {
    this.problems.push({
      severity: 'error',
      path: ['nodes', this.indexOf(nodeId), ...path],
      nodeId,
      ...(port ? { port } : {}),
      message,
    });
  }

  warn(nodeId: string, message: string, port?: string, path: (string | number)[] = []): void {
    this.problems.push({
      severity: 'warning',
      path: ['nodes', this.indexOf(nodeId), ...path],
      nodeId,
      ...(port ? { port } : {}),
      message,
    });
  }

  /**
   * The single node feeding an input port, checked: connected, once, from the expected kind.
   * Reports a problem on the node and port and returns undefined otherwise.
   */
  single<K extends KindId>(node: GraphNode, port: string, kind: K): { node: NodeOfKind<K>; port: string } | undefined {
    const feeds = this.feedsOf(node.id, port);
    if (feeds.length === 0) {
      this.error(node.id, `input "${port}" is not connected`, port);
      return undefined;
    }
    if (feeds.length > 1) {
      this.error(
        node.id,
        `input "${port}" takes one connection, got ${feeds.length} (from ${feeds.map((f) => `"${f.node.id}"`).join(', ')})`,
        port,
      );
      return undefined;
    }
    const feed = feeds[0];
    if (feed.node.kind !== kind) {
      this.error(node.id, `input "${port}" needs a ${kind} node, got ${feed.node.kind} "${feed.node.id}"${VIEW_HINTS[feed.node.kind] ?? ''}`, port);
      return undefined;
    }
    return { node: feed.node as NodeOfKind<K>, port: feed.port };
  }
}
