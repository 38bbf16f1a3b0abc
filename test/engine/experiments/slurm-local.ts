/** The one-node Slurm of scripts/slurm-local.sh, started (and installed, on CI) before a Slurm test. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export function startLocalSlurm(): void {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'slurm-local.sh'), 'start'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`scripts/slurm-local.sh start failed (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
}

export function squeue(): string {
  return spawnSync('squeue', ['-h'], { encoding: 'utf8' }).stdout;
}
