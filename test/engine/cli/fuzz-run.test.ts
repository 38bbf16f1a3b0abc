/**
 * The CLI on mutated graph files, seeded: every mutant goes through validate, compile and
 * (when it validates) a one-iteration settle on the real engine. Each ends with exit 0, or
 * exit 2 and lines that name what and where; never an internal error (exit 1), never a
 * stack trace, never a control character on the terminal, never longer than the guard.
 *
 * CI runs FUZZ_CASES (default 2,000) cases from FUZZ_SEED (default 17); `npm run fuzz` runs
 * many more and prints the summary the README quotes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { cli, type CliResult } from '../../helpers/cli.js';
import { mutate, mutateText, mutation, textMutation, type Json } from '../../helpers/graph-mutations.js';

const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
/** Far above what one case takes (milliseconds to a second); a case past it counts as a hang. */
const GUARD_MS = 20_000;

// Examples with generated data: a settle of one of them takes milliseconds, so thousands fit in CI.
const BASES = ['hopfield', 'hopfield-retrieval', 'associative-recall'].map(
  (name) => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', `${name}.attractor.json`), 'utf8')) as Json,
);
const tmp = mkdtempSync(join(tmpdir(), 'attractor-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Control characters but \t and \n: a file's names must never reach the terminal raw.
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

type Outcome = 'ok' | 'refused' | 'internal' | 'hang';

async function guarded(argv: string[]): Promise<CliResult | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), GUARD_MS)));
  try {
    return await Promise.race([cli(...argv), hang]);
  } finally {
    clearTimeout(timer);
  }
}

function judge(r: CliResult | 'hang', what: string, problems: string[]): Outcome {
  if (r === 'hang') {
    problems.push(`${what}: no answer within ${GUARD_MS} ms`);
    return 'hang';
  }
  const text = `${r.out}\n${r.err}`;
  if (r.code === 1 || /internal error/.test(r.err)) problems.push(`${what}: exit ${r.code}: ${r.err.slice(0, 400)}`);
  else if (r.code !== 0 && r.code !== 2) problems.push(`${what}: exit ${r.code}`);
  else if (/\n\s+at /.test(r.err)) problems.push(`${what}: a stack trace`);
  else if (RAW_CONTROL.test(text)) problems.push(`${what}: a raw control character on the terminal`);
  else if (r.code === 2 && r.err.trim() === '') problems.push(`${what}: refused without a word`);
  else return r.code === 0 ? 'ok' : 'refused';
  return r.code === 1 ? 'internal' : 'refused';
}

it(`${CASES} mutated graphs through validate, compile and a one-iteration settle: no internal errors, no hangs`, async () => {
  const counts: Record<Outcome, number> = { ok: 0, refused: 0, internal: 0, hang: 0 };
  let settled = 0;
  const problems: string[] = [];
  const started = Date.now();
  const cases = fc.sample(fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), textMutation), { seed: SEED, numRuns: CASES });
  for (const [i, [b, mutations, textOp]] of cases.entries()) {
    let doc = structuredClone(BASES[b % BASES.length]);
    for (const m of mutations) doc = mutate(doc, m);
    const file = join(tmp, `case-${i}.attractor.json`);
    writeFileSync(file, mutateText(JSON.stringify(doc, null, 2), textOp));
    const what = `case ${i} (seed ${SEED}: ${JSON.stringify(mutations).slice(0, 300)})`;
    const validated = judge(await guarded(['validate', file]), `${what} validate`, problems);
    counts[validated]++;
    if (validated !== 'ok') continue;
    counts[judge(await guarded(['compile', file]), `${what} compile`, problems)]++;
    const settle = judge(await guarded(['settle', file, '--steps', '1', '--no-record']), `${what} settle`, problems);
    counts[settle]++;
    if (settle === 'ok') settled++;
  }
  const summary = `fuzz: ${CASES} cases (seed ${SEED}), ${counts.ok} commands ok, ${counts.refused} refused with exit 2, ${settled} settles ran, ${counts.internal} internal errors, ${counts.hang} hangs, ${Math.round((Date.now() - started) / 1000)} s`;
  console.log(summary);
  if (process.env.FUZZ_SUMMARY) writeFileSync(process.env.FUZZ_SUMMARY, `${summary}\n`);
  expect(problems).toEqual([]);
  // Both outcomes must be common, or the mutations are not reaching the engine.
  expect(settled).toBeGreaterThan(CASES / 20);
  expect(counts.refused).toBeGreaterThan(CASES / 4);
}, 3_600_000);
