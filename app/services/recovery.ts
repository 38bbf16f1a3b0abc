/**
 * Autosaved copies of unsaved graphs, so a crash or a killed window loses at
 * most the last few seconds of work: `<dataDir>/recovery/<sessionId>.json`,
 * each written atomically (a crash mid-autosave keeps the previous copy).
 *
 * Recovery files are read back with the same checks as graph files: the copy
 * may come from an older build, or be damaged, and restoring it must never
 * put an invalid graph in the editor.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadGraphJson } from '../../engine/format/load.js';
import { writeFileAtomic } from '../../engine/format/save.js';
import { z } from '../../nodes/schema.js';
import type { OpenResult, Recovery } from '../shared/api.js';
import { errorCode, errorMessage, opened, refused, refusedWith } from './results.js';

export const RECOVERY_FOLDER = 'recovery';

/** Session ids become file names; the API schema allows only these characters, checked again here for that reason. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

const recordSchema = z.object({
  name: z.string(),
  path: z.string().nullable(),
  savedAt: z.string(),
  graph: z.unknown(),
});
type RecoveryRecord = z.infer<typeof recordSchema>;

type ReadRecord = { ok: true; record: RecoveryRecord } | { ok: false; message: string };

export class RecoveryStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, RECOVERY_FOLDER);
  }

  async save(sessionId: string, name: string, path: string | null, graph: unknown): Promise<{ savedAt: string }> {
    const file = this.fileOf(sessionId);
    const savedAt = new Date().toISOString();
    const record: RecoveryRecord = { name, path, savedAt, graph };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(record));
    return { savedAt };
  }

  /** Newest first. A copy that cannot be read is skipped: listing is what the start-up prompt does, it must not fail. */
  async list(): Promise<Recovery[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return [];
      throw err;
    }
    const found: Recovery[] = [];
    for (const n of names) {
      const sessionId = n.endsWith('.json') ? n.slice(0, -'.json'.length) : '';
      if (!SESSION_ID.test(sessionId)) continue; // temp files of an interrupted write, strays
      const read = await this.read(sessionId);
      if (read.ok) found.push({ sessionId, name: read.record.name, path: read.record.path, savedAt: read.record.savedAt });
    }
    return found.sort((a, b) => (a.savedAt === b.savedAt ? a.sessionId.localeCompare(b.sessionId) : a.savedAt < b.savedAt ? 1 : -1));
  }

  async restore(sessionId: string): Promise<OpenResult> {
    const read = await this.read(sessionId);
    const source = `the recovered copy of session ${sessionId}`;
    if (!read.ok) return refused(source, read.message);
    const { record } = read;
    const loaded = loadGraphJson(record.graph, `the recovered copy of ${record.name || 'an untitled graph'}`);
    if (!loaded.ok) return refusedWith(source, loaded.problems);
    return opened(record.path, record.name || 'untitled', loaded);
  }

  async discard(sessionId: string): Promise<void> {
    await rm(this.fileOf(sessionId), { force: true });
  }

  private async read(sessionId: string): Promise<ReadRecord> {
    const file = this.fileOf(sessionId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const missing = errorCode(err) === 'ENOENT';
      const message = missing
        ? `there is no recovered copy for session ${sessionId} (it was restored or discarded already)`
        : `the recovery file ${file} cannot be read: ${errorMessage(err)}`;
      return { ok: false, message };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, message: `the recovery file ${file} is damaged (not valid JSON) and cannot be restored` };
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success || parsed.data.graph === undefined) {
      return { ok: false, message: `the recovery file ${file} is damaged (not a recovery record) and cannot be restored` };
    }
    return { ok: true, record: parsed.data };
  }

  private fileOf(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error(`"${sessionId.slice(0, 80)}" is not a session id`);
    return join(this.dir, `${sessionId}.json`);
  }
}
