/**
 * Ctrl-C for a long command: the first asks the run to stop at its next safe point (the
 * gate before a settle iteration or a training batch); a second exits at once.
 */
import { EXIT } from './errors.js';

/** Installs the handlers for one run; returns their removal. */
export type Interrupts = (stop: () => void, unit: 'iteration' | 'batch' | 'finite difference') => () => void;

export const ctrlC: Interrupts = (stop, unit) => {
  const again = () => process.exit(EXIT.interrupted);
  const first = () => {
    stop();
    process.stderr.write(`\nstopping after this ${unit} (Ctrl-C again to quit now)\n`);
    process.once('SIGINT', again);
  };
  process.once('SIGINT', first);
  return () => {
    process.off('SIGINT', first);
    process.off('SIGINT', again);
  };
};
