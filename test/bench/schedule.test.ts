import { describe, expect, it } from 'vitest';
import { startAnotherRound, turnOrder } from '../../bench/interleave/schedule.js';

describe('round scheduling', () => {
  const sides = ['wasm', 'wasm×2', 'ref-1t', 'ref-2t'];

  it('every side takes one turn per round', () => {
    expect(turnOrder(sides, 0)).toEqual(['wasm', 'wasm×2', 'ref-2t', 'ref-1t']);
    for (let r = 0; r < 9; r++) expect([...turnOrder(sides, r)].sort()).toEqual([...sides].sort());
    expect(turnOrder(sides, 8)).toEqual(turnOrder(sides, 0));
    expect(turnOrder([], 3)).toEqual([]);
    expect(turnOrder(['only'], 4)).toEqual(['only']);
  });

  /** Over `rounds` rounds: how often each side sat at each position, and how often each side followed each other. */
  function balance(ids: readonly string[], rounds: number) {
    const positions = new Map<string, number>();
    const follows = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (let r = 0; r < rounds; r++) {
      const order = turnOrder(ids, r);
      order.forEach((s, i) => bump(positions, `${s}@${i}`));
      order.slice(1).forEach((s, i) => bump(follows, `${order[i]}→${s}`));
    }
    return { positions: [...positions.values()], follows: [...follows.values()], pairs: follows.size };
  }

  it('balances positions and predecessors: an even number of sides in n rounds', () => {
    const b = balance(sides, 4);
    expect(b.positions).toEqual(new Array(16).fill(1));
    // Every ordered pair of different sides once: 4 · 3 = 12.
    expect(b.pairs).toBe(12);
    expect(b.follows).toEqual(new Array(12).fill(1));
  });

  it('balances positions and predecessors: an odd number of sides in 2n rounds', () => {
    const five = ['a', 'b', 'c', 'd', 'e'];
    const b = balance(five, 10);
    expect(b.positions).toEqual(new Array(25).fill(2));
    expect(b.pairs).toBe(20);
    expect(b.follows).toEqual(new Array(20).fill(2));
  });

  it('runs the minimum rounds whatever the clock says, then only rounds that end within the budget', () => {
    const budget = { minRounds: 3, maxRounds: 10, budgetMs: 60_000 };
    expect(startAnotherRound(budget, 0, 0, 0)).toBe(true);
    expect(startAnotherRound(budget, 2, 500_000, 400_000)).toBe(true);
    expect(startAnotherRound(budget, 3, 40_000, 15_000)).toBe(true);
    expect(startAnotherRound(budget, 3, 50_000, 15_000)).toBe(false);
    expect(startAnotherRound(budget, 10, 0, 1)).toBe(false);
    expect(startAnotherRound({ minRounds: 3, maxRounds: 2, budgetMs: 1e9 }, 2, 0, 0)).toBe(true);
  });
});
