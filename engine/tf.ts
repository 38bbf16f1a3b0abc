/**
 * The one place the engine imports TensorFlow.js from.
 *
 * tfjs-core alone registers no gradients; the engine needs them for autodiff
 * checks and training. The cpu backend always registers (it is the last fallback
 * and the bridge target for kernels wasm lacks); wasm and tfjs-node-gpu are
 * loaded by engine/backend when chosen.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

export { tf };
export type Tensor = tf.Tensor;
export type Rank = tf.Rank;
export type Tensor1D = tf.Tensor1D;
export type Tensor2D = tf.Tensor2D;
export type Tensor3D = tf.Tensor3D;
export type Tensor4D = tf.Tensor4D;
