/** What a run's loop gets from the host: its control, the event sink, the backend and the folder paths resolve against. */
import type { BackendName } from '../backend/select.js';
import type { BackendSummary, RunEvent } from '../protocol/run.js';
import type { RunControl } from './control.js';

export interface RunContext {
  readonly control: RunControl;
  readonly emit: (ev: RunEvent) => void;
  readonly backend: BackendSummary;
  readonly backendName: BackendName;
  /** Relative graph paths (and datasets of unsaved graphs) resolve against this. */
  readonly hostDir: string;
}
