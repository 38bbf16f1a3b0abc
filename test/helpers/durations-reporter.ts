/**
 * A Vitest reporter that records how long each test file and each tier took, so a tier
 * that grows slow is seen (the unit tier is meant to finish in seconds):
 *
 *   test-artifacts/durations.json  every file (tier, time, tests) and every tier
 *   test-artifacts/durations.txt   the tiers and the slowest files as a small table,
 *                                  which `.ci/run` prints at the end
 *
 * A file's time is what Vitest spent on it in its worker (environment, imports, hooks and
 * tests); a tier's span runs from its first file's start to its last file's end, so with
 * tiers interleaved in one run the spans overlap. Timings inform; no test depends on them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SLOWEST = 8;

export interface FileDuration {
  readonly file: string;
  readonly tier: string;
  readonly ms: number;
  readonly tests: number;
  readonly failed: number;
}

export interface TierDuration {
  readonly tier: string;
  readonly files: number;
  readonly tests: number;
  readonly failed: number;
  /** Sum of its files' times (work done, whichever worker did it). */
  readonly busyMs: number;
  /** First file start to last file end. */
  readonly spanMs: number;
}

export interface Durations {
  readonly finishedAt: string;
  /** From the first test file starting to the last one ending. */
  readonly wallMs: number;
  readonly tiers: readonly TierDuration[];
  /** Slowest first. */
  readonly files: readonly FileDuration[];
}

/** Time Vitest spent on one file in its worker. */
function fileMs(module: TestModule): number {
  const d = module.diagnostic();
  return d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function durationsTable(d: Durations): string {
  const row = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const widths = [12, 6, 6, 9, 9];
  const lines = [
    `Test durations (${relative(ROOT, join(ARTIFACTS, 'durations.json'))}): ${seconds(d.wallMs)} from first file to last`,
    row(['tier', 'files', 'tests', 'busy', 'span'], widths),
    ...d.tiers.map((t) => row([t.tier, String(t.files), String(t.tests), seconds(t.busyMs), seconds(t.spanMs)], widths)),
    `slowest files:`,
    ...d.files.slice(0, SLOWEST).map((f) => `  ${seconds(f.ms).padStart(8)}  ${f.tier.padEnd(13)}${f.file}`),
  ];
  return `${lines.join('\n')}\n`;
}

export interface DurationsOptions {
  /** Tier (project) names in the order the table lists them; others follow. */
  readonly tiers?: readonly string[];
}

export default class DurationsReporter implements Reporter {
  private readonly ended = new Map<string, number>();
  private readonly order: readonly string[];

  constructor(options: DurationsOptions = {}) {
    this.order = options.tiers ?? [];
  }

  onTestModuleEnd(module: TestModule): void {
    this.ended.set(module.moduleId, performance.now());
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const spans = modules.map((m) => {
      const end = this.ended.get(m.moduleId) ?? performance.now();
      const ms = fileMs(m);
      const tests = [...m.children.allTests()];
      const file: FileDuration = {
        file: relative(ROOT, m.moduleId),
        tier: m.project.name || 'default',
        ms: Math.round(ms),
        tests: tests.length,
        failed: tests.filter((t) => t.result().state === 'failed').length + (m.state() === 'failed' && tests.length === 0 ? 1 : 0),
      };
      return { file, start: end - ms, end };
    });
    if (spans.length === 0) return;

    const rank = (tier: string) => (this.order.includes(tier) ? this.order.indexOf(tier) : this.order.length);
    const names = [...new Set(spans.map((s) => s.file.tier))].sort((a, b) => rank(a) - rank(b));
    const tiers = names.map((tier): TierDuration => {
      const of = spans.filter((s) => s.file.tier === tier);
      return {
        tier,
        files: of.length,
        tests: of.reduce((n, s) => n + s.file.tests, 0),
        failed: of.reduce((n, s) => n + s.file.failed, 0),
        busyMs: Math.round(of.reduce((n, s) => n + s.file.ms, 0)),
        spanMs: Math.round(Math.max(...of.map((s) => s.end)) - Math.min(...of.map((s) => s.start))),
      };
    });
    const durations: Durations = {
      finishedAt: new Date().toISOString(),
      wallMs: Math.round(Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))),
      tiers,
      files: spans.map((s) => s.file).sort((a, b) => b.ms - a.ms),
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
    writeFileSync(join(ARTIFACTS, 'durations.txt'), durationsTable(durations));
  }
}
