/**
 * Transient UI state: which dialog is open, the notices on screen and the
 * engine's latest verdict on the graph. Nothing here is saved.
 */
import type { Problem } from '../../../../../nodes/problems.js';
import type { PlanSummary } from '../../../../../engine/protocol/check.js';
import type { Recovery } from '../../../../shared/api.js';
import { createStore } from './store.js';

export interface Choice {
  readonly id: string;
  readonly label: string;
  readonly primary?: boolean;
  readonly danger?: boolean;
}

export type Modal =
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'examples' }
  | { kind: 'shortcuts' }
  | { kind: 'settings' }
  | { kind: 'fileError'; title: string; source: string; problems: readonly Problem[] }
  | { kind: 'confirm'; title: string; message: string; choices: readonly Choice[]; resolve(choice: string): void }
  | { kind: 'recovery'; recovery: Recovery };

export interface Notice {
  readonly id: number;
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface CheckState {
  readonly problems: readonly Problem[];
  readonly plan?: PlanSummary;
  /** A request is in flight or debouncing; the shown result may be one edit behind. */
  readonly pending: boolean;
}

export interface UiState {
  readonly modal: Modal | null;
  readonly notices: readonly Notice[];
  readonly check: CheckState;
  readonly bottomTab: 'problems' | 'plan';
  readonly selection: readonly string[];
}

const NOTICE_MS = 6000;

export function createUiStore() {
  const store = createStore<UiState>({
    modal: null,
    notices: [],
    check: { problems: [], pending: false },
    bottomTab: 'problems',
    selection: [],
  });
  let nextNotice = 1;

  const dismiss = (id: number) => store.set((s) => ({ ...s, notices: s.notices.filter((n) => n.id !== id) }));

  return {
    ...store,
    show(modal: Modal | null) {
      store.set((s) => ({ ...s, modal }));
    },
    close() {
      store.set((s) => ({ ...s, modal: null }));
    },
    notify(text: string, tone: Notice['tone'] = 'info') {
      const id = nextNotice++;
      // Keep the last few: a burst of refused connections should not bury the canvas.
      store.set((s) => ({ ...s, notices: [...s.notices.slice(-2), { id, text, tone }] }));
      setTimeout(() => dismiss(id), NOTICE_MS);
    },
    dismiss,
    /** Resolves with the id of the chosen button, or 'cancel' when the dialog is dismissed. */
    confirm(title: string, message: string, choices: readonly Choice[]): Promise<string> {
      return new Promise((resolve) => {
        store.set((s) => ({
          ...s,
          modal: {
            kind: 'confirm',
            title,
            message,
            choices,
            resolve: (choice) => {
              store.set((t) => ({ ...t, modal: null }));
              resolve(choice);
            },
          },
        }));
      });
    },
    setCheck(check: CheckState) {
      store.set((s) => ({ ...s, check }));
    },
    setBottomTab(bottomTab: UiState['bottomTab']) {
      store.set((s) => ({ ...s, bottomTab }));
    },
    setSelection(selection: readonly string[]) {
      store.set((s) => ({ ...s, selection }));
    },
  };
}

export type UiStore = ReturnType<typeof createUiStore>;
