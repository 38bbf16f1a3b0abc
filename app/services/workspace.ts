/**
 * The workspace of the web mode: the one folder on the host the browser may
 * read graphs from and save graphs to. The host can be reached from another
 * machine (HOST=0.0.0.0 on a display-less GPU box), so a path from the UI is
 * never trusted to stay inside on its own: it is checked lexically (no `..`
 * escape) and again after resolving symbolic links (no link leading out).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isInside } from '../../engine/format/confine.js';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import type { WorkspaceFile } from '../shared/api.js';
import { errorCode, errorMessage } from './results.js';

export type Inside = { ok: true; path: string } | { ok: false; message: string };

/** Folders never worth listing: hidden ones and package trees (the default workspace is often a project folder). */
const SKIPPED_FOLDERS = new Set(['node_modules']);
/** A workspace with more graph files than this is listed in part; the UI is a picker, not a file manager. */
const MAX_LISTED = 1000;

// One home for the test (the engine's confinement uses it too); re-exported for the services.
export { isInside };

export class Workspace {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * The absolute path of `path` (relative paths are taken from the workspace),
   * or why it is refused. The returned path keeps the user's spelling (not the
   * resolved link target) so names and the recent list read as expected.
   */
  async resolve(path: string): Promise<Inside> {
    const abs = resolve(this.root, path);
    const outside: Inside = {
      ok: false,
      message: `${path} is outside the workspace folder ${this.root}; in the web mode graphs are opened and saved only inside it`,
    };
    let rootReal: string;
    try {
      rootReal = await realpath(this.root);
    } catch (err) {
      return { ok: false, message: `the workspace folder ${this.root} is not available: ${errorMessage(err)}` };
    }
    // Either spelling of the workspace counts (it may itself be reached through a link, e.g. /tmp on macOS).
    if (!isInside(this.root, abs) && !isInside(rootReal, abs)) return outside;

    const viaLink: Inside = {
      ok: false,
      message: `${path} leads outside the workspace folder ${this.root} through a symbolic link; in the web mode graphs are opened and saved only inside it`,
    };
    try {
      // An existing file (or link) is judged by where it really is: a save follows links.
      return isInside(rootReal, await realpath(abs)) ? { ok: true, path: abs } : viaLink;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') return { ok: true, path: abs }; // the read or write itself reports it in words
    }
    // A new file: its folder decides where it would be created.
    try {
      return isInside(rootReal, await realpath(dirname(abs))) ? { ok: true, path: abs } : viaLink;
    } catch {
      return { ok: false, message: `the folder ${dirname(abs)} does not exist in the workspace` };
    }
  }

  /** The graph files directly in the workspace and one level of subfolders below it, sorted by name. */
  async list(): Promise<WorkspaceFile[]> {
    const found: string[] = [];
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      // Links are not followed: one could lead out of the workspace (opening it would be refused anyway).
      if (entry.isFile() && entry.name.endsWith(GRAPH_EXTENSION)) found.push(entry.name);
      else if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) {
        const inner = await readdir(join(this.root, entry.name), { withFileTypes: true }).catch(() => []);
        for (const e of inner) {
          if (!e.name.startsWith('.') && e.isFile() && e.name.endsWith(GRAPH_EXTENSION)) found.push(`${entry.name}/${e.name}`);
        }
      }
      if (found.length >= MAX_LISTED) break;
    }
    const files: WorkspaceFile[] = [];
    for (const rel of found.slice(0, MAX_LISTED)) {
      const path = join(this.root, rel);
      // A file deleted between the listing and the stat is simply not shown.
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      files.push({ path, name: rel.slice(0, -GRAPH_EXTENSION.length), modifiedAt: info.mtime.toISOString(), bytes: info.size });
    }
    return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
