/**
 * The recent-files list: `recent.json` in the data folder, newest first, one
 * entry per file. It is a convenience, so a damaged list is read as empty (and
 * replaced by the next write) rather than stopping anything.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from '../../nodes/schema.js';
import { writeFileAtomic } from '../../engine/format/save.js';
import type { RecentFile } from '../shared/api.js';
import { graphName } from './results.js';

export const MAX_RECENT = 10;
export const RECENT_FILE = 'recent.json';

const entrySchema = z.object({ path: z.string().min(1), name: z.string(), openedAt: z.string() });
type Entry = z.infer<typeof entrySchema>;

export interface RecentOptions {
  readonly dataDir: string;
  /** Which entries to show (web mode: only files in the workspace, the only ones it may open). */
  readonly visible?: (path: string) => boolean;
}

export class RecentFiles {
  private readonly file: string;
  // Opening two files at once must not lose one of them: read-modify-write runs one at a time.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecentOptions) {
    this.file = join(options.dataDir, RECENT_FILE);
  }

  /** Moves `path` to the top of the list (adding it if new) and drops the oldest beyond the cap. */
  add(path: string): Promise<void> {
    const full = resolve(path);
    return this.serial(async () => {
      const kept = (await this.read()).filter((e) => resolve(e.path) !== full);
      const entry: Entry = { path: full, name: graphName(full), openedAt: new Date().toISOString() };
      await this.write([entry, ...kept].slice(0, MAX_RECENT));
    });
  }

  list(): Promise<RecentFile[]> {
    return this.serial(async () => {
      const visible = this.options.visible ?? (() => true);
      const entries = (await this.read()).filter((e) => visible(e.path));
      // Checked now, not when added: a file moved away since is shown greyed out instead of failing on click.
      return Promise.all(
        entries.map(async (e) => ({ ...e, exists: await stat(e.path).then((s) => s.isFile(), () => false) })),
      );
    });
  }

  clear(): Promise<void> {
    return this.serial(() => this.write([]));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<Entry[]> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      return []; // missing, unreadable or not JSON: start a fresh list
    }
    const files = (json as { files?: unknown } | null)?.files;
    if (!Array.isArray(files)) return [];
    // Entry by entry, so one bad line does not cost the rest of the list.
    const entries: Entry[] = [];
    const seen = new Set<string>();
    for (const item of files) {
      const parsed = entrySchema.safeParse(item);
      if (!parsed.success || seen.has(resolve(parsed.data.path))) continue;
      seen.add(resolve(parsed.data.path));
      entries.push(parsed.data);
    }
    return entries.slice(0, MAX_RECENT);
  }

  private async write(entries: Entry[]): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, files: entries }, null, 2)}\n`);
  }
}
