/**
 * The tensor path as one module (the bundles ship it as dist/tensor.js, see loadTensorPath): the backend,
 * the O(H·W·C) part of soft predictions, and the differentiable loss for training loops.
 */
export { tensorRuntime } from './backend';
export { tensorPixelTerms } from './tensorPixelTerms';
export { locallyAdaptiveLoss } from './adaptiveLossFunction';
