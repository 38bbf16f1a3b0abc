/**
 * Plans are behaviour: every example and fixture graph, under every schedule, compiles to
 * exactly the plan recorded in test/fixtures/plans/ (JSON and the text `attractor compile`
 * prints). The files were written by the CLI before the coupling registry replaced the
 * per-kind switches; a refactor that changes a plan fails here.
 *
 * File names: <folder>--<graph>--<schedule>-<order>, where "default" is the file's own schedule and
 * "fixed" passes no --order (the file's own order).
 *
 * To re-record after an intended change: `RECORD_PLANS=1 npx vitest run test/engine/compile/golden-plans.test.ts`,
 * then read the diff of test/fixtures/plans/ before committing it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';

const PLANS = 'test/fixtures/plans';
const SOURCES = { examples: 'examples', graphs: 'test/fixtures/graphs' } as const;
const record = process.env.RECORD_PLANS === '1';

interface Case {
  file: string;
  golden: string;
  args: string[];
}

function cases(): Case[] {
  return readdirSync(PLANS).map((name) => {
    const [folder, graph, variant] = basename(name).replace(/\.(json|txt)$/, '').split('--');
    const [schedule, order] = variant.split('-');
    const args = [
      ...(schedule === 'default' ? [] : ['--schedule', schedule]),
      ...(order === 'shuffled' ? ['--order', 'shuffled'] : []),
      ...(name.endsWith('.json') ? ['--json'] : []),
    ];
    return { file: join(SOURCES[folder as keyof typeof SOURCES], `${graph}.attractor.json`), golden: join(PLANS, name), args };
  });
}

describe('golden plans', () => {
  const all = cases();

  it('cover every example under every schedule', () => {
    const examples = readdirSync('examples').filter((f) => f.endsWith('.attractor.json'));
    for (const e of examples) {
      const graph = e.replace('.attractor.json', '');
      expect(all.filter((c) => c.golden.includes(`examples--${graph}--`)).length, graph).toBeGreaterThanOrEqual(11);
    }
  });

  it.each(all.map((c) => [c.golden, c] as const))('%s', async (_, c) => {
    const r = await cli('compile', c.file, ...c.args);
    const text = c.golden.endsWith('.json') ? stripFile(r.out) : [r.err, r.out].filter((s) => s !== '').join('\n') + '\n';
    if (record) writeFileSync(c.golden, text);
    expect(text).toBe(readFileSync(c.golden, 'utf8'));
  });
});

/** The JSON minus the file path (recorded from another working directory), pretty-printed as recorded. */
function stripFile(out: string): string {
  const report = JSON.parse(out) as Record<string, unknown>;
  delete report.file;
  return JSON.stringify(report, null, 1) + '\n';
}
