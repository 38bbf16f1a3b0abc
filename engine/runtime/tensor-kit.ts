/**
 * The tensor operations the runtime hands to a coupling kind's `bind` and `view`
 * (engine/couplings/kind.ts says why they are handed over rather than imported: the kind
 * files are loaded by the compiler, which runs without TensorFlow.js).
 */
export { tf } from '../tf.js';
export { convolution, flipSwap, product } from './products.js';
export { flat, sumPerExample, viewed, vjpOf, withinCoupling, withSelfConnections } from './coupling-ops.js';
export { asGrid, asTokens, fromGrid, fromTokens } from './patches.js';
export * as attention from './attention.js';
