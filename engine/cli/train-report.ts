/**
 * `attractor train` as a progress bar or JSON lines, rendered from the run driver's
 * events, each batch's report and the run's outcome; the exit code follows the outcome
 * (0 done, 1 stopped by a loss that is not finite, 130 interrupted).
 */
import type { RunEvent, TrainTotals } from '../protocol/run.js';
import type { HeldOutReport } from '../run/held-out.js';
import type { TrainOutcome } from '../run/train-run.js';
import type { EvalReport } from '../train/evaluate.js';
import type { BatchReport } from '../train/trainer.js';
import { unsettledAdvice } from '../protocol/settling-advice.js';
import { formatEval } from './commands/eval.js';
import { CLI_WORDS } from './settle-report.js';
import { EXIT } from './errors.js';
import type { Io } from './io.js';
import { progressLine } from './progress.js';

export class TrainReport {
  private totals: TrainTotals | undefined;
  private secondsPerBatch = 0;

  constructor(
    private readonly io: Io,
    /** JSON lines (asked for, or stdout is not a terminal) instead of a progress bar. */
    private readonly json: boolean,
    private readonly out: string,
  ) {}

  readonly take = (ev: RunEvent): void => {
    if (ev.type !== 'run.started' || ev.kind !== 'train') return;
    this.totals = ev.totals;
    if (this.json) return;
    const t = ev.totals;
    this.io.out(ev.backend.description);
    if (t.method === 'hebbian') return;
    const resuming = t.startStep > 0 ? `, resuming at batch ${t.startStep + 1}` : '';
    this.io.out(`${t.method}, ${t.batches} batches of ${t.batchSize} (${t.batchesPerEpoch} per epoch)${resuming}, ${t.workers + 1} core${t.workers > 0 ? 's' : ''}; checkpoints in ${this.out}`);
  };

  batch(r: BatchReport): void {
    this.secondsPerBatch = this.secondsPerBatch === 0 ? r.ms / 1000 : 0.9 * this.secondsPerBatch + 0.1 * (r.ms / 1000);
    if (this.json) {
      this.log({ step: r.step, epoch: r.epoch, loss: r.loss, meanTStar: r.meanTStar, tossed: r.tossed, cycle2: r.cycle2, unsettled: r.unsettled, adjointSteps: r.adjointSteps, ms: Math.round(r.ms * 10) / 10 });
    } else if (this.totals) this.io.outInPlace?.(progressLine(r, this.totals.batches, this.totals.batchSize, this.secondsPerBatch));
  }

  end(o: TrainOutcome): number {
    const { io, out } = this;
    switch (o.status) {
      case 'cancelled':
        io.err(`interrupted after batch ${o.at} of ${this.totals?.batches ?? '?'}; checkpoint in ${out} (continue with --resume)`);
        return EXIT.interrupted;
      case 'stopped':
        io.err(`training stopped: ${o.reason}; the last good checkpoint is in ${out}${o.checkpointWritten ? '' : ' (none was written yet)'}`);
        return EXIT.failure;
      case 'done': {
        const held = evalReport(o.heldOut);
        if (o.stored) {
          if (this.json) this.log({ done: true, method: 'hebbian', stored: Object.fromEntries(o.stored), checkpoint: out, heldOut: held });
          else io.out(`stored ${[...o.stored].map(([c, n]) => `${n} patterns in "${c}"`).join(', ')}; weights in ${out}\n${formatEval(held)}`);
          return EXIT.ok;
        }
        const { tossed, cycle2, unsettled } = o.totals;
        if (this.json) {
          this.log({ done: true, batches: o.steps, loss: o.lastLoss, ...o.totals, checkpoint: out, heldOut: held });
          return EXIT.ok;
        }
        io.out('');
        io.out(`done: ${o.steps} batches, last loss ${(o.lastLoss ?? NaN).toFixed(4)}; tossed ${tossed}, 2-cycles ${cycle2}, unsettled ${unsettled}; weights in ${out}`);
        io.out(formatEval(held));
        const t = this.totals;
        const advice = t ? unsettledAdvice({ unsettled, examples: (o.steps - t.startStep) * t.batchSize, steps: t.steps, theta: t.theta }, { ...CLI_WORDS, theta: 'settle.theta in the graph file' }) : null;
        if (advice) io.err(`warning: ${advice}`);
        return EXIT.ok;
      }
    }
  }

  private log(obj: Record<string, unknown>): void {
    this.io.out(JSON.stringify(obj));
  }
}

/** The held-out numbers as `attractor eval` reports them (the histogram is the dashboard's). */
function evalReport(r: HeldOutReport): EvalReport {
  return { examples: r.examples, loss: r.loss, accuracy: r.accuracy, meanTStar: r.meanTStar, cycle2: r.cycle2, maxTStar: r.maxTStar, unsettled: r.unsettled, ms: r.ms };
}
