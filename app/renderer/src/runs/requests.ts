/**
 * What the Runs and Sweep views ask of the services (runs.*, sweep.* in app/shared/api.ts)
 * and the cross-view requests they send: "settle with this run's weights" (heard by the
 * run dock) and "sweep this parameter" (sent by the inspector). Window events, so the
 * views stay apart from the components that hear them.
 */
import { useEffect, useState } from 'react';
import type { AttractorApi, Response } from '../../../shared/api.js';

/** Polled while the view is open: run folders change from other processes (CLI, Slurm). */
export const POLL_MS = 2000;

export function useRunsList(api: AttractorApi, graphPath: string | null): { data: Response<'runs.list'> | null; error: string | null; refresh: () => void } {
  const [data, setData] = useState<Response<'runs.list'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!graphPath) return;
    let live = true;
    const load = () =>
      api.call('runs.list', { graphPath }).then(
        (d) => live && (setData(d), setError(null)),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, graphPath, tick]);
  return { data: graphPath ? data : null, error, refresh: () => setTick((t) => t + 1) };
}

const SETTLE_EVENT = 'attractor:settle-weights';
const SWEEP_EVENT = 'attractor:sweep-param';

/** Ask the run dock to open Settle with these weights (a run's checkpoint folder). */
export function requestSettle(weights: string): void {
  window.dispatchEvent(new CustomEvent<string>(SETTLE_EVENT, { detail: weights }));
}

export function useSettleRequests(handle: (weights: string) => void): void {
  useEffect(() => {
    const on = (e: Event) => handle((e as CustomEvent<string>).detail);
    window.addEventListener(SETTLE_EVENT, on);
    return () => window.removeEventListener(SETTLE_EVENT, on);
  }, [handle]);
}

export interface SweepParamRequest {
  /** training.…, settle.… or NODE.… */
  readonly path: string;
  readonly value: unknown;
}

/** From the inspector: add this parameter (at its current value) to the sweep being built. */
export function requestSweepParam(request: SweepParamRequest): void {
  window.dispatchEvent(new CustomEvent<SweepParamRequest>(SWEEP_EVENT, { detail: request }));
}

export function useSweepParamRequests(handle: (r: SweepParamRequest) => void): void {
  useEffect(() => {
    const on = (e: Event) => handle((e as CustomEvent<SweepParamRequest>).detail);
    window.addEventListener(SWEEP_EVENT, on);
    return () => window.removeEventListener(SWEEP_EVENT, on);
  }, [handle]);
}
