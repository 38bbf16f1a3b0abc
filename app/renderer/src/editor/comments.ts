/**
 * Comments (rete-comment-plugin) as document data.
 *
 * A comment that frames nodes is a FrameComment whose box follows its nodes; one that
 * frames none is a free InlineComment at its position. The document has no other kind,
 * so free comments are kept from sticking to nodes (the plugin's default), which could not
 * be saved. Comment ids are the document's, not the plugin's random ones.
 */
import { FrameComment, type Comment, type CommentPlugin } from 'rete-comment-plugin';
import type { HistoryAction } from 'rete-history-plugin';
import type { CommentRecord } from './document.js';
import { nextId } from './ids.js';
import type { AreaExtra, Position, Schemes } from './schemes.js';

export interface CommentState {
  readonly id: string;
  readonly frame: boolean;
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly links: readonly string[];
}

export class CommentsModel {
  constructor(private readonly plugin: CommentPlugin<Schemes, AreaExtra>) {}

  list(): Comment[] {
    return [...this.plugin.comments.values()];
  }

  get(id: string): Comment | undefined {
    return this.plugin.comments.get(id);
  }

  capture(): CommentState[] {
    return this.list().map((c) => ({
      id: c.id,
      frame: c instanceof FrameComment,
      text: c.text,
      x: c.x,
      y: c.y,
      links: [...c.links],
    }));
  }

  /** Creates a comment (a frame when it has links, unless told); `id` defaults to a fresh `comment-<n>`. */
  add(text: string, options: { id?: string; frame?: boolean; links?: readonly string[]; at?: Position }): Comment {
    const links = [...(options.links ?? [])];
    let comment: Comment;
    if (options.frame ?? links.length > 0) {
      comment = this.plugin.addFrame(text, links);
    } else {
      const at = options.at ?? { x: 0, y: 0 };
      const inline = this.plugin.addInline(text, [at.x, at.y]);
      inline.link = () => undefined;
      comment = inline;
    }
    const id = options.id ?? nextId('comment', new Set(this.plugin.comments.keys()));
    this.plugin.comments.delete(comment.id);
    comment.id = id;
    this.plugin.comments.set(id, comment);
    comment.nested.dataset.testid = `comment-${id}`;
    comment.nested.dataset.commentId = id;
    return comment;
  }

  remove(id: string): void {
    this.plugin.delete(id);
  }

  setText(id: string, text: string): void {
    const comment = this.get(id);
    if (!comment) return;
    comment.text = text;
    comment.update();
  }

  /** Brings the comments to `target`: what is missing is created, what is extra removed, the rest updated. */
  apply(target: readonly CommentState[]): void {
    const wanted = new Map(target.map((s) => [s.id, s]));
    for (const c of this.list()) {
      const s = wanted.get(c.id);
      if (!s || s.frame !== c instanceof FrameComment) this.remove(c.id);
    }
    for (const s of target) {
      const c = this.get(s.id);
      if (!c) {
        const created = this.add(s.text, { id: s.id, frame: s.frame, links: s.links, at: { x: s.x, y: s.y } });
        if (s.frame && s.links.length === 0) this.plugin.translate(created.id, s.x - created.x, s.y - created.y);
        continue;
      }
      if (c.text !== s.text) this.setText(s.id, s.text);
      if (c instanceof FrameComment && c.links.join('\n') !== s.links.join('\n')) c.linkTo([...s.links]);
      // A framing comment's box follows its nodes; only free boxes have a position of their own.
      const positioned = !(c instanceof FrameComment) || s.links.length === 0;
      if (positioned && (c.x !== s.x || c.y !== s.y)) this.plugin.translate(s.id, s.x - c.x, s.y - c.y);
    }
  }

  load(records: readonly CommentRecord[]): void {
    for (const r of records) this.add(r.text, { id: r.id, links: r.nodes, at: r.position });
  }

  toRecords(): CommentRecord[] {
    return this.list().map((c) => ({
      id: c.id,
      text: c.text,
      position: { x: c.x, y: c.y },
      nodes: c instanceof FrameComment ? [...c.links] : [],
    }));
  }

  clear(): void {
    this.plugin.clear();
  }
}

export function sameComments(a: readonly CommentState[], b: readonly CommentState[]): boolean {
  // Frame boxes are derived from their nodes, whose moves are recorded separately.
  const key = (s: CommentState) =>
    JSON.stringify([s.id, s.frame, s.text, s.links, s.frame && s.links.length > 0 ? null : [s.x, s.y]]);
  return a.length === b.length && a.every((s, i) => key(s) === key(b[i]));
}

export class CommentsAction implements HistoryAction {
  constructor(
    private readonly model: CommentsModel,
    private readonly before: readonly CommentState[],
    private readonly after: readonly CommentState[],
  ) {}

  undo(): void {
    this.model.apply(this.before);
  }

  redo(): void {
    this.model.apply(this.after);
  }
}
