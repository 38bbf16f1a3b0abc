/**
 * What a run's loops get from whoever started them: the gate they pass before each unit
 * of work, the sink their events go to, and the backend they run on. The run-protocol
 * server forwards the events to its client; the CLI renders them as text or JSON.
 */
import type { BackendInfo, BackendName } from '../backend/select.js';
import { describeBackend } from '../backend/select.js';
import type { BackendSummary, RunEvent } from '../protocol/run.js';
import type { RunControl } from './control.js';

export type RunSink = (ev: RunEvent) => void;

export interface RunContext {
  /** Pause, step and cancel; its runId is the one every event carries. */
  readonly control: RunControl;
  readonly emit: RunSink;
  readonly backend: BackendSummary;
  /** Recorded in checkpoints, and what gradient workers start. */
  readonly backendName: BackendName;
}

export function backendSummary(info: BackendInfo): BackendSummary {
  return { name: info.name, detail: info.detail, description: describeBackend(info), skipped: info.skipped };
}
