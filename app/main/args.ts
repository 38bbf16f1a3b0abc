/**
 * A graph file named on the command line: `attractor-studio net.attractor.json`,
 * a file association on Windows and Linux, or the argv a second instance
 * forwards to the first one.
 */
import { isAbsolute, resolve } from 'node:path';

/**
 * The last argument that names a `.json` file, resolved against the directory
 * the command was run in. `skip` leading entries are the executable (and, when
 * run unpackaged as `electron .`, the app path). Switches (`--foo`, macOS's
 * `-psn_…`) are not files. Null when there is none.
 */
export function graphPathFromArgv(argv: readonly string[], cwd: string, skip = 1): string | null {
  const files = argv.slice(skip).filter((a) => a !== '' && !a.startsWith('-') && a.toLowerCase().endsWith('.json'));
  const last = files.at(-1);
  if (last === undefined) return null;
  return isAbsolute(last) ? last : resolve(cwd, last);
}
