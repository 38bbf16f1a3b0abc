/**
 * A gradient worker (bundled to dist/train-worker.mjs): its own tfjs backend on its own
 * core, the same compiled plan and data, and a network whose parameters the main thread
 * sends with every request. tfjs-wasm cannot run threads in Node, so cores mean workers.
 */

import { parentPort } from 'node:worker_threads';
import { tf } from '../tf.js';
import { startBackend } from '../backend/select.js';
import { compileGraph } from '../compile/compile.js';
import { confineRunTo, confineTo } from '../format/confine.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import { Network } from '../runtime/network.js';
import { loadPlanDatasets } from '../runtime/prepare.js';
import { loadInitFiles } from '../data/init-files.js';
import { computeShard } from './shard.js';
import type { FromWorker, InitMessage, ToWorker } from './messages.js';

interface WorkerState {
  init: InitMessage;
  plan: Plan;
  network: Network;
  datasets: Map<string, Dataset>;
}

let state: WorkerState | undefined;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (msg: ToWorker) => {
  void handle(msg).catch((err: unknown) => send({ type: 'error', message: (err as Error).message }));
});

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      if (msg.workspace !== undefined) await confineTo(msg.workspace);
      else if (msg.folders !== undefined) await confineRunTo(msg.folders);
      const info = await startBackend(msg.backend);
      const { plan } = compileGraph(msg.graph);
      if (!plan) throw new Error('the graph does not compile in the worker');
      const datasets = await loadPlanDatasets(plan, msg.baseDir);
      state = { init: msg, plan, network: Network.create(plan, msg.config.seed, datasets, await loadInitFiles(plan, msg.baseDir)), datasets };
      send({ type: 'ready', backend: info.detail });
      return;
    }
    case 'grad': {
      if (!state) throw new Error('worker not initialised');
      const { plan, network, datasets, init } = state;
      for (const [name, values] of Object.entries(msg.params)) {
        const v = network.params.get(name)!;
        tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      }
      try {
        const r = await computeShard(plan, network, datasets, init.config, init.theta, msg.step, msg.shard, msg.indices);
        port.postMessage({ type: 'grad', id: msg.id, ...r } satisfies FromWorker, Object.values(r.grads).map((g) => g.buffer as ArrayBuffer));
      } catch (err) {
        send({ type: 'error', id: msg.id, message: (err as Error).message });
      }
      return;
    }
    case 'close':
      state?.network.dispose();
      process.exit(0);
  }
}

