/**
 * Run records and sweeps behind the API (runs.*, sweep.*): listings and curves read from
 * the graph's run folders, whoever wrote them; sweeps started, cancelled and resumed
 * here run as processes of this host (a local pool of CLI tasks) or as Slurm jobs, and
 * keep going while the UI polls. In the web mode every graph path must lie in the
 * workspace, as for files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Response } from '../shared/api.js';
import type { ValidPayload } from '../shared/request-schemas.js';
import { loadGraphFile } from '../../engine/format/load.js';
import { runsDirFor } from '../../engine/experiments/paths.js';
import { listRuns, readCurves, readRun, settingsTable } from '../../engine/experiments/run-folders.js';
import { createSweep, listSweeps, logFile, sweepDir } from '../../engine/experiments/sweep-folder.js';
import { cancelSweep, driveSweep, type SweepHandle } from '../../engine/experiments/sweep-driver.js';
import type { CliCommand } from '../../engine/experiments/local-runner.js';
import type { Workspace } from './workspace.js';

/** Most bytes of a log one runs.log answer carries. */
const LOG_CHUNK = 64 * 1024;

/**
 * The CLI the sweep's tasks run: bin/attractor.mjs of the installation this file belongs
 * to, run by this Node. Not in Electron, whose binary is not Node (and with the runAsNode
 * fuse off cannot become it): the desktop app passes its own (app/main/sweep-tasks.ts).
 */
export function installedCli(from = import.meta.url): CliCommand | undefined {
  if (process.versions.electron) return undefined;
  for (let dir = dirname(fileURLToPath(from)); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'attractor-studio') return { command: process.execPath, args: [join(dir, 'bin', 'attractor.mjs')] };
      } catch {
        // not ours: keep climbing
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export class ExperimentService {
  private readonly sweeps = new Map<string, SweepHandle>();

  constructor(private readonly options: { readonly cli?: CliCommand; readonly workspace?: Workspace }) {}

  private async graph(path: string): Promise<string> {
    if (!this.options.workspace) return path;
    const inside = await this.options.workspace.resolve(path);
    if (!inside.ok) throw new Error(inside.message);
    return inside.path;
  }

  async list({ graphPath }: ValidPayload<'runs.list'>): Promise<Response<'runs.list'>> {
    const file = await this.graph(graphPath);
    const [runs, sweeps] = await Promise.all([listRuns(runsDirFor(file)), listSweeps(file)]);
    return { runs, sweeps };
  }

  async curves({ graphPath, ids }: ValidPayload<'runs.curves'>): Promise<Response<'runs.curves'>> {
    const dir = runsDirFor(await this.graph(graphPath));
    const curves = (await Promise.all(ids.map((id) => readCurves(dir, id)))).filter((c) => c !== null);
    const records = (await Promise.all(ids.map((id) => readRun(join(dir, id))))).flatMap((r) => (r ? [r.record] : []));
    return { curves, settings: settingsTable(records) };
  }

  async log({ graphPath, sweepId, index, offset }: ValidPayload<'runs.log'>): Promise<Response<'runs.log'>> {
    const file = logFile(sweepDir(await this.graph(graphPath), sweepId), index);
    const handle = await open(file, 'r').catch(() => null);
    if (!handle) return { text: '', offset };
    try {
      const buffer = Buffer.alloc(LOG_CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, LOG_CHUNK, offset);
      return { text: buffer.subarray(0, bytesRead).toString('utf8'), offset: offset + bytesRead };
    } finally {
      await handle.close();
    }
  }

  async start({ graphPath, spec }: ValidPayload<'sweep.start'>): Promise<Response<'sweep.start'>> {
    const file = await this.graph(graphPath);
    const loaded = await loadGraphFile(file);
    if (!loaded.ok) throw new Error(`${file} does not load: ${loaded.problems[0]?.message ?? 'invalid'}; save the graph first`);
    const { dir, sweep } = createSweep(file, loaded.graph, spec);
    await this.drive(dir);
    return { id: sweep.id, dir };
  }

  async resume({ graphPath, id }: ValidPayload<'sweep.resume'>): Promise<void> {
    const dir = sweepDir(await this.graph(graphPath), id);
    if (this.sweeps.has(dir)) throw new Error(`sweep ${id} is running`);
    await this.drive(dir);
  }

  async cancel({ graphPath, id }: ValidPayload<'sweep.cancel'>): Promise<void> {
    const dir = sweepDir(await this.graph(graphPath), id);
    const handle = this.sweeps.get(dir);
    await (handle ? handle.cancel() : cancelSweep(dir));
  }

  /** Cancels the sweeps this host runs (it is shutting down): their runs checkpoint and can be resumed. */
  async stop(): Promise<void> {
    await Promise.all([...this.sweeps.values()].map((h) => h.cancel().catch(() => undefined)));
  }

  private async drive(dir: string): Promise<void> {
    const cli = this.options.cli;
    if (!cli) throw new Error('sweeps need the attractor command line, which this host does not have');
    const handle = await driveSweep(dir, { cli });
    this.sweeps.set(dir, handle);
    void handle.done.catch(() => undefined).finally(() => this.sweeps.delete(dir));
  }
}
