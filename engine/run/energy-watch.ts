/**
 * Watching the energy while a net settles: a value that is not finite ends the run (the
 * weights or the data hold values the net cannot settle with), and under a `descent`
 * guarantee every rise is recorded — an alarm that the plan or the weights break what
 * the compiler assumed.
 */
import type { GuaranteeKind } from '../compile/plan.js';
import type { EnergyRise } from '../protocol/run.js';
import { RunInputError } from './input-error.js';

export class EnergyWatch {
  readonly rises: EnergyRise[] = [];
  private last: readonly number[];

  constructor(
    private readonly guarantee: GuaranteeKind,
    initial: readonly number[],
  ) {
    checkFinite(initial, 0);
    this.last = initial;
  }

  /**
   * Takes the energies after iteration `iter` and which rose by more than float32 rounding
   * explains (the settle loop measures that against the size of the energy's parts:
   * runtime/convergence.ts); true when some example's energy rose under descent.
   */
  observe(energy: readonly number[], rose: readonly boolean[], iter: number): boolean {
    checkFinite(energy, iter);
    let any = false;
    if (this.guarantee === 'descent') {
      energy.forEach((e, b) => {
        if (!rose[b]) return;
        any = true;
        this.rises.push({ example: b, iter, from: this.last[b], to: e });
      });
    }
    this.last = energy;
    return any;
  }

  get current(): readonly number[] {
    return this.last;
  }
}

function checkFinite(energy: readonly number[], iter: number): void {
  const b = energy.findIndex((e) => !Number.isFinite(e));
  if (b >= 0) {
    throw new RunInputError(`the energy of example ${b} became ${energy[b]} at iteration ${iter}: the weights or the data hold values the net cannot settle with`);
  }
}
