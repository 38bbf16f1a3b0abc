/**
 * A sweep run on a cluster reached over SSH. The login node gets the graph (and the data
 * files it names relative to itself) in `remoteDir`, and the sweep folder beside it as
 * here (`NAME.sweeps/<id>/`, its sweep file naming the graph's remote path); the job
 * array's tasks write their run folders there (`NAME.runs/`); `pull` copies this sweep's
 * run folders and logs back beside the local graph, so the Runs panel and
 * `attractor runs` read them as if they had run here. Files travel as tar archives
 * through the SSH channel (tar on both sides: every Linux and macOS has one).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative } from 'node:path';
import type { GraphDoc } from '../../nodes/graph.js';
import { loadGraphFile } from '../format/load.js';
import { SWEEP_FILE, type SlurmOptions, type SshOptions, type SweepFile } from '../protocol/sweeps.js';
import { graphStem } from './paths.js';
import { quote, run } from './shell.js';
import { submitArray } from './slurm.js';
import { openSsh, SshError, type SshShell } from './ssh-shell.js';
import { readState } from './sweep-folder.js';

/** Files a graph reads, relative to its folder: its datasets' IDX, CSV and PNG sources, and its weights. */
export function graphInputs(graph: GraphDoc): string[] {
  const out: string[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== 'dataset') continue;
    const source = node.params.source as Record<string, unknown>;
    for (const key of ['images', 'labels', 'path']) {
      const v = source[key];
      if (typeof v === 'string' && !isAbsolute(v)) out.push(v);
    }
  }
  if (graph.weights && !isAbsolute(graph.weights)) out.push(graph.weights);
  return out;
}

export class RemoteSweep {
  /** The sweep folder on the login node. */
  readonly sweepDir: string;
  private readonly remoteGraph: string;

  private constructor(
    readonly shell: SshShell,
    private readonly sweep: SweepFile,
    private readonly ssh: SshOptions,
  ) {
    const stem = graphStem(sweep.graph.file);
    this.remoteGraph = posix.join(ssh.remoteDir, `${stem}.attractor.json`);
    this.sweepDir = posix.join(ssh.remoteDir, `${stem}.sweeps`, sweep.id);
  }

  static async open(localDir: string, sweep: SweepFile, ssh: SshOptions): Promise<RemoteSweep> {
    const known = readState(localDir)?.remote?.hostKey;
    return new RemoteSweep(await openSsh(ssh, known), sweep, ssh);
  }

  /** Uploads the graph, its inputs and the sweep file (naming the remote graph), then submits the array. */
  async submit(indices: readonly number[], options: SlurmOptions): Promise<string> {
    const file = this.sweep.graph.file;
    const loaded = await loadGraphFile(file);
    if (!loaded.ok) throw new SshError(`${file} does not load: ${loaded.problems[0]?.message ?? 'invalid'}`);
    const folder = dirname(file);
    const inputs = graphInputs(loaded.graph).filter((p) => existsSync(join(folder, p)));
    const archive = await run('tar', ['-cf', '-', '-C', folder, basename(file), ...inputs]);
    if (archive.code !== 0) throw new SshError(`packing ${file} for ${this.shell.where} failed: ${archive.stderr.trim()}`);
    const stem = graphStem(file);
    const unpack = await this.shell.exec(
      `mkdir -p ${quote(this.ssh.remoteDir)} && tar -xf - -C ${quote(this.ssh.remoteDir)} && ` +
        `{ [ ${quote(basename(file))} = ${quote(`${stem}.attractor.json`)} ] || mv -f ${quote(posix.join(this.ssh.remoteDir, basename(file)))} ${quote(this.remoteGraph)}; }`,
      archive.stdout,
    );
    if (unpack.code !== 0) throw new SshError(`unpacking the graph on ${this.shell.where} failed: ${unpack.stderr.trim()}`);
    const remoteSweep: SweepFile = { ...this.sweep, graph: { ...this.sweep.graph, file: this.remoteGraph } };
    await this.shell.writeFile(posix.join(this.sweepDir, SWEEP_FILE), `${JSON.stringify(remoteSweep, null, 2)}\n`);
    const logs = await this.shell.exec(`mkdir -p ${quote(posix.join(this.sweepDir, 'logs'))}`);
    if (logs.code !== 0) throw new SshError(`creating ${this.sweepDir} on ${this.shell.where} failed: ${logs.stderr.trim()}`);
    return submitArray(this.shell, remoteSweep, this.sweepDir, indices, options, options.attractor ?? 'attractor');
  }

  /** Copies this sweep's run folders (checkpoints only when `checkpoints`) and logs back beside the local graph. */
  async pull(checkpoints = false): Promise<void> {
    const stem = graphStem(this.sweep.graph.file);
    const runs = `${stem}.runs`;
    const logs = posix.join(`${stem}.sweeps`, this.sweep.id, 'logs');
    const exclude = checkpoints ? '' : `--exclude=${quote('*/checkpoint')}`;
    const r = await this.shell.execBytes(
      `cd ${quote(this.ssh.remoteDir)} && tar -cf - --exclude=${quote('*.tmp')} ${exclude} ${quote(logs)} $(ls -d ${quote(runs)}/${quote(this.sweep.id)}-* 2>/dev/null)`,
    );
    if (r.code !== 0) throw new SshError(`copying the runs back from ${this.shell.where} failed: ${r.stderr.trim()}`);
    const localGraphDir = dirname(this.sweep.graph.file);
    mkdirSync(localGraphDir, { recursive: true });
    const x = await run('tar', ['-xf', '-', '-C', localGraphDir], r.stdout);
    if (x.code !== 0) throw new SshError(`unpacking the runs from ${this.shell.where} into ${relative(process.cwd(), localGraphDir) || '.'} failed: ${x.stderr.trim()}`);
  }

  async close(): Promise<void> {
    await this.shell.close();
  }
}
