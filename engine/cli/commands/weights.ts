/**
 * `attractor weights export|import`: weights to and from NumPy `.npz` files, so a run can
 * be compared with NumPy or PyTorch code, or start from weights made there.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBackend, type BackendInfo } from '../../backend/select.js';
import { isZip } from '../../data/init-files.js';
import { decodeNpz, encodeNpz } from '../../format/npz.js';
import { NumpyFormatError, type NdArray } from '../../format/npy.js';
import { writeFileAtomic } from '../../format/save.js';
import { openNetwork } from '../../run/weights.js';
import { importArrays, networkArrays, SYMMETRIC } from '../../run/weights-npz.js';
import { Network } from '../../runtime/network.js';
import { tf } from '../../tf.js';
import { readValues } from '../../runtime/readback.js';
import { CheckpointError, disposeCheckpoint, loadCheckpoint, MANIFEST_FILE, saveCheckpoint, sidecarDirFor } from '../../train/checkpoint.js';
import { intOption, onePositional, options, parse } from '../args.js';
import { InputError } from '../errors.js';
import { backendOption, openCommandRun, printWarnings } from '../open.js';
import type { Io } from '../io.js';

const EXPORT_USAGE = 'attractor weights export CHECKPOINT_DIR|GRAPH_FILE --npz OUT.npz [--weights DIR] [--seed K] [--backend B] [--json]';
const IMPORT_USAGE = 'attractor weights import FILE.npz --graph GRAPH_FILE [--into DIR] [--overwrite] [--backend B] [--json]';
const HELP = `usage: attractor weights export|import …
  ${EXPORT_USAGE}
  ${IMPORT_USAGE}

export  writes one float32 array per parameter, named as in the checkpoint manifest ("W",
        "visible.b" …). From a graph file (its --weights folder, else its sidecar folder, else
        fresh weights from the seed and its init files) it also writes NAME${SYMMETRIC} for every
        parameter its coupling symmetrises: the matrix or kernel the net multiplies by.
import  checks every array against the graph (names, shapes, finite values) and writes a
        checkpoint the engine loads (--into, default the graph's sidecar folder). For a
        symmetrised coupling NAME${SYMMETRIC} may stand in for NAME: it must be symmetric with
        a diagonal its selfConnections allow. Stored patterns may be left out.`;

export async function weightsCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'export') return exportCommand(rest, io);
  if (sub === 'import') return importCommand(rest, io);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(HELP);
    return 0;
  }
  throw new InputError(`${sub === undefined ? 'missing subcommand:' : `unknown subcommand "${sub}":`} expected export or import\n${HELP}`);
}

async function exportCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, options(['npz', 'weights', 'seed', 'backend'], ['json']), EXPORT_USAGE);
  const source = onePositional(positionals, 'checkpoint folder or graph file', EXPORT_USAGE);
  const out = typeof values.npz === 'string' ? values.npz : undefined;
  if (!out) throw new InputError(`missing --npz OUT.npz (the file to write)\nusage: ${EXPORT_USAGE}`);
  if (!existsSync(source)) throw new InputError(`${source}: no such file or folder (expected a checkpoint folder or a graph file)`);
  let arrays: [string, NdArray][];
  let from: string;
  let backend: BackendInfo;
  if (statSync(source).isDirectory()) {
    if (values.weights !== undefined || values.seed !== undefined) throw new InputError(`--weights and --seed apply to a graph file; ${source} is a checkpoint folder`);
    backend = await start(values.backend);
    arrays = await checkpointArrays(source);
    from = `checkpoint ${source}`;
  } else {
    const opened = await openCommandRun(source, {}, values.backend);
    backend = opened.backend;
    if (!values.json) printWarnings(io, source, opened.opened.warnings);
    const weights = typeof values.weights === 'string' ? { dir: values.weights, option: '--weights' } : undefined;
    const sidecar = sidecarDirFor(source);
    const dir = weights ?? (!opened.opened.graph.weights && existsSync(join(sidecar, MANIFEST_FILE)) ? { dir: sidecar, option: 'the sidecar folder' } : undefined);
    const seed = intOption(values, 'seed', 0) ?? opened.opened.plan.settle.seed;
    const { network, from: said } = await openNetwork(opened.opened, dir, seed);
    try {
      arrays = await networkArrays(opened.opened.plan, network);
    } finally {
      network.dispose();
    }
    from = said;
  }
  await writeFileAtomic(out, encodeNpz(arrays));
  const listed = arrays.map(([name, a]) => ({ name, shape: [...a.shape] }));
  if (values.json) io.out(JSON.stringify({ npz: out, backend: backend.name, weights: from, arrays: listed }));
  else {
    io.out(`${from} → ${out}`);
    for (const a of listed) io.out(`  ${a.name.padEnd(24)} [${a.shape.join(', ')}]`);
  }
  return 0;
}

async function importCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, options(['graph', 'into', 'backend'], ['overwrite', 'json']), IMPORT_USAGE);
  const file = onePositional(positionals, '.npz file', IMPORT_USAGE);
  const graph = typeof values.graph === 'string' ? values.graph : undefined;
  if (!graph) throw new InputError(`missing --graph GRAPH_FILE (the graph whose parameters the arrays are)\nusage: ${IMPORT_USAGE}`);
  const into = typeof values.into === 'string' ? values.into : sidecarDirFor(graph);
  if (!values.overwrite && existsSync(join(into, MANIFEST_FILE))) throw new InputError(`${into} already holds a checkpoint: pass --overwrite to replace it, or --into another folder`);
  const arrays = await readNpz(file);
  const { opened, backend } = await openCommandRun(graph, {}, values.backend);
  if (!values.json) printWarnings(io, graph, opened.warnings);
  const imported = await importArrays(opened.plan, arrays, file);
  // Stored patterns left out come from the graph's data, as a fresh network takes them.
  const tensors = new Map([...imported].map(([name, data]) => [name, tf.tensor(data, opened.plan.params.find((p) => p.name === name)!.shape as number[])]));
  let network: Network;
  try {
    network = Network.fromValues(opened.plan, tensors, opened.plan.settle.seed, opened.datasets, opened.initFiles);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
  try {
    await saveCheckpoint(into, { step: 0, epoch: 0, method: opened.graph.training.method, params: network.params, meta: { importedFrom: file, graph } });
  } catch (err) {
    if (err instanceof CheckpointError) throw new InputError(err.message);
    throw err;
  } finally {
    network.dispose();
  }
  const names = [...imported.keys()];
  if (values.json) io.out(JSON.stringify({ checkpoint: into, backend: backend.name, from: file, params: names }));
  else io.out(`${file} → ${into}: ${names.length} parameter${names.length === 1 ? '' : 's'} (${names.join(', ')}); load it with --weights ${into}`);
  return 0;
}

async function start(name: unknown): Promise<BackendInfo> {
  try {
    return await startBackend(backendOption(name));
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

async function checkpointArrays(dir: string): Promise<[string, NdArray][]> {
  let c;
  try {
    c = await loadCheckpoint(dir);
  } catch (err) {
    if (err instanceof CheckpointError) throw new InputError(err.message);
    throw err;
  }
  try {
    const out: [string, NdArray][] = [];
    for (const [name, t] of c.params) out.push([name, { shape: [...t.shape], data: await readValues(t) }]);
    return out;
  } finally {
    disposeCheckpoint(c);
  }
}

async function readNpz(file: string): Promise<Map<string, NdArray>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: file not found (expected an .npz file)` : `${file}: cannot read it (${code ?? (err as Error).message})`);
  }
  if (!isZip(bytes)) throw new InputError(`${file}: not an .npz file (a zip of .npy arrays, as np.savez writes); for one .npy array use "init": {"kind": "file"} in the graph`);
  try {
    return decodeNpz(bytes, file);
  } catch (err) {
    if (err instanceof NumpyFormatError) throw new InputError(err.message);
    throw err;
  }
}
